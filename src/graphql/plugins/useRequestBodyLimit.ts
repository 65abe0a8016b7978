// MAX_BODY_BYTES. Yoga's own limit (maxRequestBodySize) pipes every body through a counting
// stream and rebuilds the Request, which costs a few percent of CPU per request. Node's HTTP
// parser never reads past a valid Content-Length, so a declared length is checked once up front
// and only bodies without one (chunked) are counted as they stream. Errors keep yoga's shape
// (HTTP 413 / 400); useHttpRequestErrors gives them our codes.
import { createGraphQLError } from "@graphql-tools/utils";
import type { Plugin } from "graphql-yoga";

const tooLarge = () => createGraphQLError("Request body too large", { extensions: { http: { status: 413 } } });
// Only one non-negative integer is a valid Content-Length (a list of them is a smuggling attempt).
const CONTENT_LENGTH = /^\d+$/;

function counted(request: Request, maxBytes: number, fetchAPI: { Request: typeof Request }): Request {
  let bytesRead = 0;
  const body = request.body!.pipeThrough(
    new TransformStream<Uint8Array, Uint8Array>({
      transform(chunk, controller) {
        bytesRead += chunk.byteLength;
        if (bytesRead > maxBytes) controller.error(tooLarge());
        else controller.enqueue(chunk);
      },
    }),
  );
  return new fetchAPI.Request(request.url, {
    method: request.method,
    headers: request.headers,
    signal: request.signal,
    body,
    duplex: "half",
  } as RequestInit);
}

export function useRequestBodyLimit(maxBytes: number): Plugin {
  return {
    onRequestParse({ request, requestParser, setRequestParser, fetchAPI }) {
      const declared = request.headers.get("content-length");
      if (declared !== null) {
        if (!CONTENT_LENGTH.test(declared)) {
          throw createGraphQLError("Content-Length header is invalid.", { extensions: { http: { status: 400 } } });
        }
        if (Number(declared) > maxBytes) throw tooLarge();
        return;
      }
      if (!requestParser || !request.body) return;
      const parse = requestParser;
      setRequestParser((req) => parse(counted(req, maxBytes, fetchAPI)));
    },
  };
}
