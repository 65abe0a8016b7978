// Database errors arrive wrapped: Prisma's client error holds its driver adapter's error, which
// holds pg's; Node reports one failed attempt per address in an AggregateError. Classifiers look
// through every layer.

export interface DatabaseErrorLike {
  name?: unknown;
  code?: unknown;
  kind?: unknown;
  syscall?: unknown;
  severity?: unknown;
  cause?: unknown;
  errors?: unknown;
  meta?: { driverAdapterError?: unknown };
}

/** Whether `test` holds for `error` or for any error it wraps. */
export function someInChain(error: unknown, test: (e: DatabaseErrorLike) => boolean, depth = 0): boolean {
  if (!error || typeof error !== "object" || depth > 4) return false;
  const e = error as DatabaseErrorLike;
  if (test(e)) return true;
  if (Array.isArray(e.errors) && e.errors.some((inner) => someInChain(inner, test, depth + 1))) return true;
  return someInChain(e.meta?.driverAdapterError, test, depth + 1) || someInChain(e.cause, test, depth + 1);
}
