// The per-process store: used without REDIS_URL, and while Redis is unreachable.
import type { RateLimitDecision, RateLimitRule, RateLimitStore } from "./types.js";

interface CallLog {
  /** Timestamps of counted calls, oldest first. */
  times: number[];
  /** When the newest call leaves its window: after that the whole entry is dead. */
  expiresAt: number;
}

const SWEEP_INTERVAL_MS = 60_000;

export class MemoryRateLimitStore implements RateLimitStore {
  readonly kind = "memory";
  private readonly logs = new Map<string, CallLog>();
  private nextSweep = 0;

  constructor(private readonly now: () => number = Date.now) {}

  // Deliberately free of awaits: the read-decide-record step runs without interleaving.
  async hit(key: string, { max, windowMs }: RateLimitRule): Promise<RateLimitDecision> {
    const now = this.now();
    this.sweep(now);
    const times = (this.logs.get(key)?.times ?? []).filter((t) => t > now - windowMs);
    if (times.length < max) {
      times.push(now);
      this.logs.set(key, { times, expiresAt: now + windowMs });
      return { allowed: true, previousCalls: times.length - 1, retryAfterMs: 0 };
    }
    this.logs.set(key, { times, expiresAt: times[times.length - 1]! + windowMs });
    // A slot frees when the calls in the window drop below max: when this one leaves it.
    return { allowed: false, previousCalls: times.length, retryAfterMs: times[times.length - max]! + windowMs - now };
  }

  /** Drops the logs of callers that went quiet, so the map does not grow with every client ever seen. */
  private sweep(now: number): void {
    if (now < this.nextSweep) return;
    this.nextSweep = now + SWEEP_INTERVAL_MS;
    for (const [key, log] of this.logs) if (log.expiresAt <= now) this.logs.delete(key);
  }
}
