// The benchmark's own PostgreSQL database (mt_bench): created fresh, migrated with the server's
// own migrations, seeded identically for every peer, dropped at the end.
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import pg from "pg";
import { openDatabase } from "../../src/db/client.js";

export const PG_ADMIN_URL = process.env.BENCH_PG_ADMIN_URL ?? "postgresql://postgres@127.0.0.1:5432/postgres";
export const REDIS_URL = process.env.BENCH_REDIS_URL ?? "redis://127.0.0.1:6379";
const DB_NAME = "mt_bench";

export const SEED = {
  events: 1000,
  organizers: 50,
  /** Plain users: attendees, subscribers and message senders. */
  members: 3000,
  maxAttendeesPerEvent: 25,
  connectionRooms: 100,
} as const;

/** The URL of database `name` on the benchmark's PostgreSQL. */
export const databaseUrlOf = (name: string) => {
  const url = new URL(PG_ADMIN_URL);
  url.pathname = `/${name}`;
  return url.toString();
};

export const benchDatabaseUrl = () => databaseUrlOf(DB_NAME);

/** Runs one statement as the admin user (CREATE/DROP DATABASE). */
export async function admin(sql: string) {
  const client = new pg.Client({ connectionString: PG_ADMIN_URL });
  await client.connect();
  try {
    await client.query(sql);
  } finally {
    await client.end();
  }
}

export interface BenchUser {
  id: string;
  role: "USER" | "ORGANIZER" | "ADMIN";
  sessionId: string;
}

export interface Seeded {
  members: BenchUser[];
  admin: BenchUser;
  rooms: Map<string, string>;
  attendances: number;
}

/** Creates mt_bench, applies the server's migrations and seeds it. */
export async function createBenchDatabase(): Promise<Seeded> {
  await admin(`DROP DATABASE IF EXISTS ${DB_NAME} WITH (FORCE)`);
  await admin(`CREATE DATABASE ${DB_NAME}`);
  // This machine's disk takes tens of ms per fsync: with synchronous commits every write scenario
  // would measure the disk, not the servers. Applies to every server alike; stated in BENCHMARKS.md.
  await admin(`ALTER DATABASE ${DB_NAME} SET synchronous_commit = off`);
  const migrated = await openDatabase({
    databaseUrl: benchDatabaseUrl(),
    dataDir: mkdtempSync(join(tmpdir(), "mt-bench-")),
    log: () => {},
  });
  await migrated.close();
  return seed();
}

export async function dropBenchDatabase() {
  await admin(`DROP DATABASE IF EXISTS ${DB_NAME} WITH (FORCE)`);
}

/** Room slugs every scenario uses; connection rooms are bench-conn-0 … bench-conn-99. */
export const ROOMS = { fanout: "bench-fanout", messages: "bench-messages", scale: "bench-scale" } as const;
export const connectionRoom = (i: number) => `bench-conn-${i % SEED.connectionRooms}`;

async function seed(): Promise<Seeded> {
  const client = new pg.Client({ connectionString: benchDatabaseUrl() });
  await client.connect();
  try {
    const user = (role: string, prefix: string, count: number) =>
      client.query(
        `INSERT INTO "User" (id, email, "passwordHash", "displayName", role, "updatedAt")
         SELECT gen_random_uuid(), $1 || g || '@bench.test', 'not-a-password-hash', initcap($1) || ' ' || g, $2::"Role", now()
         FROM generate_series(1, $3::int) g`,
        [prefix, role, count],
      );
    await user("ORGANIZER", "organizer", SEED.organizers);
    await user("USER", "member", SEED.members);
    await user("ADMIN", "admin", 1);
    await client.query(
      `INSERT INTO "Event" (id, title, description, kind, "startsAt", "endsAt", timezone, city, venue, "organizerId", "updatedAt")
       SELECT gen_random_uuid(), 'Milonga ' || g, 'Bench event ' || g,
              (enum_range(NULL::"EventKind"))[1 + g % 7],
              timestamptz '2027-01-01 20:00Z' + g * interval '1 hour',
              timestamptz '2027-01-01 23:00Z' + g * interval '1 hour',
              'America/Argentina/Buenos_Aires', 'Buenos Aires', 'Salon ' || (g % 40),
              o.ids[1 + g % array_length(o.ids, 1)], now()
       FROM generate_series(1, $1::int) g,
            (SELECT array_agg(id ORDER BY email) ids FROM "User" WHERE role = 'ORGANIZER') o`,
      [SEED.events],
    );
    await client.query(
      `INSERT INTO "Attendance" ("eventId", "userId")
       SELECT e.id, m.ids[1 + (e.n * 7 + k) % array_length(m.ids, 1)]
       FROM (SELECT id, row_number() OVER (ORDER BY "startsAt", id) n FROM "Event") e,
            (SELECT array_agg(id ORDER BY email) ids FROM "User" WHERE role = 'USER') m,
            generate_series(0, $1::int - 1) k
       WHERE k < e.n % ($1::int + 1)`,
      [SEED.maxAttendeesPerEvent],
    );
    const slugs = [...Object.values(ROOMS), ...Array.from({ length: SEED.connectionRooms }, (_, i) => connectionRoom(i))];
    await client.query(`INSERT INTO "Room" (id, slug, name) SELECT gen_random_uuid(), s, s FROM unnest($1::text[]) s`, [slugs]);
    await client.query(
      `INSERT INTO "Session" (id, "userId", "expiresAt") SELECT gen_random_uuid(), id, now() + interval '1 day' FROM "User"`,
    );
    await client.query("ANALYZE");
    const users = await client.query<{ id: string; role: BenchUser["role"]; sessionId: string }>(
      `SELECT u.id, u.role, s.id AS "sessionId" FROM "User" u JOIN "Session" s ON s."userId" = u.id ORDER BY u.email`,
    );
    const rooms = await client.query<{ id: string; slug: string }>(`SELECT id, slug FROM "Room"`);
    const attendances = await client.query<{ n: number }>(`SELECT count(*)::int AS n FROM "Attendance"`);
    return {
      members: users.rows.filter((u) => u.role === "USER"),
      admin: users.rows.find((u) => u.role === "ADMIN")!,
      rooms: new Map(rooms.rows.map((r) => [r.slug, r.id])),
      attendances: attendances.rows[0]!.n,
    };
  } finally {
    await client.end();
  }
}
