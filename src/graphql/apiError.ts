// Domain errors (AppError, src/errors.ts) as GraphQL errors: where the API edge answers with an
// error itself (a plugin, the context factory, the WebSocket transport) it builds an ApiError,
// and the error mask maps the AppErrors that resolvers throw the same way. Same message, same
// code and extensions.
import { GraphQLError } from "graphql";
import type { AppError, ErrorCode } from "../errors.js";

export class ApiError extends GraphQLError {
  readonly code: ErrorCode;

  constructor(code: ErrorCode, message: string, extensions: Record<string, unknown> = {}) {
    super(message, { extensions: { ...extensions, code } });
    this.code = code;
  }

  /** The GraphQL error for a domain error, with any extensions the edge adds (e.g. `http`). */
  static from(error: AppError, extensions: Record<string, unknown> = {}): ApiError {
    return new ApiError(error.code, error.message, { ...error.extensions, ...extensions });
  }
}
