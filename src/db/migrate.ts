// Applies prisma/migrations like `prisma migrate deploy` (same `_prisma_migrations` records and
// checksums, so the Prisma CLI agrees), at boot, on PGlite or PostgreSQL.
import { readdir, readFile } from "node:fs/promises";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import pg from "pg";
import type { MigrationList } from "@prisma/schema-engine-wasm";
import { NO_FILTERS, withSchemaEngine, type EngineTarget } from "./schema-engine.js";

export type { EngineTarget };

export type LogSink = ((msg: string) => void) | { info(msg: string): void; warn(msg: string): void };
export interface Logger {
  info(msg: string): void;
  warn(msg: string): void;
}

export function toLogger(sink: LogSink): Logger {
  if (typeof sink !== "function") return { info: (m) => sink.info(m), warn: (m) => sink.warn(m) };
  return { info: sink, warn: sink };
}

export const MIGRATIONS_DIR = fileURLToPath(new URL("../../prisma/migrations", import.meta.url));
export const LOCK_FILE = "migration_lock.toml";
const MIGRATION_FILE = "migration.sql";

// Distinct from 72707369, which the engine itself takes (and keeps) on its own session.
const ADVISORY_LOCK_KEY = 5_212_202_611;

/** Reads the migrations directory the way the Prisma CLI does (sorted by directory name). */
export async function readMigrations(dir: string = MIGRATIONS_DIR): Promise<MigrationList> {
  const lockContent = await readFile(join(dir, LOCK_FILE), "utf8").catch(() => null);
  const entries = await readdir(dir, { withFileTypes: true }).catch(() => []);
  const names = entries
    .filter((e) => e.isDirectory())
    .map((e) => e.name)
    .sort((a, b) => a.localeCompare(b));
  const migrationDirectories = await Promise.all(
    names.map(async (name) => ({
      path: name,
      migrationFile: {
        path: MIGRATION_FILE,
        content: await readFile(join(dir, name, MIGRATION_FILE), "utf8").then(
          (value) => ({ tag: "ok" as const, value }),
          (error: Error) => ({ tag: "error" as const, value: error.message }),
        ),
      },
    })),
  );
  return { baseDir: dir, lockfile: { path: LOCK_FILE, content: lockContent }, shadowDbInitScript: "", migrationDirectories };
}

/** Applies pending migrations; returns the names applied (empty when the schema is current). */
export async function migrateDatabase(target: EngineTarget, opts: { log: LogSink; migrationsDir?: string }): Promise<string[]> {
  const log = toLogger(opts.log);
  const migrationsList = await readMigrations(opts.migrationsDir);
  const apply = () =>
    withSchemaEngine(target, log.warn, async (engine) => {
      const { appliedMigrationNames } = await engine.applyMigrations({ migrationsList, filters: NO_FILTERS });
      return appliedMigrationNames;
    });

  // PGlite lives inside this process with a single session: nobody else can migrate it.
  const applied = target.kind === "postgres" ? await withAdvisoryLock(target.connectionString, log, apply) : await apply();
  log.info(
    applied.length > 0
      ? `database migrated (${target.kind}): applied ${applied.join(", ")}`
      : `database schema up to date (${target.kind}, ${migrationsList.migrationDirectories.length} migrations)`,
  );
  return applied;
}

// Server instances booting together queue here; the later ones then find nothing to apply.
async function withAdvisoryLock<T>(connectionString: string, log: Logger, fn: () => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString });
  client.on("error", (error) => log.warn(`migration lock connection failed: ${error.message}`));
  await client.connect();
  try {
    await client.query("SELECT pg_advisory_lock($1)", [ADVISORY_LOCK_KEY]);
    return await fn();
  } finally {
    // Ending the session releases the lock even if the explicit unlock fails.
    await client.query("SELECT pg_advisory_unlock($1)", [ADVISORY_LOCK_KEY]).catch(() => undefined);
    await client.end().catch(() => undefined);
  }
}
