// Yoga refuses malformed HTTP requests before any GraphQL work (bad JSON, a mutation over GET, a
// body over MAX_BODY_BYTES, a missing CSRF header, ...) with an HTTP status but with its own code
// or none. This gives each such error our code for its status, so the error mask keeps it
// instead of turning it into INTERNAL_SERVER_ERROR. (A 406 or 415 from yoga has no body at all.)
// Some of yoga's request parsers fail without any status (a GET's `variables` that is not JSON,
// a multipart `operations` field that is not JSON): those are malformed requests too, 400.
//
// A malformed request is answered 400 whatever the client accepts. Yoga marks some of its refusals
// (no query, invalid JSON) `http.spec`, which makes it answer 200 to `Accept: application/json`:
// right for a document that does not parse or validate (the GraphQL-over-HTTP spec wants 200
// there, and those keep it), not for a request that is not a GraphQL request at all.
import { GraphQLError, type ExecutionResult } from "graphql";
import type { Plugin } from "graphql-yoga";
import { AppError, errorStatus, isErrorCode, type ErrorCode } from "../../errors.js";
import { ApiError } from "../apiError.js";
import { CSRF_HEADER } from "../csrfHeader.js";

const CODE_BY_STATUS: Record<number, ErrorCode> = {
  400: "BAD_REQUEST",
  403: "FORBIDDEN",
  405: "METHOD_NOT_ALLOWED",
  413: "PAYLOAD_TOO_LARGE",
};

interface HttpExtension {
  status?: number;
  headers?: Record<string, string>;
  spec?: boolean;
}

function withoutSpec({ spec: _spec, ...http }: HttpExtension): HttpExtension {
  return http;
}

const GET_JSON_PARAMETERS = ["variables", "extensions"] as const;

/** The message for a request parameter that is not JSON, naming it when it can be told (a GET's query string). */
function invalidJsonMessage(request: Request): string {
  if (request.method === "GET") {
    const params = new URL(request.url, "http://localhost").searchParams;
    for (const name of GET_JSON_PARAMETERS) {
      const value = params.get(name);
      if (!value) continue;
      try {
        JSON.parse(value);
      } catch {
        return `The "${name}" parameter is not valid JSON.`;
      }
    }
  }
  return 'The request\'s "variables" or "extensions" parameter is not valid JSON.';
}

/**
 * What a request parser threw, as a 400 BAD_REQUEST when the request is malformed: JSON.parse's
 * SyntaxError (its message, which can quote the request, is not passed on), or a GraphQLError
 * without a status (yoga's multipart checks). Anything else (a body over the limit, an aborted
 * request, a fault) is left as it is.
 */
function requestParseError(error: unknown, request: Request): unknown {
  if (error instanceof SyntaxError) {
    return new ApiError("BAD_REQUEST", invalidJsonMessage(request), { http: { status: 400 } });
  }
  if (error instanceof GraphQLError && !(error.extensions?.http as HttpExtension | undefined)?.status) {
    return new ApiError("BAD_REQUEST", error.message, { http: { status: 400 } });
  }
  return error;
}

const isPromiseLike = (value: unknown): value is PromiseLike<unknown> =>
  typeof (value as PromiseLike<unknown> | null)?.then === "function";

export function useHttpRequestErrors({ maxBodyBytes }: { maxBodyBytes: number }): Plugin {
  const messageFor = (code: ErrorCode, error: GraphQLError) => {
    if (code === "PAYLOAD_TOO_LARGE") return `The request body is larger than the ${maxBodyBytes}-byte limit.`;
    if (code === "FORBIDDEN") {
      return `${error.message}: a form, multipart or text/plain POST, or a GET from another site, must carry the "${CSRF_HEADER}" header; or POST with content-type application/json.`;
    }
    return error.message;
  };
  const convert = (error: GraphQLError): GraphQLError => {
    const original = error.originalError;
    if (error instanceof ApiError || original instanceof ApiError || original instanceof AppError) return error;
    // Document errors (syntax, validation, query limits) are named by the error mask.
    if (error.locations?.length || error.message.startsWith("Syntax Error")) return error;
    const http = error.extensions?.http as HttpExtension | undefined;
    const own = error.extensions?.code;
    if (isErrorCode(own) && (!http?.status || errorStatus[own] === http.status)) {
      // Already ours and consistent. Yoga's own BAD_REQUEST refusals (invalid JSON, no query)
      // marked `spec` would be answered 200 to `Accept: application/json`: not a well-formed
      // request, 400. (A query-limit GRAPHQL_VALIDATION_FAILED keeps `spec`: 200, as validation.)
      if (own !== "BAD_REQUEST" || !http?.spec) return error;
      const { http: _http, code: _code, ...extensions } = error.extensions;
      return new ApiError(own, error.message, { ...extensions, http: withoutSpec(http) });
    }
    const code = http?.status ? CODE_BY_STATUS[http.status] : undefined;
    if (!code || !http) return error;
    return new ApiError(code, messageFor(code, error), {
      http: code === "BAD_REQUEST" ? withoutSpec(http) : http,
      ...(code === "PAYLOAD_TOO_LARGE" ? { maxBytes: maxBodyBytes } : {}),
    });
  };
  return {
    onRequestParse({ requestParser, setRequestParser }) {
      if (!requestParser) return;
      const parse = requestParser;
      setRequestParser((req) => {
        let parsed: ReturnType<typeof parse>;
        try {
          parsed = parse(req);
        } catch (error) {
          throw requestParseError(error, req);
        }
        // A GET is parsed synchronously: it stays so.
        return isPromiseLike(parsed)
          ? Promise.resolve(parsed).catch((error: unknown) => {
              throw requestParseError(error, req);
            })
          : parsed;
      });
    },
    onResultProcess({ result, setResult }) {
      if (Array.isArray(result) || !result || Symbol.asyncIterator in result) return;
      const { errors } = result as ExecutionResult;
      if (!errors?.length) return;
      const converted = errors.map(convert);
      if (converted.some((e, i) => e !== errors[i])) setResult({ ...result, errors: converted });
    },
  };
}
