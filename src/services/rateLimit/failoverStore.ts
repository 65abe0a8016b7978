// Redis while it answers; the per-instance memory store while it does not. A Redis outage never
// switches limits off: each instance keeps enforcing them on its own (so a client spreading calls
// over N instances gets at most N × max), and every switch is logged.
import type { Redis } from "ioredis";
import type { Logger } from "../../logger.js";
import type { RateLimitDecision, RateLimitRule, RateLimitStore } from "./types.js";

export class FailoverRateLimitStore implements RateLimitStore {
  private degraded = false;

  constructor(
    private readonly redis: Redis,
    private readonly primary: RateLimitStore,
    private readonly fallback: RateLimitStore,
    private readonly logger: Logger,
  ) {}

  /** The store deciding right now. */
  get kind(): RateLimitStore["kind"] {
    return this.degraded ? this.fallback.kind : this.primary.kind;
  }

  async hit(key: string, rule: RateLimitRule, callId?: string): Promise<RateLimitDecision> {
    // Not connected: do not wait for ioredis to give up on the command, decide locally now.
    if (this.redis.status !== "ready") return this.fallBack(key, rule, callId, `redis is ${this.redis.status}`);
    try {
      const decision = await this.primary.hit(key, rule, callId);
      if (this.degraded) {
        this.degraded = false;
        this.logger.info("rate limits are shared through Redis again");
      }
      return decision;
    } catch (error) {
      return this.fallBack(key, rule, callId, error instanceof Error ? error.message : String(error));
    }
  }

  /** The call was recorded in one of the two stores: taken back from both (unknown ids are ignored). */
  async undo(key: string, callId: string): Promise<void> {
    await this.fallback.undo(key, callId);
    if (this.redis.status !== "ready") return;
    await this.primary.undo(key, callId).catch((error: unknown) => {
      // Not fatal: the call then stays counted until it leaves its window.
      this.logger.warn(
        { reason: error instanceof Error ? error.message : String(error) },
        "could not take back a rate-limited call",
      );
    });
  }

  private fallBack(key: string, rule: RateLimitRule, callId: string | undefined, reason: string): Promise<RateLimitDecision> {
    if (!this.degraded) {
      this.degraded = true;
      this.logger.warn({ reason }, "Redis unavailable: rate limits fall back to this instance's memory");
    }
    return this.fallback.hit(key, rule, callId);
  }
}
