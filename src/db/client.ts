// Opens the database the server runs on: PostgreSQL when a URL is given, else embedded PGlite
// persisted under the data directory. The schema is migrated before the client is handed out.
import { mkdir } from "node:fs/promises";
import { join } from "node:path";
import { PGlite } from "@electric-sql/pglite";
import { PrismaPg } from "@prisma/adapter-pg";
import { PrismaPGlite } from "pglite-prisma-adapter";
import { PrismaClient } from "../generated/prisma/client.js";
import { migrateDatabase, toLogger, type LogSink } from "./migrate.js";

export type { PrismaClient };
export type DatabaseKind = "pglite" | "postgres";

export interface Database {
  prisma: PrismaClient;
  kind: DatabaseKind;
  /** Calls `listener` with each SQL statement Prisma sends until the returned function is called (tests count statements with it). */
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
  const adapter = new PrismaPg(
    { connectionString, max: opts.poolMax },
    { onPoolError: (error) => log.warn(`postgres pool error: ${error.message}`) },
  );
  return wrap(new PrismaClient({ adapter, log: STATEMENT_EVENTS }), "postgres", async () => undefined);
}

async function openPglite(opts: OpenDatabaseOptions): Promise<Database> {
  const dir = join(opts.dataDir, "pglite");
  await mkdir(dir, { recursive: true });
  const pglite = await PGlite.create(dir);
  try {
    await migrateDatabase({ kind: "pglite", pglite }, { log: opts.log });
  } catch (error) {
    await pglite.close();
    throw error;
  }
  return wrap(new PrismaClient({ adapter: new PrismaPGlite(pglite), log: STATEMENT_EVENTS }), "pglite", () => pglite.close());
}

function wrap(
  prisma: PrismaClient<"query">,
  kind: DatabaseKind,
  closeDriver: () => Promise<void>,
): Database {
  let closed: Promise<void> | undefined;
  const statementListeners = new Set<(sql: string) => void>();
  prisma.$on("query", (event) => statementListeners.forEach((listener) => listener(event.query)));
  return {
    prisma,
    kind,
    onStatement(listener) {
      const own = (sql: string) => listener(sql); // a distinct entry even if added twice
      statementListeners.add(own);
      return () => void statementListeners.delete(own);
    },
    async ping() {
      await prisma.$queryRaw`SELECT 1`;
    },
    close: () => (closed ??= prisma.$disconnect().then(closeDriver)),
  };
}
