// Writes audit entries in batches: entries recorded within BATCH_WINDOW_MS of each other go to the
// database as one INSERT, so a busy server spends one statement on many mutations instead of one
// each. No response waits on these writes (flush() is for reading the trail, shutdown and tests);
// a batch that fails is retried entry by entry, so an entry the database refuses costs only itself.
import { v7 as uuidv7 } from "uuid";
import type { DirectSql } from "../../db/client.js";
import { Prisma } from "../../generated/prisma/client.js";
import type { Logger } from "../../logger.js";
import type { AuditEntry } from "./entry.js";

const BATCH_WINDOW_MS = 20;
const MAX_BATCH = 500;

export function createAuditWriter({ sql, logger }: { sql: DirectSql; logger: Logger }) {
  let pending: AuditEntry[] = [];
  let timer: NodeJS.Timeout | null = null;
  const writes = new Set<Promise<void>>();

  // One statement for any number of rows, one array per column. (Prisma's createMany would
  // compile its query again on every call.)
  const insert = (entries: AuditEntry[]) => {
    const column = <T>(pick: (entry: AuditEntry) => T) => entries.map(pick);
    // PostgreSQL text cannot hold NUL, and an id argument is whatever the client sent.
    const text = (pick: (entry: AuditEntry) => string | null) => entries.map((e) => pick(e)?.replaceAll("\0", "\uFFFD") ?? null);
    return sql(Prisma.sql`
      INSERT INTO "AuditLog" ("id", "createdAt", "userId", "operation", "targetId", "outcome", "requestId", "clientIp")
      SELECT * FROM unnest(
        ${column(() => uuidv7())}::uuid[], ${column((e) => e.createdAt.toISOString())}::timestamptz[],
        ${column((e) => e.userId)}::uuid[], ${text((e) => e.operation)}::text[], ${text((e) => e.targetId)}::text[],
        ${text((e) => e.outcome)}::text[], ${text((e) => e.requestId)}::text[], ${text((e) => e.clientIp)}::text[])`);
  };

  async function write(batch: AuditEntry[]): Promise<void> {
    try {
      await insert(batch);
      return;
    } catch (err) {
      if (batch.length === 1) return logFailure(batch[0]!, err);
    }
    // One after another: a batch that fails (a database outage) must not take the whole pool.
    for (const entry of batch) await insert([entry]).catch((err: unknown) => logFailure(entry, err));
  }

  function logFailure(entry: AuditEntry, err: unknown) {
    logger.error({ err, operations: [entry.operation], requestId: entry.requestId }, "could not write audit log entries");
  }

  function writePending() {
    if (timer) clearTimeout(timer);
    timer = null;
    const batch = pending;
    pending = [];
    if (batch.length === 0) return;
    const done = write(batch);
    writes.add(done);
    void done.finally(() => writes.delete(done));
  }

  return {
    record(entries: AuditEntry[]): void {
      pending.push(...entries);
      if (pending.length >= MAX_BATCH) writePending();
      else if (pending.length > 0) timer ??= setTimeout(writePending, BATCH_WINDOW_MS).unref();
    },

    /** Writes what is waiting now; resolves once every entry recorded so far is written (or its failure logged). */
    async flush(): Promise<void> {
      writePending();
      await Promise.all([...writes]);
    },
  };
}
