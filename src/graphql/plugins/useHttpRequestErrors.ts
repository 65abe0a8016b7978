// Yoga refuses malformed HTTP requests before any GraphQL work (bad JSON, a mutation over GET, a
// body over MAX_BODY_BYTES, a missing CSRF header, ...) with an HTTP status but with its own code
// or none. This gives each such error our code for its status, so the error mask keeps it
// instead of turning it into INTERNAL_SERVER_ERROR. (A 406 or 415 from yoga has no body at all.)
import type { ExecutionResult, GraphQLError } from "graphql";
import type { Plugin } from "graphql-yoga";
import { AppError, errorStatus, isErrorCode, type ErrorCode } from "../../errors.js";

const CODE_BY_STATUS: Record<number, ErrorCode> = {
  400: "BAD_REQUEST",
  403: "FORBIDDEN",
  405: "METHOD_NOT_ALLOWED",
  413: "PAYLOAD_TOO_LARGE",
};

export const CSRF_HEADER = "x-graphql-yoga-csrf";

interface HttpExtension {
  status?: number;
  headers?: Record<string, string>;
}

export function useHttpRequestErrors({ maxBodyBytes }: { maxBodyBytes: number }): Plugin {
  const messageFor = (code: ErrorCode, error: GraphQLError) => {
    if (code === "PAYLOAD_TOO_LARGE") return `The request body is larger than the ${maxBodyBytes}-byte limit.`;
    if (code === "FORBIDDEN") {
      return `${error.message}: a form, multipart or text/plain POST, or a GET from another site, must carry the "${CSRF_HEADER}" header; or POST with content-type application/json.`;
    }
    return error.message;
  };
  const convert = (error: GraphQLError): GraphQLError => {
    if (error instanceof AppError || error.originalError instanceof AppError) return error;
    // Document errors (syntax, validation, query limits) are named by the error mask.
    if (error.locations?.length || error.message.startsWith("Syntax Error")) return error;
    const http = error.extensions?.http as HttpExtension | undefined;
    // Already ours and consistent (yoga's own 400 BAD_REQUEST, e.g. invalid JSON, stays as yoga
    // made it: its `originalError` detail is what makes yoga answer 400 rather than 200).
    const own = error.extensions?.code;
    if (isErrorCode(own) && (!http?.status || errorStatus[own] === http.status)) return error;
    const code = http?.status ? CODE_BY_STATUS[http.status] : undefined;
    if (!code || !http) return error;
    return new AppError(code, messageFor(code, error), {
      http,
      ...(code === "PAYLOAD_TOO_LARGE" ? { maxBytes: maxBodyBytes } : {}),
    });
  };
  return {
    onResultProcess({ result, setResult }) {
      if (Array.isArray(result) || !result || Symbol.asyncIterator in result) return;
      const { errors } = result as ExecutionResult;
      if (!errors?.length) return;
      const converted = errors.map(convert);
      if (converted.some((e, i) => e !== errors[i])) setResult({ ...result, errors: converted });
    },
  };
}
