// The close codes and reasons the server ends a socket with, chosen for how graphql-ws clients
// react to them: 4403 and 1013 are retried (4403 after fresh credentials), 4429 and 1011 are not.
// The client kit's table of them is client/src/closeCodes.ts.
import type { AppError } from "../../errors.js";

/** Bad, expired or revoked access token: graphql-ws clients reconnect on it with fresh credentials. */
export const CLOSE_AUTH = 4403;
/** The close reason when the socket's access token expired (refresh, then reconnect). */
export const TOKEN_EXPIRED_REASON = "Access token expired";
/**
 * 1013 "Try Again Later", which graphql-ws clients retry with backoff (4429 and 1011 are fatal to
 * them): the user has WS_MAX_SOCKETS_PER_USER sockets open (a tab that finds the cap full because
 * another closed, or because a crashed instance's sockets still count, gets in on a retry), or
 * Redis, where sockets are counted, is unreachable.
 */
export const CLOSE_TRY_AGAIN_LATER = 1013;

/** The 4403 close reason for a refused connection_init: what HTTP would say, in a few words. */
export function authCloseReason(error: AppError): string {
  if (error.code === "TOKEN_EXPIRED") return TOKEN_EXPIRED_REASON;
  if (error.code === "INVALID_TOKEN") return "Invalid access token";
  return error.message.slice(0, 100); // e.g. FORBIDDEN for a disabled account
}
