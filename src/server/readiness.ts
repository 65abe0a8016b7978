import type { Redis } from "ioredis";
import type { Database } from "../db/client.js";
import type { Logger } from "../logger.js";
import type { ReadinessCheck } from "./routes.js";

const CHECK_TIMEOUT_MS = 2000;

/** "ok" or "unavailable"; the reason goes to the log only (it may name hosts and ports). */
async function probe(name: string, check: () => Promise<unknown>, logger: Logger): Promise<"ok" | "unavailable"> {
  let timer: NodeJS.Timeout | undefined;
  try {
    await Promise.race([
      check(),
      new Promise((_, reject) => {
        timer = setTimeout(() => reject(new Error(`no answer within ${CHECK_TIMEOUT_MS} ms`)), CHECK_TIMEOUT_MS);
      }),
    ]);
    return "ok";
  } catch (error) {
    logger.warn({ dependency: name, err: (error as Error).message.split("\n")[0] }, "readiness check failed");
    return "unavailable";
  } finally {
    clearTimeout(timer);
  }
}

export function readinessCheck(db: Database, redis: Redis | null, logger: Logger): ReadinessCheck {
  return async () => {
    const checks: Record<string, () => Promise<unknown>> = { database: () => db.ping() };
    if (redis) checks.redis = () => redis.ping();
    const states = await Promise.all(
      Object.entries(checks).map(async ([name, check]) => [name, await probe(name, check, logger)]),
    );
    return Object.fromEntries(states);
  };
}
