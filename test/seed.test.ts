import { execFile } from "node:child_process";
import { promisify } from "node:util";
import { afterAll, describe, expect, it } from "vitest";
import { createTestDatabase } from "./helpers/database.js";
import { startTestServer } from "./helpers/server.js";

const run = promisify(execFile);

describe("npm run db:seed", () => {
  const dbPromise = createTestDatabase();
  afterAll(async () => (await dbPromise).drop());

  it("loads demo data idempotently and its logins work", async () => {
    const db = await dbPromise;
    const env = { ...process.env, NODE_ENV: "development", DATA_DIR: db.dataDir, ...(db.url ? { DATABASE_URL: db.url } : {}) };
    const first = await run("npx", ["tsx", "scripts/seed.ts"], { env });
    expect(first.stdout).toMatch(/admin@mundotango\.local/);
    const second = await run("npx", ["tsx", "scripts/seed.ts"], { env });
    expect(second.stdout).toMatch(/0 new events/);

    const server = await startTestServer({ db });
    try {
      const counts = await server.gql(`{ eventsPage(pageSize: 100) { total } rooms { slug } }`);
      expect(counts.data.eventsPage.total).toBe(12);
      expect(counts.data.rooms.map((r: any) => r.slug).sort()).toEqual(["berlin", "buenos-aires", "general", "music"]);
      const login = await server.gql(
        `mutation { login(input: { email: "carlos@mundotango.local", password: "organizer-demo-1" }) { user { role } } }`,
      );
      expect(login.data.login.user.role).toBe("ORGANIZER");
    } finally {
      await server.stop();
    }
  }, 120_000);
});
