import { randomUUID } from "node:crypto";
import pg from "pg";
import { afterAll, describe, expect, it } from "vitest";
import { openDatabase } from "../src/db/client.js";
import { migrateDatabase, readMigrations } from "../src/db/migrate.js";
import { admin } from "./helpers/database.js";
import { hasPostgres, PG_ADMIN_URL } from "./helpers/services.js";

const created: string[] = [];
const silent = () => undefined;

async function freshDatabase(): Promise<string> {
  const name = `mt_db_test_${randomUUID().replaceAll("-", "")}`;
  await admin((c) => c.query(`CREATE DATABASE "${name}"`));
  created.push(name);
  const url = new URL(PG_ADMIN_URL);
  url.pathname = `/${name}`;
  return url.toString();
}

async function query<T extends pg.QueryResultRow>(url: string, sql: string): Promise<T[]> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    return (await client.query<T>(sql)).rows;
  } finally {
    await client.end();
  }
}

const migrationNames = async () => (await readMigrations()).migrationDirectories.map((d) => d.path);

afterAll(async () => {
  if (created.length === 0) return;
  await admin(async (c) => {
    for (const name of created) await c.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`);
  });
});

// The embedded path (PGlite) is covered end to end by embedded.test.ts.
describe.skipIf(!hasPostgres)("migrations on PostgreSQL", () => {
  it("applies every migration once, records them like prisma migrate deploy, seeds #general", async () => {
    const url = await freshDatabase();
    const target = { kind: "postgres", connectionString: url } as const;

    expect(await migrateDatabase(target, { log: silent })).toEqual(await migrationNames());
    expect(await migrateDatabase(target, { log: silent })).toEqual([]);

    const rows = await query<{ migration_name: string; finished: boolean; applied_steps_count: number }>(
      url,
      `SELECT migration_name, finished_at IS NOT NULL AS finished, applied_steps_count
         FROM _prisma_migrations ORDER BY migration_name`,
    );
    expect(rows).toEqual(
      (await migrationNames()).map((migration_name) => ({ migration_name, finished: true, applied_steps_count: 1 })),
    );
    expect(await query(url, `SELECT name FROM "Room" WHERE slug = 'general'`)).toEqual([{ name: "General" }]);
  }, 30_000);

  it("lets two instances boot at once: both open, migrations applied once", async () => {
    const url = await freshDatabase();
    const logs: string[][] = [[], []];
    const [a, b] = await Promise.all(
      logs.map((lines) => openDatabase({ databaseUrl: url, dataDir: "unused", log: (m) => lines.push(m), poolMax: 2 })),
    );
    try {
      await Promise.all([a.ping(), b.ping()]);
      expect(a.kind).toBe("postgres");
      expect(await a.prisma.room.count({ where: { slug: "general" } })).toBe(1);
      const [{ count }] = await query<{ count: string }>(url, "SELECT count(*) FROM _prisma_migrations");
      expect(Number(count)).toBe((await migrationNames()).length);
      expect(logs.flat().filter((m) => m.includes("applied"))).toHaveLength(1);
    } finally {
      await Promise.all([a.close(), b.close()]);
    }
  }, 30_000);
});
