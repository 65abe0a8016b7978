// EXECUTION_TIMEOUT_MS: a query or mutation still running after the limit is aborted (the
// executor stops resolving further fields) and answers SERVICE_UNAVAILABLE. Subscriptions are
// long-lived by design and are not timed.
import { AppError } from "../../errors.js";
import type { Plugin } from "graphql-yoga";

export function executionTimeoutError(timeoutMs: number): AppError {
  return new AppError(
    "SERVICE_UNAVAILABLE",
    `The operation did not finish within ${timeoutMs} ms and was aborted. Try again, or ask for less data.`,
    { reason: "EXECUTION_TIMEOUT", timeoutMs, http: { status: 503 } },
  );
}

export function useExecutionTimeout(timeoutMs: number): Plugin {
  return {
    onExecute({ args, executeFn, setExecuteFn }) {
      setExecuteFn(async (executionArgs) => {
        const timeout = new AbortController();
        const timer = setTimeout(() => timeout.abort(executionTimeoutError(timeoutMs)), timeoutMs);
        // The client going away (yoga's request signal) aborts as well.
        const upstream = (args as { signal?: AbortSignal }).signal;
        const signal = upstream ? AbortSignal.any([upstream, timeout.signal]) : timeout.signal;
        try {
          return await executeFn({ ...executionArgs, signal } as typeof executionArgs);
        } catch (thrown) {
          if (timeout.signal.aborted && thrown === timeout.signal.reason) return { errors: [thrown as AppError] };
          throw thrown;
        } finally {
          clearTimeout(timer);
        }
      });
    },
  };
}
