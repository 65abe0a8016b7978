// Opens the database the server runs on: PostgreSQL when a URL is given, else embedded PGlite
// persisted under the data directory. The schema is migrated before the client is handed out.
import { mkdir } from "node:fs/promises";
import { join } from "node:path";
import { PGlite } from "@electric-sql/pglite";
import { PrismaPg } from "@prisma/adapter-pg";
import pg from "pg";
import { PrismaPGlite } from "pglite-prisma-adapter";
import { PrismaClient } from "../generated/prisma/client.js";
import { lockDataDir } from "./dataDirLock.js";
import { pgliteSql, postgresSql, type DirectSql } from "./directSql.js";
import { migrateDatabase, toLogger, type LogSink } from "./migrate.js";

export type { PrismaClient, DirectSql };
export type DatabaseKind = "pglite" | "postgres";

export interface Database {
  prisma: PrismaClient;
  /** Raw SQL on the hot paths, on the same connections as `prisma` but without its client's per-statement cost (see directSql.ts). */
  sql: DirectSql;
  kind: DatabaseKind;
  /** Calls `listener` with each SQL statement sent (by Prisma or `sql`) until the returned function is called (tests count statements with it). */
  onStatement(listener: (sql: string) => void): () => void;
  /** Throws when the database does not answer (readiness probe). */
  ping(): Promise<void>;
  close(): Promise<void>;
}

export interface OpenDatabaseOptions {
  /** PostgreSQL connection string; unset means embedded PGlite under `dataDir`. */
  databaseUrl?: string;
  dataDir: string;
  log: LogSink;
  /** Maximum pooled PostgreSQL connections (pg's default, 10, when unset). */
  poolMax?: number;
}

// Each statement Prisma sends is emitted as an event (never printed) for onStatement's listeners.
const STATEMENT_EVENTS: [{ emit: "event"; level: "query" }] = [{ emit: "event", level: "query" }];

export async function openDatabase(opts: OpenDatabaseOptions): Promise<Database> {
  return opts.databaseUrl ? openPostgres(opts.databaseUrl, opts) : openPglite(opts);
}

async function openPostgres(connectionString: string, opts: OpenDatabaseOptions): Promise<Database> {
  const log = toLogger(opts.log);
  await migrateDatabase({ kind: "postgres", connectionString }, { log: opts.log });
  // One pool for Prisma and for the direct statements; ended after Prisma lets go of it.
  const pool = new pg.Pool({ connectionString, max: opts.poolMax });
  // Sessions in UTC whatever the database's default: Prisma's adapter sends timestamps as text
  // without an offset (read in the session's zone), the direct statements with one. Set on each
  // new connection (queued before any other query on it); a startup `options` parameter would be
  // overridden by one in DATABASE_URL.
  pool.on("connect", (client) => void client.query("SET TIME ZONE 'UTC'").catch(() => undefined));
  // For as long as the pool lives (Prisma's own listener goes at $disconnect): a connection the
  // server drops is an event to log, not an uncaught error.
  pool.on("error", (error) => log.warn(`postgres pool error: ${error.message}`));
  const adapter = new PrismaPg(pool);
  return wrap(
    new PrismaClient({ adapter, log: STATEMENT_EVENTS }),
    "postgres",
    (emit) => postgresSql(pool, emit),
    () => pool.end(),
  );
}

async function openPglite(opts: OpenDatabaseOptions): Promise<Database> {
  const dir = join(opts.dataDir, "pglite");
  await mkdir(dir, { recursive: true });
  // Before PGlite touches a file: a second opener leaves the directory as it found it.
  const unlock = lockDataDir(opts.dataDir);
  let pglite: PGlite | undefined;
  try {
    pglite = await PGlite.create(dir);
    await migrateDatabase({ kind: "pglite", pglite }, { log: opts.log });
  } catch (error) {
    await pglite?.close();
    unlock();
    throw error;
  }
  const prisma = new PrismaClient({ adapter: new PrismaPGlite(pglite), log: STATEMENT_EVENTS });
  return wrap(
    prisma,
    "pglite",
    (emit) => pgliteSql(pglite, emit),
    () => pglite.close().finally(unlock),
  );
}

function wrap(
  prisma: PrismaClient<"query">,
  kind: DatabaseKind,
  directSql: (emit: (sql: string) => void) => DirectSql,
  closeDriver: () => Promise<void>,
): Database {
  let closed: Promise<void> | undefined;
  const statementListeners = new Set<(sql: string) => void>();
  const emit = (sql: string) => {
    for (const listener of statementListeners) listener(sql);
  };
  prisma.$on("query", (event) => emit(event.query));
  return {
    prisma,
    sql: directSql(emit),
    kind,
    onStatement(listener) {
      const own = (sql: string) => listener(sql); // a distinct entry even if added twice
      statementListeners.add(own);
      return () => void statementListeners.delete(own);
    },
    async ping() {
      await prisma.$queryRaw`SELECT 1`;
    },
    close: () => (closed ??= prisma.$disconnect().finally(closeDriver)),
  };
}
