import { Redis } from "ioredis";
import type { Logger } from "./logger.js";

/**
 * A Redis connection that keeps retrying while Redis is away (commands fail fast instead of
 * queueing forever), so the server stays up and recovers on its own. A Redis that is connected
 * but does not answer (frozen, or a network that drops packets) fails each command after
 * `commandTimeoutMs`, so what waits on it (rate limits, presence) fails over instead of hanging.
 */
export function createRedis(
  url: string,
  logger: Logger,
  { name = "main", commandTimeoutMs }: { name?: string; commandTimeoutMs: number },
): Redis {
  const redis = new Redis(url, {
    connectionName: `mundo-tango-${name}`,
    commandTimeout: commandTimeoutMs,
    maxRetriesPerRequest: 1,
    enableOfflineQueue: true,
    retryStrategy: (attempt) => Math.min(attempt * 200, 2000),
  });
  let down = false;
  redis.on("error", (error) => {
    if (!down) logger.warn({ redis: name, err: error.message }, "redis connection error");
    down = true;
  });
  redis.on("ready", () => {
    if (down) logger.info({ redis: name }, "redis connection restored");
    down = false;
  });
  return redis;
}
