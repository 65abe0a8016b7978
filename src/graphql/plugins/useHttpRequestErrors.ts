// Yoga refuses malformed HTTP requests before any GraphQL work (bad JSON, wrong method, unknown
// media type, a body over MAX_BODY_BYTES, a missing CSRF header, ...) with an HTTP status but
// without one of our codes. This gives each such error the code for its status, so the error
// mask keeps it (and its status) instead of turning it into INTERNAL_SERVER_ERROR.
import type { ExecutionResult, GraphQLError } from "graphql";
import type { Plugin } from "graphql-yoga";
import { AppError, isErrorCode, type ErrorCode } from "../../errors.js";

const CODE_BY_STATUS: Record<number, ErrorCode> = {
  400: "BAD_REQUEST",
  403: "FORBIDDEN",
  405: "METHOD_NOT_ALLOWED",
  406: "NOT_ACCEPTABLE",
  413: "PAYLOAD_TOO_LARGE",
  415: "UNSUPPORTED_MEDIA_TYPE",
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
      return `${error.message}: a GET (or a form, multipart or text/plain POST) must carry the "${CSRF_HEADER}" header; or POST with content-type application/json.`;
    }
    return error.message;
  };
  const convert = (error: GraphQLError): GraphQLError => {
    if (isErrorCode(error.extensions?.code)) return error;
    const http = error.extensions?.http as HttpExtension | undefined;
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
