// Runs the real entry point as a child process, the way `npm start` does: compiled to dist/ by
// scripts/build.mjs (once per test file), then `node dist/main.js`; and watches any child process.
import { execFileSync, spawn, type ChildProcess } from "node:child_process";
import { fileURLToPath } from "node:url";

export const root = fileURLToPath(new URL("../..", import.meta.url));
let built = false;

export interface ServerProcess {
  child: ChildProcess;
  output: () => string;
  /** Resolves with the exit code. */
  exited: Promise<number | null>;
  waitFor(pattern: RegExp, timeoutMs?: number): Promise<string>;
}

/** `cwd`: where the server runs (where it looks for `.env`); the repository by default. */
export function spawnServer(env: Record<string, string>, { cwd = root }: { cwd?: string } = {}): ServerProcess {
  if (!built) execFileSync(process.execPath, ["scripts/build.mjs"], { cwd: root, stdio: "inherit" });
  built = true;
  const child = spawn(process.execPath, ["--enable-source-maps", `${root}dist/main.js`], {
    cwd,
    env: { PATH: process.env.PATH ?? "", HOME: process.env.HOME ?? "/tmp", ...env },
    stdio: ["ignore", "pipe", "pipe"],
  });
  return watchProcess(child);
}

/** Collects a child's output (stdout and stderr) and its exit code. */
export function watchProcess(child: ChildProcess): ServerProcess {
  let text = "";
  child.stdout!.on("data", (chunk) => (text += chunk));
  child.stderr!.on("data", (chunk) => (text += chunk));
  const exited = new Promise<number | null>((resolve) => child.once("exit", (code) => resolve(code)));
  return {
    child,
    output: () => text,
    exited,
    waitFor(pattern, timeoutMs = 30_000) {
      return new Promise((resolve, reject) => {
        const started = Date.now();
        const poll = setInterval(() => {
          const match = pattern.exec(text);
          if (match) {
            clearInterval(poll);
            resolve(match[0]);
          } else if (Date.now() - started > timeoutMs || child.exitCode !== null) {
            clearInterval(poll);
            reject(new Error(`did not see ${pattern} in server output:\n${text}`));
          }
        }, 50);
      });
    },
  };
}
