// EXECUTION_TIMEOUT_MS: a query still running after the limit answers SERVICE_UNAVAILABLE at
// once. The abort signal is handed to the executor too, for resolvers that honour it, but the
// answer does not wait for them: the compiled executor (graphql-jit) does not watch the signal.
// Mutations are not timed: what they started (a stored message, a session) would carry on after
// an answer saying "aborted, try again", and the retry would do it twice. Their statements have
// the database's own limits. Subscriptions are long-lived by design and are not timed either.
import { getOperationAST } from "graphql";
import { ApiError } from "../apiError.js";
import type { Plugin } from "graphql-yoga";

export function executionTimeoutError(timeoutMs: number): ApiError {
  return new ApiError(
    "SERVICE_UNAVAILABLE",
    `The operation did not finish within ${timeoutMs} ms and was aborted. Try again, or ask for less data.`,
    { reason: "EXECUTION_TIMEOUT", timeoutMs, http: { status: 503 } },
  );
}

export function useExecutionTimeout(timeoutMs: number): Plugin {
  return {
    onExecute({ args, executeFn, setExecuteFn }) {
      if (getOperationAST(args.document, args.operationName)?.operation === "mutation") return;
      setExecuteFn(async (executionArgs) => {
        const timeout = new AbortController();
        const timer = setTimeout(() => timeout.abort(executionTimeoutError(timeoutMs)), timeoutMs);
        // The client going away (yoga's request signal) aborts as well.
        const upstream = (args as { signal?: AbortSignal }).signal;
        const signal = upstream ? AbortSignal.any([upstream, timeout.signal]) : timeout.signal;
        try {
          const aborted = new Promise<never>((_resolve, reject) => {
            if (signal.aborted) reject(signal.reason);
            else signal.addEventListener("abort", () => reject(signal.reason), { once: true });
          });
          return await Promise.race([executeFn({ ...executionArgs, signal } as typeof executionArgs), aborted]);
        } catch (thrown) {
          if (timeout.signal.aborted && thrown === timeout.signal.reason) return { errors: [thrown as ApiError] };
          throw thrown;
        } finally {
          clearTimeout(timer);
        }
      });
    },
  };
}
