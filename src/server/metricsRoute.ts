// GET /metrics: this instance's metrics in Prometheus text format. With METRICS_TOKEN set, only
// for `Authorization: Bearer <METRICS_TOKEN>` (compared in constant time).
import { createHash, timingSafeEqual } from "node:crypto";
import type { IncomingMessage, ServerResponse } from "node:http";
import type { Logger } from "../logger.js";
import type { Metrics } from "../metrics/registry.js";
import { sendJson } from "./routes.js";

export const METRICS_PATH = "/metrics";

const digest = (value: string) => createHash("sha256").update(value).digest();

function errorBody(code: string, message: string, statusCode: number) {
  return { success: false, error: { code, message, statusCode, timestamp: new Date().toISOString() } };
}

export function metricsRoute(metrics: Metrics, token: string | undefined, logger: Logger) {
  // Hashing both sides gives equal lengths, which timingSafeEqual needs, without leaking the length.
  const expected = token ? digest(`Bearer ${token}`) : null;

  return async (req: IncomingMessage, res: ServerResponse) => {
    if (req.method !== "GET" && req.method !== "HEAD") {
      return sendJson(res, 405, errorBody("METHOD_NOT_ALLOWED", "Use GET /metrics", 405), { allow: "GET, HEAD" });
    }
    if (expected && !timingSafeEqual(digest(req.headers.authorization ?? ""), expected)) {
      return sendJson(res, 401, errorBody("UNAUTHENTICATED", "/metrics needs Authorization: Bearer <METRICS_TOKEN>", 401), {
        "www-authenticate": 'Bearer realm="metrics"',
      });
    }
    try {
      const body = await metrics.registry.metrics();
      res.writeHead(200, { "content-type": metrics.registry.contentType, "cache-control": "no-store" });
      res.end(req.method === "HEAD" ? undefined : body);
    } catch (err) {
      logger.error({ err }, "could not collect metrics");
      sendJson(res, 500, errorBody("INTERNAL_SERVER_ERROR", "Unexpected error.", 500));
    }
  };
}
