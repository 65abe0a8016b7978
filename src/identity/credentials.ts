// One way in for every caller: an HTTP request's `Authorization` header and a graphql-ws
// connection_init's `authorization` param both go through here, so both accept the same
// `Bearer <access token>` and refuse a bad one with the same error (INVALID_TOKEN, TOKEN_EXPIRED,
// FORBIDDEN for a disabled account). What a refusal means on the wire (HTTP 401, close 4403) is
// the transport's business.
import { AppError } from "../errors.js";
import type { Viewer } from "./viewer.js";

/** Checks an access token and returns the viewer it stands for (the auth service's verifyAccessToken). */
export type VerifyAccessToken = (token: string) => Promise<Viewer>;

const BEARER = /^Bearer\s+(\S+)\s*$/i;

/** The access token of an `Authorization` value: null when absent or blank, INVALID_TOKEN when not `Bearer <token>`. */
export function bearerToken(authorization: string | null | undefined): string | null {
  if (authorization === null || authorization === undefined || authorization.trim() === "") return null;
  const match = BEARER.exec(authorization.trim());
  if (!match) throw new AppError("INVALID_TOKEN", "The Authorization header must be `Bearer <access token>`");
  return match[1]!;
}

/**
 * The connection's `authorization` param: null when absent (anonymous). Anything present but not
 * a string (a number, an object) is refused like a malformed token (INVALID_TOKEN), not taken as
 * anonymous.
 */
export function authorizationParam(params: Record<string, unknown> | null | undefined): string | null {
  const value = params?.authorization ?? params?.Authorization;
  if (value === undefined || value === null) return null;
  if (typeof value !== "string") {
    throw new AppError("INVALID_TOKEN", "The authorization connection param must be the string `Bearer <access token>`");
  }
  return value;
}

export function createIdentity(verifyAccessToken: VerifyAccessToken) {
  /** The viewer of an `Authorization` value: null when absent, else the token must be good. */
  async function viewerFromAuthorization(authorization: string | null | undefined): Promise<Viewer | null> {
    const token = bearerToken(authorization);
    return token === null ? null : verifyAccessToken(token);
  }
  return {
    viewerFromAuthorization,
    /** The viewer of a graphql-ws connection_init payload, checked as the HTTP header is. */
    viewerFromConnectionParams: async (params: Record<string, unknown> | null | undefined) =>
      viewerFromAuthorization(authorizationParam(params)),
  };
}

export type Identity = ReturnType<typeof createIdentity>;
