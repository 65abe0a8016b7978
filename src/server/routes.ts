// Plain HTTP routes beside /graphql: liveness, readiness and the JSON 404.
import type { IncomingMessage, ServerResponse } from "node:http";

export type ReadinessCheck = () => Promise<Record<string, string>>;

export function sendJson(res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}) {
  const payload = JSON.stringify(body);
  res.writeHead(status, { "content-type": "application/json; charset=utf-8", ...headers });
  res.end(payload);
}

export function notFound(req: IncomingMessage, res: ServerResponse) {
  sendJson(res, 404, {
    success: false,
    error: {
      code: "NOT_FOUND",
      message: `Cannot ${req.method} ${new URL(req.url ?? "/", "http://localhost").pathname}: the API lives at /graphql`,
      statusCode: 404,
      timestamp: new Date().toISOString(),
    },
  });
}

export function health(_req: IncomingMessage, res: ServerResponse) {
  sendJson(res, 200, { status: "ok", uptimeSeconds: Math.round(process.uptime()) });
}

export async function ready(_req: IncomingMessage, res: ServerResponse, check: ReadinessCheck) {
  const dependencies = await check();
  const failing = Object.entries(dependencies)
    .filter(([, state]) => state !== "ok")
    .map(([name]) => name);
  sendJson(res, failing.length ? 503 : 200, {
    status: failing.length ? "unavailable" : "ok",
    ...(failing.length ? { failing } : {}),
    dependencies,
  });
}
