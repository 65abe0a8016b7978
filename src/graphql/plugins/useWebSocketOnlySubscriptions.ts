// Subscriptions are served over WebSocket only. The socket transport is where a subscriber's
// access is re-checked (token expiry, setUserActive(false), logout: closed with 4403) and where
// the per-user socket and subscription limits apply; a subscription streamed over HTTP (yoga's
// SSE) would keep delivering to a caller whose access has ended. Over HTTP, GET serves queries
// and POST queries and mutations.
import type { Plugin } from "graphql-yoga";
import { ApiError } from "../apiError.js";
import type { Context } from "../context.js";

export const SUBSCRIPTION_OVER_HTTP_MESSAGE =
  "Subscriptions are served over WebSocket only: connect to /graphql with the graphql-transport-ws protocol.";

export function useWebSocketOnlySubscriptions(): Plugin<Context> {
  return {
    onSubscribe({ args, setResultAndStopExecution }) {
      if (args.contextValue.transport === "ws") return;
      setResultAndStopExecution({
        errors: [new ApiError("BAD_REQUEST", SUBSCRIPTION_OVER_HTTP_MESSAGE, { http: { status: 400 } })],
      });
    },
  };
}
