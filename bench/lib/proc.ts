// Starts a server under test as its own Node process pinned to a core (taskset), waits until it
// answers, and can ask it for its memory (see probe.ts).
import { spawn, type ChildProcess } from "node:child_process";
import { readFileSync } from "node:fs";
import { sleep } from "./stats.js";

export const SERVER_CORE = "1";
export const LOAD_CORE = "0";

export interface RunningServer {
  name: string;
  url: string;
  pid: number;
  memory(): Promise<{ rss: number; heapUsed: number }>;
  stop(): Promise<void>;
}

export interface ServerSpec {
  name: string;
  /** Script run with tsx loaded (TypeScript or compiled), relative to the project root. */
  script: string;
  /** Extra Node.js options before the script. */
  nodeArgs?: string[];
  port: number;
  env?: Record<string, string>;
  /** Path answered once the server is ready. */
  readyPath?: string;
  core?: string;
  /** Checkout to run the script from (default: this one). */
  cwd?: string;
}

/** CPU time (user + system, ms) a process has used, from /proc (Linux). */
export function cpuMs(pid: number): number {
  const fields = readFileSync(`/proc/${pid}/stat`, "utf8").split(") ")[1]!.split(" ");
  return ((Number(fields[11]) + Number(fields[12])) * 1000) / 100; // clock ticks of 10 ms
}

async function waitUntilUp(url: string, child: ChildProcess, name: string) {
  const deadline = Date.now() + 60_000;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`${name} exited with code ${child.exitCode} before it was ready`);
    try {
      await fetch(url);
      return;
    } catch {
      await sleep(100);
    }
  }
  throw new Error(`${name} did not come up within 60 s`);
}

export async function startServer(spec: ServerSpec): Promise<RunningServer> {
  const child = spawn(
    "taskset",
    [
      "-c",
      spec.core ?? SERVER_CORE,
      process.execPath,
      "--expose-gc",
      ...(spec.nodeArgs ?? []),
      "--import",
      "tsx",
      "--import",
      "./bench/lib/probe.ts",
      spec.script,
    ],
    {
      env: { ...process.env, ...spec.env, PORT: String(spec.port) },
      cwd: spec.cwd,
      stdio: ["ignore", "inherit", "inherit", "ipc"],
    },
  );
  const base = `http://127.0.0.1:${spec.port}`;
  await waitUntilUp(base + (spec.readyPath ?? "/health"), child, spec.name);
  return {
    name: spec.name,
    url: base,
    pid: child.pid!,
    memory: () =>
      new Promise((resolve) => {
        const onMessage = (m: { type?: string; rss: number; heapUsed: number }) => {
          if (m?.type !== "memory") return;
          child.off("message", onMessage);
          resolve({ rss: m.rss, heapUsed: m.heapUsed });
        };
        child.on("message", onMessage);
        child.send("memory");
      }),
    stop: async () => {
      if (child.exitCode !== null || child.signalCode !== null) return; // exited, or killed by a signal
      const exited = new Promise((resolve) => child.once("exit", resolve));
      child.kill("SIGTERM");
      const timer = setTimeout(() => child.kill("SIGKILL"), 15_000);
      await exited;
      clearTimeout(timer);
    },
  };
}
