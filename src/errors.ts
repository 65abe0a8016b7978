// The error codes clients can rely on (docs/api.md lists them). Domain code throws AppError, a
// plain error that knows nothing of GraphQL; the API edge maps it (graphql/apiError.ts) and the
// error mask gives every error its code, statusCode, timestamp and requestId.

export const errorStatus = {
  BAD_REQUEST: 400,
  BAD_USER_INPUT: 400,
  GRAPHQL_PARSE_FAILED: 400,
  GRAPHQL_VALIDATION_FAILED: 400,
  UNAUTHENTICATED: 401,
  INVALID_TOKEN: 401,
  TOKEN_EXPIRED: 401,
  FORBIDDEN: 403,
  NOT_FOUND: 404,
  METHOD_NOT_ALLOWED: 405,
  CONFLICT: 409,
  PAYLOAD_TOO_LARGE: 413,
  RATE_LIMITED: 429,
  INTERNAL_SERVER_ERROR: 500,
  SERVICE_UNAVAILABLE: 503,
} as const;

export type ErrorCode = keyof typeof errorStatus;

export interface Issue {
  path: string;
  message: string;
}

export class AppError extends Error {
  override readonly name = "AppError";
  readonly code: ErrorCode;
  /** What a client may read besides the message (issues, retryAfter…), code included. */
  readonly extensions: Readonly<Record<string, unknown>>;

  constructor(code: ErrorCode, message: string, extensions: Record<string, unknown> = {}) {
    super(message);
    this.code = code;
    this.extensions = { ...extensions, code };
  }
}

/** A client's value quoted in an error message, cut at 64 characters: errors do not echo large input back. */
export function quoted(value: string): string {
  return JSON.stringify(value.length > 64 ? `${value.slice(0, 64)}…` : value);
}

export const badUserInput = (message: string, issues?: Issue[]) =>
  new AppError("BAD_USER_INPUT", message, issues ? { issues } : {});
export const notFound = (what: string) => new AppError("NOT_FOUND", `${what} not found`);
export const forbidden = (message = "You are not allowed to do this") => new AppError("FORBIDDEN", message);
export const unauthenticated = (message = "You must be signed in") => new AppError("UNAUTHENTICATED", message);
export const conflict = (message: string) => new AppError("CONFLICT", message);

export function isErrorCode(value: unknown): value is ErrorCode {
  return typeof value === "string" && value in errorStatus;
}
