// The one error type the kit hands to the app: the server's error code when the server answered
// (TOKEN_EXPIRED, CONFLICT, RATE_LIMITED, …, see the API README), or one of the kit's own codes
// for what happened on the client side.
export type KitErrorCode =
  /** The request or socket never got an answer (offline, DNS, connection refused or dropped). */
  | "NETWORK_ERROR"
  /** The session ended (refresh refused, session revoked, account disabled, logout). */
  | "SIGNED_OUT"
  /** The socket was closed with a code that retrying cannot fix (see closeCodes.ts). */
  | "SOCKET_CLOSED"
  /** The stream or request was disposed by the app. */
  | "DISPOSED"
  | (string & {});

export class KitError extends Error {
  override readonly name = "KitError";

  constructor(
    readonly code: KitErrorCode,
    message: string,
    /** Extra facts: the server error's extensions, or the socket's close code and reason. */
    readonly details: Record<string, unknown> = {},
  ) {
    super(message);
  }
}

export interface GraphQLErrorLike {
  message: string;
  extensions?: Record<string, unknown>;
}

/** The kit's error for the first GraphQL error of a result. */
export function fromGraphQLErrors(errors: readonly GraphQLErrorLike[]): KitError {
  const first = errors[0];
  const code = typeof first?.extensions?.code === "string" ? first.extensions.code : "INTERNAL_SERVER_ERROR";
  return new KitError(code, first?.message ?? "Unknown GraphQL error", { ...first?.extensions });
}

/** Server answers that a later attempt of the same request can succeed. */
const TRANSIENT_CODES = new Set([
  "NETWORK_ERROR",
  "RATE_LIMITED",
  "SERVICE_UNAVAILABLE",
  "INTERNAL_SERVER_ERROR",
  "TOKEN_EXPIRED",
]);

export const isTransient = (error: unknown): boolean => error instanceof KitError && TRANSIENT_CODES.has(error.code);
