// Opaque page cursors for the audit log: the (createdAt, id) of an entry, the same pair it is
// ordered by, so a page starts exactly after the previous one even while rows are being added.
import { badUserInput, quoted } from "../../errors.js";
import { isSupportedInstant } from "../../instants.js";

export interface AuditCursor {
  createdAt: Date;
  id: string;
}

const PREFIX = "AuditLogEntry:";
const SHAPE = /^AuditLogEntry:(\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z)\|([0-9a-f-]{36})$/;

export function encodeAuditCursor({ createdAt, id }: AuditCursor): string {
  return Buffer.from(`${PREFIX}${createdAt.toISOString()}|${id}`, "utf8").toString("base64url");
}

export function decodeAuditCursor(cursor: string): AuditCursor {
  const match = SHAPE.exec(Buffer.from(cursor, "base64url").toString("utf8"));
  const createdAt = match ? new Date(match[1]!) : null;
  if (!match || !createdAt || Number.isNaN(createdAt.getTime()) || !isSupportedInstant(createdAt)) {
    throw badUserInput(`${quoted(cursor)} is not a valid auditLog cursor`, [
      { path: "after", message: "not a cursor from auditLog" },
    ]);
  }
  return { createdAt, id: match[2]! };
}
