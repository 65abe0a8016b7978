// A PostgreSQL and a Redis that one test owns: a private data directory, a free port, started and
// stopped at will (fault tests stop them under a running server). Not the shared services.
import { execFile, spawn, type ChildProcess } from "node:child_process";
import { chownSync, existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync } from "node:fs";
import net from "node:net";
import { tmpdir } from "node:os";
import { delimiter, join } from "node:path";
import { promisify } from "node:util";

const run = promisify(execFile);

export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const { port } = server.address() as net.AddressInfo;
      server.close(() => resolve(port));
    });
  });
}

function onPath(binary: string): string | undefined {
  return (process.env.PATH ?? "")
    .split(delimiter)
    .map((dir) => join(dir, binary))
    .find((candidate) => existsSync(candidate));
}

/** Debian's PostgreSQL binaries (newest version), or TEST_PG_BIN. */
function postgresBinDir(): string | undefined {
  if (process.env.TEST_PG_BIN) return process.env.TEST_PG_BIN;
  const root = "/usr/lib/postgresql";
  if (!existsSync(root)) return onPath("initdb") ? join(onPath("initdb")!, "..") : undefined;
  const versions = readdirSync(root).sort((a, b) => Number(b) - Number(a));
  return versions.map((v) => join(root, v, "bin")).find((dir) => existsSync(join(dir, "initdb")));
}

const PG_BIN = postgresBinDir();
export const postgresBinaries = PG_BIN && existsSync(join(PG_BIN, "pg_ctl")) ? PG_BIN : undefined;
export const redisServerBinary = onPath("redis-server");

// initdb refuses to run as root: as root, the cluster belongs to the `postgres` OS user.
const asRoot = process.getuid?.() === 0;

async function pgCommand(binary: string, args: string[]) {
  const path = join(postgresBinaries!, binary);
  return asRoot ? run("runuser", ["-u", "postgres", "--", path, ...args]) : run(path, args);
}

async function postgresUserIds(): Promise<{ uid: number; gid: number }> {
  const { stdout: uid } = await run("id", ["-u", "postgres"]);
  const { stdout: gid } = await run("id", ["-g", "postgres"]);
  return { uid: Number(uid.trim()), gid: Number(gid.trim()) };
}

export interface OwnedPostgres {
  /** Connection string for the `postgres` database (trust auth). */
  url: string;
  port: number;
  start(): Promise<void>;
  stop(): Promise<void>;
  destroy(): Promise<void>;
}

export async function startOwnedPostgres(): Promise<OwnedPostgres> {
  if (!postgresBinaries) throw new Error("PostgreSQL binaries (initdb, pg_ctl) not found");
  const dir = mkdtempSync(join(tmpdir(), "mt-owned-pg-"));
  const data = join(dir, "data");
  mkdirSync(data, { mode: 0o700 });
  if (asRoot) {
    const { uid, gid } = await postgresUserIds();
    chownSync(dir, uid, gid);
    chownSync(data, uid, gid);
  }
  await pgCommand("initdb", ["-D", data, "-U", "postgres", "-A", "trust", "-E", "UTF8", "--locale=C", "--no-sync"]);
  const port = await freePort();
  const options = `-p ${port} -k ${dir} -c listen_addresses=127.0.0.1 -c fsync=off -c full_page_writes=off`;
  let running = false;
  const start = async () => {
    await pgCommand("pg_ctl", ["-D", data, "-l", join(dir, "server.log"), "-o", options, "-w", "-t", "60", "start"]);
    running = true;
  };
  const stop = async () => {
    if (!running) return;
    await pgCommand("pg_ctl", ["-D", data, "-m", "fast", "-w", "-t", "60", "stop"]);
    running = false;
  };
  await start();
  return {
    url: `postgresql://postgres@127.0.0.1:${port}/postgres`,
    port,
    start,
    stop,
    async destroy() {
      await stop().catch(() => undefined);
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

export interface OwnedRedis {
  url: string;
  port: number;
  start(): Promise<void>;
  /** SIGTERM by default; SIGKILL for a crash. Started again, it is empty (no persistence). */
  stop(signal?: NodeJS.Signals): Promise<void>;
  /** SIGSTOP: connected but silent (a frozen server or a network that drops packets); resume() ends it. */
  freeze(): void;
  resume(): void;
  destroy(): Promise<void>;
}

export async function startOwnedRedis(): Promise<OwnedRedis> {
  if (!redisServerBinary) throw new Error("redis-server not found on PATH");
  const port = await freePort();
  let child: ChildProcess | undefined;
  const start = () =>
    new Promise<void>((resolve, reject) => {
      const proc = spawn(
        redisServerBinary,
        ["--port", String(port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no", "--daemonize", "no"],
        { stdio: ["ignore", "pipe", "pipe"] },
      );
      let output = "";
      const timer = setTimeout(() => reject(new Error(`redis-server did not start:\n${output}`)), 15_000);
      proc.stdout!.on("data", (chunk) => {
        output += chunk;
        if (output.includes("Ready to accept connections")) {
          clearTimeout(timer);
          child = proc;
          resolve();
        }
      });
      proc.once("exit", (code) => {
        clearTimeout(timer);
        if (child !== proc) reject(new Error(`redis-server exited with ${code}:\n${output}`));
      });
    });
  const stop = async (signal: NodeJS.Signals = "SIGTERM") => {
    const proc = child;
    if (!proc || proc.exitCode !== null) return;
    child = undefined;
    const exited = new Promise((resolve) => proc.once("exit", resolve));
    proc.kill(signal);
    await exited;
  };
  await start();
  const freeze = () => void child?.kill("SIGSTOP");
  const resume = () => void child?.kill("SIGCONT");
  return {
    url: `redis://127.0.0.1:${port}`,
    port,
    start,
    stop,
    freeze,
    resume,
    destroy: async () => {
      resume();
      await stop();
    },
  };
}
