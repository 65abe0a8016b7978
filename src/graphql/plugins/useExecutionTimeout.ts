// EXECUTION_TIMEOUT_MS: a query or mutation still running after the limit answers
// SERVICE_UNAVAILABLE at once. Nothing is cancelled: graphql-js 16 and graphql-jit cannot stop a
// running execution, so the answer simply stops waiting for it (its database work finishes on its
// own, bounded by the pool). No abort signal is made per operation: no resolver could watch it.
// Subscriptions are long-lived by design and are not timed.
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
    onExecute({ executeFn, setExecuteFn }) {
      setExecuteFn(async (executionArgs) => {
        let timer: NodeJS.Timeout | undefined;
        const timedOut = new Promise<{ errors: AppError[] }>((resolve) => {
          timer = setTimeout(() => resolve({ errors: [executionTimeoutError(timeoutMs)] }), timeoutMs);
        });
        try {
          return await Promise.race([executeFn(executionArgs), timedOut]);
        } finally {
          clearTimeout(timer);
        }
      });
    },
  };
}
