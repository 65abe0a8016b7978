// Database.sql sends raw statements to the driver itself; its rows must read exactly as Prisma's
// $queryRaw gives them, on both databases, since services switched from one to the other.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { openDatabase, type Database } from "../src/db/client.js";
import { Prisma } from "../src/generated/prisma/client.js";
import { admin, createTestDatabase, type TestDatabase } from "./helpers/database.js";
import { hasPostgres } from "./helpers/services.js";

const ids = ["0190c6a2-7b3e-7000-8000-000000000001", "0190c6a2-7b3e-7000-8000-000000000002"];
const stamp = new Date("2026-03-01T21:30:00.123Z");

// Every kind of column the direct statements read: uuid, text, int4, int8, bool, enum, timestamptz
// (set and null), and array parameters with a null in them.
const probe = Prisma.sql`
  SELECT e.id, e.label, e.n::int AS "small", (e.n::bigint * 4294967296) AS "big", e.n > 1 AS "flag",
         'ADMIN'::"Role" AS "role", ${stamp}::timestamptz AS "at", NULL::timestamptz AS "never"
  FROM unnest(${ids}::uuid[], ${["uno", null]}::text[], ${[1, 2]}::int[]) AS e(id, label, n)
  ORDER BY e.n`;

const databases = [
  { name: "embedded PGlite", embedded: true, skip: false },
  { name: "PostgreSQL", embedded: false, skip: !hasPostgres },
];

for (const { name, embedded, skip } of databases) {
  describe.skipIf(skip)(`Database.sql on ${name}`, () => {
    let target: TestDatabase;
    let db: Database;
    beforeAll(async () => {
      target = await createTestDatabase({ embedded });
      db = await openDatabase({ databaseUrl: target.url, dataDir: target.dataDir, log: () => undefined });
    }, 60_000);
    afterAll(async () => {
      await db?.close();
      await target?.drop();
    });

    it("returns rows typed as Prisma's $queryRaw does", async () => {
      const direct = await db.sql(probe);
      expect(direct).toEqual(await db.prisma.$queryRaw(probe));
      expect(direct[1]).toEqual({
        id: ids[1],
        label: null,
        small: 2,
        big: 8589934592n,
        flag: true,
        role: "ADMIN",
        at: stamp,
        never: null,
      });
    });

    it("reads timestamps of every supported year as written", async () => {
      const stamps = [
        "0001-01-01T00:00:00.000Z",
        "0099-12-31T23:59:59.999Z",
        "1970-01-01T00:00:00.000Z",
        "9999-12-31T23:59:59.999Z",
      ];
      const rows = await db.sql<{ at: Date }>(Prisma.sql`SELECT unnest(${stamps}::timestamptz[]) AS "at"`);
      expect(rows.map((row) => row.at.toISOString())).toEqual(stamps);
    });

    it("is seen by onStatement listeners, and its errors carry the database's message", async () => {
      const seen: string[] = [];
      const stop = db.onStatement((sql) => seen.push(sql));
      await db.sql(Prisma.sql`SELECT ${1}::int AS one`);
      stop();
      await db.sql(Prisma.sql`SELECT 2`);
      expect(seen).toEqual(["SELECT $1::int AS one"]);
      const failed = await db
        .sql(Prisma.sql`SELECT * FROM "NoSuchTable" WHERE ${"secret-value"} = ''`)
        .catch((error: unknown) => error);
      expect(String(failed)).toMatch(/NoSuchTable/);
      // A logged error must not carry the statement's values.
      expect(JSON.stringify(failed, Object.getOwnPropertyNames(failed))).not.toContain("secret-value");
    });
  });
}

describe.skipIf(!hasPostgres)("a PostgreSQL database whose default time zone is not UTC", () => {
  let target: TestDatabase;
  let db: Database;
  beforeAll(async () => {
    target = await createTestDatabase();
    const name = new URL(target.url!).pathname.slice(1);
    await admin((client) => client.query(`ALTER DATABASE "${name}" SET timezone = 'Europe/Amsterdam'`));
    db = await openDatabase({ databaseUrl: target.url, dataDir: target.dataDir, log: () => undefined });
  }, 60_000);
  afterAll(async () => {
    await db?.close();
    await target?.drop();
  });

  it("is used in UTC sessions, so what Prisma writes reads the same through Database.sql", async () => {
    expect(await db.sql(Prisma.sql`SELECT current_setting('TimeZone') AS "zone"`)).toEqual([{ zone: "UTC" }]);
    const at = new Date("2026-07-01T20:00:00.000Z");
    const user = await db.prisma.user.create({
      data: { email: `tz-${Date.now()}@example.com`, passwordHash: "x", displayName: "Tz", createdAt: at },
    });
    const [direct] = await db.sql<{ createdAt: Date }>(Prisma.sql`SELECT "createdAt" FROM "User" WHERE "id" = ${user.id}::uuid`);
    expect(direct!.createdAt.toISOString()).toBe(at.toISOString());
    expect((await db.prisma.user.findUniqueOrThrow({ where: { id: user.id } })).createdAt.toISOString()).toBe(at.toISOString());
  });

  it("stays UTC when DATABASE_URL carries startup options of its own", async () => {
    const url = new URL(target.url!);
    url.searchParams.set("options", "-c search_path=public");
    const other = await openDatabase({ databaseUrl: url.toString(), dataDir: target.dataDir, log: () => undefined });
    try {
      expect(
        await other.sql(Prisma.sql`SELECT current_setting('TimeZone') AS "zone", current_setting('search_path') AS "path"`),
      ).toEqual([{ zone: "UTC", path: "public" }]);
    } finally {
      await other.close();
    }
  });
});
