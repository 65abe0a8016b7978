// X-Response-Time on the routes yoga does not serve (/health, /ready, /metrics, 404s): from the
// request's arrival to its response headers, as useResponseTime sets it on /graphql.
import type { ServerResponse } from "node:http";
import { formatDuration, RESPONSE_TIME_HEADER } from "../graphql/plugins/useTiming.js";

/** Sets the header when `res` writes its head (Node writes an implicit head through writeHead too). */
export function timeResponse(res: ServerResponse, start = performance.now()): void {
  const writeHead = res.writeHead;
  res.writeHead = function (this: ServerResponse, ...args: Parameters<ServerResponse["writeHead"]>) {
    if (!this.headersSent) this.setHeader(RESPONSE_TIME_HEADER, formatDuration(performance.now() - start));
    return writeHead.apply(this, args);
  } as ServerResponse["writeHead"];
}
