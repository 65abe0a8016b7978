// One process at a time opens an embedded data directory: a seed or a second server started beside
// a running one fails with one line naming the directory and the holder, and changes nothing; a
// lock left by a process that is gone is taken over.
import { execFile, spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { hostname, tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import { afterAll, describe, expect, it } from "vitest";
import { DataDirInUseError, LOCK_FILE, lockDataDir } from "../src/db/dataDirLock.js";
import { createTestDatabase } from "./helpers/database.js";
import { spawnServer } from "./helpers/process.js";
import { startTestServer, TEST_JWT_SECRET } from "./helpers/server.js";

const run = promisify(execFile);
const COUNTS = "{ eventsPage(pageSize: 100) { total } rooms { slug } }";

describe("embedded database: one owner", () => {
  const dbPromise = createTestDatabase({ embedded: true });
  afterAll(async () => (await dbPromise).drop());

  it("a seed or a second server beside a running server fails naming the directory and the holder; the data stays intact", async () => {
    const db = await dbPromise;
    const server = await startTestServer({ db });
    let before: unknown;
    try {
      await server.app.services.prisma.room.create({ data: { slug: "milonga-talk", name: "Milonga talk" } });
      before = (await server.gql(COUNTS)).data;

      const seed = await run("npx", ["tsx", "scripts/seed.ts"], {
        env: { ...process.env, NODE_ENV: "development", DATA_DIR: db.dataDir },
      }).then(
        () => null,
        (error: { code: number; stderr: string }) => error,
      );
      expect(seed?.code).toBe(1);
      const lines = seed!.stderr.trim().split("\n");
      expect(lines).toHaveLength(1);
      expect(lines[0]).toContain(db.dataDir);
      expect(lines[0]).toContain(`process ${process.pid}`);

      const second = spawnServer({
        NODE_ENV: "test",
        PORT: "0",
        HOST: "127.0.0.1",
        DATA_DIR: db.dataDir,
        JWT_SECRET: TEST_JWT_SECRET,
      });
      expect(await second.exited).toBe(1);
      expect(second.output()).toMatch(new RegExp(`in use by process ${process.pid}`));

      expect((await server.gql(COUNTS)).data).toEqual(before);
    } finally {
      await server.stop();
    }
    const restarted = await startTestServer({ db });
    try {
      expect((await restarted.gql(COUNTS)).data).toEqual(before);
    } finally {
      await restarted.stop();
    }
  }, 180_000);

  it("takes over a lock whose process is gone, or whose pid now belongs to a later process", async () => {
    const dir = mkdtempSync(join(tmpdir(), "mt-lock-"));
    const file = join(dir, LOCK_FILE);
    const deadPid = spawnSync(process.execPath, ["-e", "0"]).pid!;
    writeFileSync(file, JSON.stringify({ pid: deadPid, host: hostname() }));
    const release = lockDataDir(dir);
    expect(JSON.parse(readFileSync(file, "utf8")).pid).toBe(process.pid);
    release();

    // A live pid with another start time: the pid was reused after the holder died.
    writeFileSync(file, JSON.stringify({ pid: process.ppid, host: hostname(), started: "1" }));
    lockDataDir(dir)();

    // The same pid, alive with its own start time: held.
    const started = readFileSync(`/proc/${process.ppid}/stat`, "utf8").split(") ")[1]!.split(" ")[19];
    writeFileSync(file, JSON.stringify({ pid: process.ppid, host: hostname(), started }));
    expect(() => lockDataDir(dir)).toThrowError(DataDirInUseError);
    expect(() => lockDataDir(dir)).toThrowError(new RegExp(`in use by process ${process.ppid}`));
  });

  it("a server whose lock was left by a process that died starts, and the data is there", async () => {
    const db = await dbPromise;
    writeFileSync(
      join(db.dataDir, LOCK_FILE),
      JSON.stringify({ pid: spawnSync(process.execPath, ["-e", "0"]).pid, host: hostname() }),
    );
    const server = await startTestServer({ db });
    try {
      expect((await server.gql('{ room(slug: "milonga-talk") { name } }')).data).toEqual({ room: { name: "Milonga talk" } });
    } finally {
      await server.stop();
    }
  }, 120_000);
});
