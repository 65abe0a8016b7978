// The one table of what the kit does when the server (or the network) closes the socket. The
// server's codes (docs/realtime.md, "Close codes"; src/realtime/sessions/closeCodes.ts): 4403
// with a reason, 1013 "try again later" (the user's socket cap is full, or Redis is away at
// connect), 1001 on shutdown; graphql-ws's own codes: its CloseCode enum.
import { fromGraphQLErrors, KitError, type GraphQLErrorLike } from "./errors.js";

/**
 * refresh: get another access token, then reconnect (4403).
 * retry: reconnect after a backoff with jitter (network loss, restart, overload).
 * fatal: report to the app; reconnecting would be refused again.
 */
export type CloseAction = "refresh" | "retry" | "fatal";

interface CloseRule {
  code: number;
  action: CloseAction;
  /** What the code means, for the problem the app hears. */
  meaning: string;
}

/** The server's "try again later" (the per-user socket cap, or no Redis at connect): retried, and reported. */
export const TRY_AGAIN_LATER = 1013;

export const CLOSE_RULES: readonly CloseRule[] = [
  // 4403 "Access token expired", "Invalid access token", "Access revoked", "account disabled":
  // a refresh either gives a token the server takes or ends the session (signedOut).
  { code: 4403, action: "refresh", meaning: "access token refused" },
  { code: 4429, action: "fatal", meaning: "too many requests" },
  { code: 1011, action: "retry", meaning: "server error" },
  { code: 1001, action: "retry", meaning: "server going away (restart, redeploy)" },
  { code: 1000, action: "retry", meaning: "normal closure" },
  { code: 1005, action: "retry", meaning: "no close status" },
  { code: 1006, action: "retry", meaning: "connection lost" },
  { code: 1012, action: "retry", meaning: "service restart" },
  {
    code: TRY_AGAIN_LATER,
    action: "retry",
    meaning: "try again later (too many sockets for this user, or the server cannot admit sockets now)",
  },
  { code: 1014, action: "retry", meaning: "bad gateway" },
  { code: 4408, action: "retry", meaning: "no pong in time, or connection initialisation timeout" },
  { code: 4499, action: "retry", meaning: "terminated by the client" },
  { code: 4504, action: "retry", meaning: "connection acknowledgement timeout" },
  { code: 4400, action: "fatal", meaning: "bad request" },
  { code: 4401, action: "fatal", meaning: "unauthorized" },
  { code: 4004, action: "fatal", meaning: "bad response (could not build connection params)" },
  { code: 4005, action: "fatal", meaning: "internal client error" },
  { code: 4406, action: "fatal", meaning: "subprotocol not acceptable" },
  { code: 4409, action: "fatal", meaning: "subscriber already exists" },
  { code: 4500, action: "fatal", meaning: "internal server error" },
];

export interface CloseLike {
  code: number;
  reason: string;
}

export const isCloseLike = (value: unknown): value is CloseLike =>
  typeof value === "object" && value !== null && typeof (value as CloseLike).code === "number" && "reason" in value;

/** The rule for a close code; unknown 4xxx codes are application refusals (fatal), others network trouble. */
export function closeRule(code: number): CloseRule {
  return (
    CLOSE_RULES.find((rule) => rule.code === code) ?? {
      code,
      action: code >= 4000 && code < 5000 ? "fatal" : "retry",
      meaning: "unknown close code",
    }
  );
}

/** Server error codes after which the same operation may succeed later. */
const RETRYABLE_CODES = new Set(["RATE_LIMITED", "SERVICE_UNAVAILABLE", "INTERNAL_SERVER_ERROR"]);

export interface Failure {
  action: CloseAction;
  error: KitError;
}

/** What a graphql-ws sink's error (a close event, GraphQL errors, or a socket error) calls for. */
export function classifyFailure(error: unknown): Failure {
  if (error instanceof KitError)
    return { action: RETRYABLE_CODES.has(error.code) || error.code === "NETWORK_ERROR" ? "retry" : "fatal", error };
  if (isCloseLike(error)) {
    const rule = closeRule(error.code);
    const details = { closeCode: error.code, closeReason: error.reason };
    const message = `Socket closed ${error.code} (${rule.meaning})${error.reason ? `: ${error.reason}` : ""}`;
    return {
      action: rule.action,
      error: new KitError(rule.action === "fatal" ? "SOCKET_CLOSED" : "NETWORK_ERROR", message, details),
    };
  }
  if (Array.isArray(error)) {
    const kitError = fromGraphQLErrors(error as GraphQLErrorLike[]);
    return { action: RETRYABLE_CODES.has(kitError.code) ? "retry" : "fatal", error: kitError };
  }
  // A socket 'error' event or a thrown Error: the network, most likely.
  return { action: "retry", error: new KitError("NETWORK_ERROR", error instanceof Error ? error.message : "Socket error") };
}
