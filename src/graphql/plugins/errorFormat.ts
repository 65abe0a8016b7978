// Turns any error into the shape clients rely on: extensions.code, statusCode, timestamp and
// requestId. Unknown errors become INTERNAL_SERVER_ERROR "Unexpected error." and are logged in
// full on the server only (in every environment: the log line carries the same requestId).
import { GraphQLError, type DocumentNode, type ExecutionResult, type SourceLocation } from "graphql";
import { DATABASE_UNAVAILABLE_MESSAGE, isDatabaseUnavailable } from "../../db/unavailable.js";
import { AppError, errorStatus, isErrorCode, type ErrorCode } from "../../errors.js";
import type { Logger } from "../../logger.js";
import { ApiError } from "../apiError.js";

export const UNEXPECTED_MESSAGE = "Unexpected error.";

interface PrismaLikeError {
  name?: string;
  code?: string;
  meta?: Record<string, unknown>;
}

/** Prisma's known request errors that are the client's fault, mapped to our codes. */
function prismaCode(error: PrismaLikeError): ErrorCode | null {
  if (error.name !== "PrismaClientKnownRequestError") return null;
  if (error.code === "P2002") return "CONFLICT";
  if (error.code === "P2025" || error.code === "P2001") return "NOT_FOUND";
  return null;
}

/** graphql-js's "Variable "$x" got invalid value ..." (an unknown enum value, a wrong input field): the client's input. */
function isVariableValueError(error: GraphQLError): boolean {
  return !error.path && error.message.startsWith('Variable "$');
}

/**
 * The variable-coercion errors that carry no original error: null, or no value at all, for a
 * non-null variable. The client's input like any other value that does not fit its type (not
 * GRAPHQL_VALIDATION_FAILED, which the message prefix alone would also match: "Variable "$x" is
 * never used" and the like are validation errors).
 */
const MISSING_VARIABLE_VALUE =
  /^Variable "\$[^"]+" of (?:non-null type "[^"]+" must not be null|required type "[^"]+" was not provided)\.$/;

/** Extensions that describe the server's internals (a parser's message echoing the request body, a stack): never sent. */
const INTERNAL_EXTENSIONS = ["originalError", "stack", "stacktrace", "exception", "cause"];

function graphqlSpecCode(error: GraphQLError): ErrorCode | null {
  const existing = error.extensions?.code;
  return isErrorCode(existing) ? existing : null;
}

/**
 * Errors the document's parsing or validation produced, marked where they arose (useErrorFormatting's
 * parse and validate hooks): their code says which step refused the document. Any other error
 * without a code of its own arose while a request ran (a resolver, a non-null field that resolved
 * to null, a subscription event) and is INTERNAL_SERVER_ERROR, whatever its shape.
 */
const refusedBy = new WeakMap<Error, "GRAPHQL_PARSE_FAILED" | "GRAPHQL_VALIDATION_FAILED">();

export function markParseError(error: Error): void {
  refusedBy.set(error, "GRAPHQL_PARSE_FAILED");
}

export function markValidationErrors(errors: readonly Error[]): void {
  for (const error of errors) if (!refusedBy.has(error)) refusedBy.set(error, "GRAPHQL_VALIDATION_FAILED");
}

export interface FormatOptions {
  requestId?: string;
  logger: Logger;
  /** The operation's document: places errors that carry only line/column locations (graphql-jit's). */
  document?: DocumentNode;
}

/**
 * Source positions for `locations` in the document's text. Yoga serialises errors again from
 * their nodes or source positions, so an error with bare locations would lose them.
 */
function positionsIn(document: DocumentNode | undefined, locations: readonly SourceLocation[] | undefined) {
  const source = document?.loc?.source;
  if (!source || !locations?.length) return undefined;
  const lineStarts = [0];
  for (let i = 0; i < source.body.length; i++) if (source.body[i] === "\n") lineStarts.push(i + 1);
  return { source, positions: locations.map((l) => (lineStarts[l.line - 1] ?? 0) + l.column - 1) };
}

export function formatError(error: GraphQLError, { requestId, logger, document }: FormatOptions): GraphQLError {
  // A domain error a resolver threw reads as the GraphQL error it stands for.
  const original = error.originalError instanceof AppError ? ApiError.from(error.originalError) : error.originalError;
  let code: ErrorCode | null = null;
  let message = error.message;
  let extensions: Record<string, unknown> = { ...error.extensions };

  if (original instanceof GraphQLError) {
    code = graphqlSpecCode(original) ?? refusedBy.get(original) ?? (isVariableValueError(error) ? "BAD_USER_INPUT" : null);
    extensions = { ...original.extensions, ...extensions };
  } else if (original && isDatabaseUnavailable(original)) {
    // Logged for operators; the client only learns it may retry (no host, port or SQL).
    logger.warn({ requestId, err: original, path: error.path?.join(".") }, "database unavailable");
    code = "SERVICE_UNAVAILABLE";
    message = DATABASE_UNAVAILABLE_MESSAGE;
    extensions = {};
  } else if (original) {
    code = prismaCode(original as PrismaLikeError);
    if (code === "CONFLICT") message = "A record with these values already exists";
    if (code === "NOT_FOUND") message = "Record not found";
  } else {
    code =
      graphqlSpecCode(error) ??
      refusedBy.get(error) ??
      (!error.path && MISSING_VARIABLE_VALUE.test(error.message) ? "BAD_USER_INPUT" : null);
  }

  if (code === null || code === "INTERNAL_SERVER_ERROR") {
    logger.error(
      { requestId, err: original ?? error, path: error.path?.join(".") },
      "unexpected error while handling a GraphQL operation",
    );
    code = "INTERNAL_SERVER_ERROR";
    message = UNEXPECTED_MESSAGE;
    extensions = {};
  }

  const { http, ...publicExtensions } = extensions;
  for (const key of INTERNAL_EXTENSIONS) delete publicExtensions[key];
  const placed = error.nodes?.length || error.positions?.length ? undefined : positionsIn(document, error.locations);
  const formatted = new GraphQLError(message, {
    nodes: error.nodes,
    source: placed?.source ?? error.source,
    positions: placed?.positions ?? error.positions,
    path: error.path,
    originalError: original,
    extensions: {
      ...publicExtensions,
      code,
      statusCode: errorStatus[code],
      timestamp: new Date().toISOString(),
      ...(requestId ? { requestId } : {}),
    },
  });
  // `http` (status, headers) is for yoga's HTTP response, which reads it from the error and
  // leaves it out of the body. Not enumerable, so no other serialisation (graphql-ws's messages)
  // sends it either.
  if (http) Object.defineProperty(formatted.extensions, "http", { value: http, enumerable: false });
  return formatted;
}

/** True once formatError has run on this error (so it is not formatted twice). */
export function isFormatted(error: GraphQLError): boolean {
  return typeof error.extensions?.statusCode === "number" && typeof error.extensions?.timestamp === "string";
}

/** The result with every error formatted; the same object when there was nothing to format. */
export function formatResult<T extends ExecutionResult>(result: T, options: FormatOptions): T {
  if (!result.errors?.length || result.errors.every(isFormatted)) return result;
  return {
    ...result,
    errors: result.errors.map((e: GraphQLError) => (isFormatted(e) ? e : formatError(e, options))),
  };
}
