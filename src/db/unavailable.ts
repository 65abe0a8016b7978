// Recognises "the database is not there right now" among the errors Prisma, its PostgreSQL
// driver adapter and pg itself (statements sent directly, see directSql.ts) raise: unreachable,
// connection dropped, shutting down or starting up, pool exhausted. Those are transient and
// answer SERVICE_UNAVAILABLE (retry later), not a bug.

/** Prisma: can't reach server, timed out, server closed the connection, pool timeout. */
const PRISMA_CODES = new Set(["P1001", "P1002", "P1008", "P1017", "P2024"]);
/** Driver adapter error kinds with the same meaning. */
const ADAPTER_KINDS = new Set([
  "DatabaseNotReachable",
  "ConnectionClosed",
  "SocketTimeout",
  "TooManyConnections",
  "TlsConnectionError",
]);
/** PostgreSQL SQLSTATEs: connection exceptions (class 08), admin/crash shutdown, cannot connect now. */
const isPostgresUnavailable = (code: unknown) =>
  typeof code === "string" && (code.startsWith("08") || code === "57P01" || code === "57P02" || code === "57P03");
/** Node socket errors pg passes on when it cannot connect or loses the connection (the adapter maps the same ones). */
const SOCKET_CODES = new Set(["ENOTFOUND", "ECONNREFUSED", "ECONNRESET", "ETIMEDOUT"]);

interface ErrorLike {
  name?: unknown;
  code?: unknown;
  kind?: unknown;
  syscall?: unknown;
  severity?: unknown;
  cause?: unknown;
  errors?: unknown;
  meta?: { driverAdapterError?: unknown };
}

export function isDatabaseUnavailable(error: unknown, depth = 0): boolean {
  if (!error || typeof error !== "object" || depth > 4) return false;
  const e = error as ErrorLike;
  if (typeof e.name === "string" && e.name.startsWith("PrismaClient") && PRISMA_CODES.has(e.code as string)) return true;
  if (typeof e.kind === "string" && ADAPTER_KINDS.has(e.kind)) return true;
  if (e.kind === "postgres" && isPostgresUnavailable(e.code)) return true;
  if (typeof e.syscall === "string" && SOCKET_CODES.has(e.code as string)) return true;
  if (typeof e.severity === "string" && isPostgresUnavailable(e.code)) return true; // pg's DatabaseError
  if (e.name === "PrismaClientInitializationError") return true;
  // Node reports a host with several addresses (localhost: ::1 and 127.0.0.1) refusing as an AggregateError of each attempt.
  if (Array.isArray(e.errors) && e.errors.some((inner) => isDatabaseUnavailable(inner, depth + 1))) return true;
  return isDatabaseUnavailable(e.meta?.driverAdapterError, depth + 1) || isDatabaseUnavailable(e.cause, depth + 1);
}

export const DATABASE_UNAVAILABLE_MESSAGE = "The service is temporarily unavailable. Please try again shortly.";
