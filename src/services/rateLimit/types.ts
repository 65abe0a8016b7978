// The contract between the @rateLimit directive and the stores that remember calls.

export interface RateLimitRule {
  /** Calls allowed per window. */
  max: number;
  windowMs: number;
}

export interface RateLimitDecision {
  /** True when this call was within the limit and has been recorded. */
  allowed: boolean;
  /** Counted calls in the window before this one. */
  previousCalls: number;
  /** When denied: milliseconds until a slot frees (0 when allowed). */
  retryAfterMs: number;
}

/**
 * Remembers calls per key in a sliding window. `hit` decides and records in one atomic step,
 * so concurrent calls (also from other instances sharing the store) can never exceed `max`.
 * Denied calls are not recorded: `max` calls are evaluated per window, however many are refused.
 */
export interface RateLimitStore {
  readonly kind: "memory" | "redis";
  /** `callId` names the recorded call for `undo` (a fresh one when omitted). */
  hit(key: string, rule: RateLimitRule, callId?: string): Promise<RateLimitDecision>;
  /** Takes back a call `hit` recorded, e.g. an attempt that turned out not to count; unknown ids are ignored. */
  undo(key: string, callId: string): Promise<void>;
}
