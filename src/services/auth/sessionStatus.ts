// Whether an access token's session and user still stand, cached for a moment so a busy client
// does not cost a database query per request. Revocations drop entries at once on this instance;
// on others the entry is at most STATUS_TTL_MS old, which bounds how long a revoked token works.
import type { DirectSql } from "../../db/client.js";
import { Prisma } from "../../generated/prisma/client.js";
import type { Role } from "../../generated/prisma/enums.js";
import type { AccessRevokedEvent } from "./revocationBus.js";

export const STATUS_TTL_MS = 2_000;

export interface SessionStatus {
  userId: string;
  revoked: boolean;
  userActive: boolean;
  role: Role;
}

interface Entry {
  userId: string | null;
  expiresAt: number;
  status: Promise<SessionStatus | null>;
}

export function createSessionStatusCache(sql: DirectSql, ttlMs = STATUS_TTL_MS) {
  const entries = new Map<string, Entry>();
  let lastSweep = Date.now();

  function sweep(now: number) {
    if (now - lastSweep < ttlMs) return;
    lastSweep = now;
    for (const [sessionId, entry] of entries) if (entry.expiresAt <= now) entries.delete(sessionId);
  }

  // One statement (Prisma would read the session and its user in two).
  async function load(sessionId: string): Promise<SessionStatus | null> {
    const [row] = await sql<{ userId: string; revokedAt: Date | null; isActive: boolean; role: Role }>(Prisma.sql`
      SELECT s."userId", s."revokedAt", u."isActive", u."role"::text AS "role"
      FROM "Session" s JOIN "User" u ON u."id" = s."userId"
      WHERE s."id" = ${sessionId}::uuid`);
    if (!row) return null;
    return { userId: row.userId, revoked: row.revokedAt !== null, userActive: row.isActive, role: row.role };
  }

  return {
    /** Concurrent lookups of one session share a single query. */
    get(sessionId: string): Promise<SessionStatus | null> {
      const now = Date.now();
      sweep(now);
      const cached = entries.get(sessionId);
      if (cached && cached.expiresAt > now) return cached.status;
      const entry: Entry = { userId: null, expiresAt: now + ttlMs, status: load(sessionId) };
      entries.set(sessionId, entry);
      entry.status.then(
        (status) => (entry.userId = status?.userId ?? null),
        () => entries.get(sessionId) === entry && entries.delete(sessionId),
      );
      return entry.status;
    },
    invalidate(event: AccessRevokedEvent) {
      if (event.sessionId) entries.delete(event.sessionId);
      for (const [sessionId, entry] of entries) {
        // An entry still loading may belong to this user: dropping it costs one query at most.
        if (entry.userId === event.userId || entry.userId === null) entries.delete(sessionId);
      }
    },
  };
}
