import { afterAll, describe, expect, it } from "vitest";
import { createTestDatabase } from "./helpers/database.js";
import { startTestServer } from "./helpers/server.js";

describe("embedded PGlite database", () => {
  const dbPromise = createTestDatabase({ embedded: true });
  afterAll(async () => (await dbPromise).drop());

  it("migrates on first start and keeps data across a restart", async () => {
    const db = await dbPromise;
    const first = await startTestServer({ db });
    expect(first.app.services.db.kind).toBe("pglite");
    await first.app.services.prisma.room.create({ data: { slug: "milonga-talk", name: "Milonga talk" } });
    await first.stop();

    const second = await startTestServer({ db });
    try {
      const result = await second.gql('{ room(slug: "milonga-talk") { name } general: room(slug: "general") { slug } }');
      expect(result.data).toEqual({ room: { name: "Milonga talk" }, general: { slug: "general" } });
    } finally {
      await second.stop();
    }
  }, 90_000);
});
