import type { Redis } from "ioredis";
import type { Database } from "../db/client.js";
import type { ReadinessCheck } from "./routes.js";

const CHECK_TIMEOUT_MS = 2000;

async function probe(check: () => Promise<unknown>): Promise<"ok" | string> {
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
    return `unavailable: ${(error as Error).message.split("\n")[0]}`;
  } finally {
    clearTimeout(timer);
  }
}

export function readinessCheck(db: Database, redis: Redis | null): ReadinessCheck {
  return async () => {
    const checks: Record<string, () => Promise<unknown>> = { database: () => db.ping() };
    if (redis) checks.redis = () => redis.ping();
    const states = await Promise.all(Object.entries(checks).map(async ([name, check]) => [name, await probe(check)]));
    return Object.fromEntries(states);
  };
}
