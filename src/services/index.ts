// Domain services: everything the API does, free of HTTP and WebSocket details.
// Resolvers and transports reach them through context.services.
import type { Redis } from "ioredis";
import type { Config } from "../config/index.js";
import type { Database } from "../db/client.js";
import type { Logger } from "../logger.js";

export interface ServiceDeps {
  config: Config;
  logger: Logger;
  db: Database;
  redis: Redis | null;
}

export function createServices(deps: ServiceDeps) {
  const { db } = deps;
  return {
    ...deps,
    prisma: db.prisma,
  };
}

export type Services = ReturnType<typeof createServices>;
