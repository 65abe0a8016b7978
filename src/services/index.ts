// Domain services: everything the API does, free of HTTP and WebSocket details.
// Resolvers and transports reach them through context.services.
import type { Redis } from "ioredis";
import type { Config } from "../config/index.js";
import type { Database } from "../db/client.js";
import type { Logger } from "../logger.js";
import { createIdentity } from "../identity/credentials.js";
import type { Metrics } from "../metrics/registry.js";
import { createAuditService } from "./audit/index.js";
import { createAuthService } from "./auth/index.js";
import { createEventService } from "./events/index.js";
import { createRateLimitService } from "./rateLimit/index.js";
import { createRoomsService } from "./rooms/index.js";
import { createUserService } from "./users/index.js";

export interface ServiceDeps {
  config: Config;
  logger: Logger;
  db: Database;
  redis: Redis | null;
  /** This instance's Prometheus metrics: services count what only they see (see src/metrics/). */
  metrics: Metrics;
}

export function createServices(deps: ServiceDeps) {
  const { db } = deps;
  const users = createUserService({ sql: db.sql });
  const rateLimit = createRateLimitService(deps);
  const auth = createAuthService({
    config: deps.config,
    logger: deps.logger,
    prisma: db.prisma,
    sql: db.sql,
    redis: deps.redis,
    rateLimit,
  });
  return {
    ...deps,
    prisma: db.prisma,
    audit: createAuditService({ prisma: db.prisma, sql: db.sql, logger: deps.logger.child({ component: "audit" }) }),
    rateLimit,
    auth,
    /** Access token (Authorization header, connection_init param) to viewer, for every transport. */
    identity: createIdentity(auth.verifyAccessToken),
    events: createEventService({ prisma: db.prisma, sql: db.sql, users }),
    users,
    rooms: createRoomsService({ ...deps, prisma: db.prisma, sql: db.sql, verifyAccessToken: auth.verifyAccessToken }),
  };
}

export type Services = ReturnType<typeof createServices>;
