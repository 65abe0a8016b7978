// The rate-limit service: the store the @rateLimit directive decides with (Redis when
// configured, else this process's memory) and the count of refused calls, for metrics.
import type { Redis } from "ioredis";
import type { Config } from "../../config/index.js";
import type { Logger } from "../../logger.js";
import { FailoverRateLimitStore } from "./failoverStore.js";
import { MemoryRateLimitStore } from "./memoryStore.js";
import { RedisRateLimitStore } from "./redisStore.js";
import type { RateLimitStore } from "./types.js";

export type { RateLimitDecision, RateLimitRule, RateLimitStore } from "./types.js";

/** Seconds a refused caller should wait: whole seconds, at least one. */
export const retryAfterSeconds = (retryAfterMs: number) => Math.max(1, Math.ceil(retryAfterMs / 1000));

export interface RateLimitRejection {
  /** Schema coordinate of the limited field, e.g. "Mutation.login". */
  field: string;
  retryAfterSeconds: number;
}

export class RateLimitService {
  private readonly rejections = new Map<string, number>();
  private readonly listeners = new Set<(rejection: RateLimitRejection) => void>();

  constructor(readonly store: RateLimitStore) {}

  recordRejection(rejection: RateLimitRejection): void {
    this.rejections.set(rejection.field, (this.rejections.get(rejection.field) ?? 0) + 1);
    for (const listener of this.listeners) listener(rejection);
  }

  /** Calls refused since boot, per field. */
  rejectionCounts(): Record<string, number> {
    return Object.fromEntries(this.rejections);
  }

  /** Calls `listener` on every refused call; returns the unsubscribe function. */
  onRejection(listener: (rejection: RateLimitRejection) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }
}

export function createRateLimitService(deps: { config: Config; logger: Logger; redis: Redis | null }): RateLimitService {
  const memory = new MemoryRateLimitStore();
  if (!deps.redis) return new RateLimitService(memory);
  const shared = new RedisRateLimitStore(deps.redis, deps.config.rateLimit.redisKeyPrefix);
  const logger = deps.logger.child({ component: "rate-limit" });
  return new RateLimitService(new FailoverRateLimitStore(deps.redis, shared, memory, logger));
}
