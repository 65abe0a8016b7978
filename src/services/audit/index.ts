// The audit trail: one row per mutation call (who, which operation, on what, with which outcome,
// request id, client IP, time). Rows are written in the background, in batches (writer.ts), so a
// mutation's response never waits for its audit row; a failed write is logged with the
// operations it concerned.
// No arguments are stored, so nothing a client sent (passwords, tokens) can end up here.
import type { DirectSql } from "../../db/client.js";
import type { AuditLog, Prisma, PrismaClient } from "../../generated/prisma/client.js";
import type { Logger } from "../../logger.js";
import { decodeAuditCursor, encodeAuditCursor } from "./cursor.js";
import { createAuditWriter } from "./writer.js";

export type { AuditEntry } from "./entry.js";

export interface AuditFilter {
  userId?: string | null;
  operation?: string | null;
  outcome?: string | null;
  /** Inclusive. */
  since?: Date | null;
  /** Exclusive. */
  until?: Date | null;
}

export interface AuditPage {
  entries: AuditLog[];
  hasNextPage: boolean;
  totalCount: () => Promise<number>;
}

function whereOf(filter: AuditFilter = {}): Prisma.AuditLogWhereInput {
  return {
    ...(filter.userId ? { userId: filter.userId } : {}),
    ...(filter.operation ? { operation: filter.operation } : {}),
    ...(filter.outcome ? { outcome: filter.outcome } : {}),
    ...(filter.since || filter.until
      ? { createdAt: { ...(filter.since ? { gte: filter.since } : {}), ...(filter.until ? { lt: filter.until } : {}) } }
      : {}),
  };
}

export function createAuditService({ prisma, sql, logger }: { prisma: PrismaClient; sql: DirectSql; logger: Logger }) {
  const writer = createAuditWriter({ sql, logger });

  return {
    /** Stores entries without making the caller wait; see flush(). */
    record: writer.record,

    /** Resolves once every entry recorded so far is written (or its failure logged). */
    flush: writer.flush,

    /** Newest first, `first` entries after the `after` cursor; what this instance recorded is written first. */
    async page({ first, after, filter }: { first: number; after?: string | null; filter?: AuditFilter }): Promise<AuditPage> {
      await writer.flush();
      const where = whereOf(filter);
      const cursor = after != null ? decodeAuditCursor(after) : null;
      const rows = await prisma.auditLog.findMany({
        where: cursor
          ? {
              AND: [
                where,
                {
                  OR: [{ createdAt: { lt: cursor.createdAt } }, { createdAt: cursor.createdAt, id: { lt: cursor.id } }],
                },
              ],
            }
          : where,
        orderBy: [{ createdAt: "desc" }, { id: "desc" }],
        take: first + 1,
      });
      return {
        entries: rows.slice(0, first),
        hasNextPage: rows.length > first,
        totalCount: () => prisma.auditLog.count({ where }),
      };
    },

    cursorOf: (entry: AuditLog) => encodeAuditCursor(entry),
  };
}

export type AuditService = ReturnType<typeof createAuditService>;
