// @rateLimit with REDIS_URL: one budget shared by every instance, decided atomically in Redis;
// and what happens while Redis cannot be reached (limits stay on, per instance).
import { randomUUID } from "node:crypto";
import { Redis } from "ioredis";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { freshClient, send, tally, wrongLogin } from "./helpers/rateLimit.js";
import { startTestServer, type TestServer } from "./helpers/server.js";
import { hasPostgres, hasRedis, REDIS_URL } from "./helpers/services.js";

describe.skipIf(!hasRedis || !hasPostgres)("two instances sharing Redis", () => {
  const prefix = `test:ratelimit:${randomUUID()}:`;
  let first: TestServer;
  let second: TestServer;
  let redis: Redis;

  beforeAll(async () => {
    const env = { REDIS_URL, RATE_LIMIT_REDIS_PREFIX: prefix, TRUST_PROXY: "true" };
    first = await startTestServer({ env });
    second = await startTestServer({ env, db: first.db });
    redis = new Redis(REDIS_URL);
  });
  afterAll(async () => {
    await second?.stop();
    await first?.stop();
    if (redis) {
      const keys = await redis.keys(`${prefix}*`);
      if (keys.length) await redis.del(...keys);
      await redis.quit();
    }
  });

  it("answers 50 parallel logins spread over both with exactly 5 evaluations and 45 RATE_LIMITED", async () => {
    const client = freshClient();
    const answers = await Promise.all(
      Array.from({ length: 50 }, (_, i) => send(i % 2 === 0 ? first : second, wrongLogin(), client)),
    );
    expect(tally(answers)).toEqual({ evaluated: 5, refused: 45 });
    expect(answers.filter((a) => a.status === 429)).toHaveLength(45);
    expect(first.app.services.rateLimit.store.kind).toBe("redis");
  });

  it("lets a budget spent on one instance be refused on the other, with the same retry time", async () => {
    const client = freshClient();
    for (let i = 0; i < 5; i++) await send(first, wrongLogin(), client);
    const refused = await send(second, wrongLogin(), client);
    expect(refused.status).toBe(429);
    expect(Number(refused.retryAfter)).toBeGreaterThan(14 * 60);
    expect(Number(refused.retryAfter)).toBeLessThanOrEqual(15 * 60);
  });

  it("keeps its call logs under the configured prefix, expiring with the window", async () => {
    const client = freshClient();
    await send(first, wrongLogin(), client);
    const address = client["x-forwarded-for"];
    const key = `${prefix}ip:${address}|Mutation.login`;
    expect(await redis.zcard(key)).toBe(1);
    const ttl = await redis.pttl(key);
    expect(ttl).toBeGreaterThan(0);
    expect(ttl).toBeLessThanOrEqual(15 * 60_000);
  });
});

describe("while Redis is unreachable", () => {
  let server: TestServer;
  beforeAll(async () => {
    // Port 1 refuses connections: the configured Redis is down from the start.
    server = await startTestServer({ env: { REDIS_URL: "redis://127.0.0.1:1", TRUST_PROXY: "true" } });
  });
  afterAll(() => server?.stop());

  it("still enforces the limits, per instance, and logs the fallback", async () => {
    const client = freshClient();
    const answers = await Promise.all(Array.from({ length: 20 }, () => send(server, wrongLogin(), client)));
    expect(tally(answers)).toEqual({ evaluated: 5, refused: 15 });
    expect(server.logs.join("")).toContain("rate limits fall back to this instance's memory");
    expect(server.app.services.rateLimit.store.kind).toBe("memory");
  });
});
