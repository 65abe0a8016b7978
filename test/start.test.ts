// `npm start` under a supervisor: SIGTERM or SIGINT sent to the npm process (docker stop,
// systemd, Kubernetes) or to its whole process group (Ctrl-C in a terminal) reaches the server,
// which drains (sockets close 1001, database closed: "bye") and exits 0, and so does npm, with
// nothing left running. Run through npm itself, as the container command would.
import { spawn } from "node:child_process";
import { readFileSync } from "node:fs";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import WebSocket from "ws";
import { createTestDatabase, type TestDatabase } from "./helpers/database.js";
import { root, watchProcess } from "./helpers/process.js";
import { TEST_JWT_SECRET } from "./helpers/server.js";

const isGone = (pid: number) => {
  try {
    process.kill(pid, 0);
    return false;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === "ESRCH";
  }
};

/** The processes npm started (the server, since `start` execs node). */
const childrenOf = (pid: number) =>
  readFileSync(`/proc/${pid}/task/${pid}/children`, "utf8").trim().split(/\s+/).filter(Boolean).map(Number);

/** A graphql-ws socket past its handshake, and the close code it later gets. */
async function openSocket(origin: string): Promise<{ closed: Promise<number> }> {
  const socket = new WebSocket(`${origin.replace(/^http/, "ws")}/graphql`, "graphql-transport-ws");
  const closed = new Promise<number>((resolve) => socket.once("close", (code) => resolve(code)));
  await new Promise<void>((resolve, reject) => {
    socket.once("open", () => socket.send(JSON.stringify({ type: "connection_init" })));
    socket.once("message", (data) =>
      JSON.parse(String(data)).type === "connection_ack" ? resolve() : reject(new Error(String(data))),
    );
    socket.once("error", reject);
  });
  return { closed };
}

describe.skipIf(process.platform !== "linux")("npm start and signals", () => {
  let db: TestDatabase;
  beforeAll(async () => {
    db = await createTestDatabase();
  });
  afterAll(() => db?.drop());

  const cases: [NodeJS.Signals, "npm" | "group"][] = [
    ["SIGTERM", "npm"],
    ["SIGINT", "npm"],
    ["SIGTERM", "group"],
    ["SIGINT", "group"],
  ];
  it.each(cases)(
    "%s to the %s: the server drains, npm exits 0, nothing is left",
    async (signal, target) => {
      const npm = spawn("npm", ["start"], {
        cwd: root,
        detached: target === "group", // its own process group, as a terminal's foreground job
        env: {
          PATH: process.env.PATH ?? "",
          HOME: process.env.HOME ?? "/tmp",
          NODE_ENV: "test",
          HOST: "127.0.0.1",
          PORT: "0",
          LOG_FORMAT: "json",
          DATA_DIR: db.dataDir,
          JWT_SECRET: TEST_JWT_SECRET,
          ...(db.url ? { DATABASE_URL: db.url } : {}),
        },
        stdio: ["ignore", "pipe", "pipe"],
      });
      const watched = watchProcess(npm);
      let server: number | undefined;
      try {
        const ready = await watched.waitFor(/ready at (http:\/\/\S+)\/graphql/, 110_000);
        const origin = /ready at (http:\/\/[^/\s"]+)/.exec(ready)![1]!;
        server = childrenOf(npm.pid!)[0];
        expect(server).toBeGreaterThan(0);
        const socket = await openSocket(origin);

        if (target === "group") process.kill(-npm.pid!, signal);
        else npm.kill(signal);

        expect(await watched.exited).toBe(0);
        expect(await socket.closed).toBe(1001);
        expect(watched.output()).toMatch(/"msg":"bye"/);
        expect(isGone(server!)).toBe(true);
        if (target === "group") expect(isGone(-npm.pid!)).toBe(true);
        await expect(fetch(`${origin}/health`)).rejects.toThrow();
      } finally {
        if (npm.exitCode === null) npm.kill("SIGKILL");
        if (server && !isGone(server)) process.kill(server, "SIGKILL"); // left behind: the failure above says so
      }
    },
    150_000,
  );
});
