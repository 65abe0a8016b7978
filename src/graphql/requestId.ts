// A request id per HTTP request (or WebSocket operation), echoed in X-Request-Id and in
// error extensions, so a client's report can be matched with the server's log line.
import { randomUUID } from "node:crypto";
import type { Plugin } from "graphql-yoga";

const ids = new WeakMap<Request, string>();
const SAFE_ID = /^[A-Za-z0-9._-]{1,64}$/;

/**
 * A fresh id. randomUUID builds its text from sixteen pieces that V8 keeps as a tree of string
 * parts (about 480 bytes); toLowerCase copies it into one flat 36-character string (about 60),
 * which matters for the id of a subscription, held as long as it runs.
 */
export const newRequestId = (): string => randomUUID().toLowerCase();

export function requestIdOf(request: Request): string {
  let id = ids.get(request);
  if (!id) {
    const incoming = request.headers.get("x-request-id");
    id = incoming && SAFE_ID.test(incoming) ? incoming : newRequestId();
    ids.set(request, id);
  }
  return id;
}

export function useRequestId(): Plugin {
  return {
    onResponse({ request, response }) {
      response.headers.set("X-Request-Id", requestIdOf(request));
    },
  };
}
