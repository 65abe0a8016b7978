// The shared store: one sorted set per caller and field, read, trimmed and appended by a single
// Lua script, so instances sharing Redis decide one call at a time. The clock is Redis's own
// (TIME), so instances with skewed clocks still agree on the window.
import { createHash, randomUUID } from "node:crypto";
import type { Redis } from "ioredis";
import type { RateLimitDecision, RateLimitRule, RateLimitStore } from "./types.js";

// KEYS[1] the caller's log; ARGV: max, windowMs, a unique member for this call.
// Returns { allowed (1|0), counted calls before this one, ms until a slot frees }.
const HIT_SCRIPT = `
local time = redis.call('TIME')
local now = tonumber(time[1]) * 1000 + math.floor(tonumber(time[2]) / 1000)
local max = tonumber(ARGV[1])
local window = tonumber(ARGV[2])
redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', string.format('%d', now - window))
local count = redis.call('ZCARD', KEYS[1])
if count < max then
  redis.call('ZADD', KEYS[1], string.format('%d', now), ARGV[3])
  redis.call('PEXPIRE', KEYS[1], window)
  return { 1, count, 0 }
end
local freeing = redis.call('ZRANGE', KEYS[1], count - max, count - max, 'WITHSCORES')
return { 0, count, tonumber(freeing[2]) + window - now }
`;
const HIT_SHA = createHash("sha1").update(HIT_SCRIPT).digest("hex");

export class RedisRateLimitStore implements RateLimitStore {
  readonly kind = "redis";

  constructor(
    private readonly redis: Redis,
    private readonly keyPrefix: string,
  ) {}

  async hit(key: string, { max, windowMs }: RateLimitRule, callId: string = randomUUID()): Promise<RateLimitDecision> {
    const args = [`${this.keyPrefix}${key}`, max, windowMs, callId] as const;
    let reply: unknown;
    try {
      reply = await this.redis.evalsha(HIT_SHA, 1, ...args);
    } catch (error) {
      if (!(error instanceof Error) || !error.message.startsWith("NOSCRIPT")) throw error;
      reply = await this.redis.eval(HIT_SCRIPT, 1, ...args);
    }
    const [allowed, previousCalls, retryAfterMs] = reply as [number, number, number];
    return { allowed: allowed === 1, previousCalls, retryAfterMs };
  }

  async undo(key: string, callId: string): Promise<void> {
    await this.redis.zrem(`${this.keyPrefix}${key}`, callId);
  }
}
