// The per-process store: used without REDIS_URL, and while Redis is unreachable.
import { randomUUID } from "node:crypto";
import type { RateLimitDecision, RateLimitRule, RateLimitStore } from "./types.js";

interface CallLog {
  /** Counted calls, oldest first. */
  calls: { at: number; id: string }[];
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
  async hit(key: string, { max, windowMs }: RateLimitRule, callId: string = randomUUID()): Promise<RateLimitDecision> {
    const now = this.now();
    this.sweep(now);
    const calls = (this.logs.get(key)?.calls ?? []).filter((call) => call.at > now - windowMs);
    if (calls.length < max) {
      calls.push({ at: now, id: callId });
      this.logs.set(key, { calls, expiresAt: now + windowMs });
      return { allowed: true, previousCalls: calls.length - 1, retryAfterMs: 0 };
    }
    this.logs.set(key, { calls, expiresAt: calls[calls.length - 1]!.at + windowMs });
    // A slot frees when the calls in the window drop below max: when this one leaves it.
    return { allowed: false, previousCalls: calls.length, retryAfterMs: calls[calls.length - max]!.at + windowMs - now };
  }

  async undo(key: string, callId: string): Promise<void> {
    const log = this.logs.get(key);
    if (log) log.calls = log.calls.filter((call) => call.id !== callId);
  }

  /** Drops the logs of callers that went quiet, so the map does not grow with every client ever seen. */
  private sweep(now: number): void {
    if (now < this.nextSweep) return;
    this.nextSweep = now + SWEEP_INTERVAL_MS;
    for (const [key, log] of this.logs) if (log.expiresAt <= now) this.logs.delete(key);
  }
}
