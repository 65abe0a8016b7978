// One row of the audit trail, as recorded (index.ts) and written in batches (writer.ts).
export interface AuditEntry {
  userId: string | null;
  /** The mutation field, e.g. "login". */
  operation: string;
  /** The id argument, or the global id of the record the mutation returned. */
  targetId: string | null;
  /** "OK" or the error code. */
  outcome: string;
  requestId: string | null;
  clientIp: string | null;
  createdAt: Date;
}
