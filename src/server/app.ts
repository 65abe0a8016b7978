// Wires one server instance: database, Redis, services, GraphQL over HTTP and WebSocket.
// Used by src/main.ts and by the tests, which start real instances on free ports.
import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import type { Config } from "../config/index.js";
import { openDatabase } from "../db/client.js";
import { createGraphQLServer, GRAPHQL_PATH } from "../graphql/server.js";
import type { Logger } from "../logger.js";
import { createMetrics } from "../metrics/registry.js";
import { wireMetrics } from "../metrics/wiring.js";
import { createRedis } from "../redis.js";
import { createServices } from "../services/index.js";
import { attachRealtime } from "../realtime/index.js";
import { closeSilentConnections, httpServerOptions } from "./httpTimeouts.js";
import { readinessCheck } from "./readiness.js";
import { timeResponse } from "./responseTime.js";
import { METRICS_PATH, metricsRoute } from "./metricsRoute.js";
import { health, notFound, ready } from "./routes.js";

export interface App {
  url: string;
  port: number;
  services: ReturnType<typeof createServices>;
  close(): Promise<void>;
}

export async function startApp(config: Config, logger: Logger): Promise<App> {
  const db = await openDatabase({
    databaseUrl: config.databaseUrl,
    dataDir: config.dataDir,
    poolMax: config.databasePoolMax,
    log: logger.child({ component: "db" }),
  });
  const redis = config.redisUrl ? createRedis(config.redisUrl, logger, { commandTimeoutMs: config.redisCommandTimeoutMs }) : null;
  const metrics = createMetrics({ logger });
  const services = createServices({ config, logger, db, redis, metrics });
  // Subscribes to access revocations and creates/promotes the ADMIN_EMAIL account.
  await services.auth.bootstrap().catch(async (error) => {
    await services.rooms.close();
    await services.auth.close();
    redis?.disconnect();
    await db.close();
    throw error;
  });
  const yoga = createGraphQLServer({ config, logger, services });
  const checkReadiness = readinessCheck(db, redis, logger);
  const serveMetrics = metricsRoute(metrics, config.metricsToken, logger);

  const httpServer = createServer(httpServerOptions(config.http), (req: IncomingMessage, res: ServerResponse) => {
    const path = (req.url ?? "/").split("?")[0];
    if (path === GRAPHQL_PATH) return void yoga(req, res);
    timeResponse(res);
    if (path === "/health") return health(req, res);
    if (path === "/ready") return void ready(req, res, checkReadiness);
    if (path === METRICS_PATH) return void serveMetrics(req, res);
    return notFound(req, res);
  });
  closeSilentConnections(httpServer, config.http);
  const ws = attachRealtime({ httpServer, yoga, config, logger, services });
  wireMetrics({ metrics, services, ws });

  await new Promise<void>((resolve, reject) => {
    httpServer.once("error", reject);
    httpServer.listen(config.port, config.host, () => resolve());
  });
  const { port } = httpServer.address() as AddressInfo;
  const host = config.host === "0.0.0.0" || config.host === "::" ? "localhost" : config.host;

  let closing: Promise<void> | undefined;
  const close = () =>
    (closing ??= (async () => {
      const closed = new Promise<void>((resolve) => httpServer.close(() => resolve()));
      httpServer.closeIdleConnections();
      await ws.close();
      const timer = setTimeout(() => httpServer.closeAllConnections(), config.shutdownTimeoutMs);
      await closed;
      clearTimeout(timer);
      // Streams ended with their sockets; this removes what is left of this instance's presence.
      await services.rooms.close();
      await services.auth.close();
      // Audit rows are written in the background: let the last ones land before the pool closes.
      await services.audit.flush();
      await redis?.quit().catch(() => redis.disconnect());
      await db.close();
    })());

  return { url: `http://${host}:${port}${GRAPHQL_PATH}`, port, services, close };
}
