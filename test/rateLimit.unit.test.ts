// The pieces under @rateLimit on their own: whose budget a call spends, the stores' sliding
// window, and the directive transformer on a small schema of its own (identityArgs, and the
// checks it makes when the schema is built).
import { randomUUID } from "node:crypto";
import { buildSchema, graphql, type GraphQLSchema } from "graphql";
import { Redis } from "ioredis";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { applyRateLimitDirective, budgetKey, callerIdentity, retryAfterSeconds } from "../src/directives/rateLimit.js";
import { RateLimitService, type RateLimitStore } from "../src/services/rateLimit/index.js";
import { withinFailureBudgets } from "../src/services/rateLimit/failureBudgets.js";
import { MemoryRateLimitStore } from "../src/services/rateLimit/memoryStore.js";
import { RedisRateLimitStore } from "../src/services/rateLimit/redisStore.js";
import { hasRedis, REDIS_URL } from "./helpers/services.js";

describe("callerIdentity", () => {
  const viewer = (id: string) => ({ id, role: "USER" as const, tokenExpiresAt: new Date() });

  it("keys signed-in callers by user, so two users behind one address have budgets of their own", () => {
    const ana = callerIdentity({ viewer: viewer("u-ana"), clientIp: "192.0.2.1" });
    const ben = callerIdentity({ viewer: viewer("u-ben"), clientIp: "192.0.2.1" });
    expect(ana).toBe("user:u-ana");
    expect(ben).not.toBe(ana);
    // …and a user keeps one budget wherever they call from.
    expect(callerIdentity({ viewer: viewer("u-ana"), clientIp: "198.51.100.9" })).toBe(ana);
  });

  it("keys anonymous callers by client address", () => {
    expect(callerIdentity({ viewer: null, clientIp: "192.0.2.1" })).toBe("ip:192.0.2.1");
    expect(callerIdentity({ viewer: null, clientIp: "2001:db8::1" })).toBe("ip:2001:db8::1");
  });

  it("puts caller, type, field and identityArgs values into the budget key", () => {
    expect(budgetKey("Mutation", { contextIdentity: "ip:192.0.2.1", fieldIdentity: "login" })).toBe(
      "ip:192.0.2.1|Mutation.login",
    );
    expect(budgetKey("Query", { contextIdentity: "user:u1", fieldIdentity: "room:tango" })).toBe("user:u1|Query.room:tango");
  });

  it("rounds retry times up to whole seconds, never below one", () => {
    expect(retryAfterSeconds(1)).toBe(1);
    expect(retryAfterSeconds(0)).toBe(1);
    expect(retryAfterSeconds(1000)).toBe(1);
    expect(retryAfterSeconds(1001)).toBe(2);
    expect(retryAfterSeconds(899_999)).toBe(900);
  });
});

/** `undo` takes back exactly the call it names, freeing its slot; unknown ids change nothing. */
async function expectUndoToFreeTheSlot(store: RateLimitStore, key: string) {
  const rule = { max: 2, windowMs: 60_000 };
  expect((await store.hit(key, rule, "call-a")).allowed).toBe(true);
  expect((await store.hit(key, rule, "call-b")).allowed).toBe(true);
  expect((await store.hit(key, rule, "call-c")).allowed).toBe(false);
  await store.undo(key, "no-such-call");
  expect((await store.hit(key, rule, "call-d")).allowed).toBe(false);
  await store.undo(key, "call-a");
  expect(await store.hit(key, rule, "call-e")).toMatchObject({ allowed: true, previousCalls: 1 });
  expect((await store.hit(key, rule, "call-f")).allowed).toBe(false);
}

describe("MemoryRateLimitStore", () => {
  const rule = { max: 3, windowMs: 10_000 };
  const withClock = () => {
    const clock = { now: 1_000_000 };
    return { clock, store: new MemoryRateLimitStore(() => clock.now) };
  };

  it("allows max calls per window, then refuses with the time until the oldest call leaves it", async () => {
    const { clock, store } = withClock();
    for (let i = 0; i < 3; i++) {
      expect(await store.hit("k", rule)).toEqual({ allowed: true, previousCalls: i, retryAfterMs: 0 });
      clock.now += 1000;
    }
    expect(await store.hit("k", rule)).toEqual({ allowed: false, previousCalls: 3, retryAfterMs: 7000 });
    clock.now += 6999;
    expect((await store.hit("k", rule)).allowed).toBe(false);
    clock.now += 1;
    expect(await store.hit("k", rule)).toEqual({ allowed: true, previousCalls: 2, retryAfterMs: 0 });
  });

  it("does not count refused calls: hammering does not push the window out", async () => {
    const { clock, store } = withClock();
    for (let i = 0; i < 3; i++) await store.hit("k", rule);
    for (let i = 0; i < 9; i++) {
      clock.now += 1000;
      expect((await store.hit("k", rule)).allowed).toBe(false);
    }
    clock.now += 1000; // 10 s after the three counted calls
    expect((await store.hit("k", rule)).allowed).toBe(true);
  });

  it("takes back a recorded call on undo", () => expectUndoToFreeTheSlot(withClock().store, "undo"));

  it("keeps separate budgets per key", async () => {
    const { store } = withClock();
    for (let i = 0; i < 3; i++) await store.hit("a", rule);
    expect((await store.hit("a", rule)).allowed).toBe(false);
    expect((await store.hit("b", rule)).allowed).toBe(true);
  });
});

describe.skipIf(!hasRedis)("RedisRateLimitStore", () => {
  const prefix = `test:ratelimit-unit:${randomUUID()}:`;
  let redis: Redis;
  let store: RedisRateLimitStore;
  beforeAll(() => {
    redis = new Redis(REDIS_URL);
    store = new RedisRateLimitStore(redis, prefix);
  });
  afterAll(async () => {
    const keys = await redis.keys(`${prefix}*`);
    if (keys.length) await redis.del(...keys);
    await redis.quit();
  });

  it("lets exactly max of 50 concurrent hits through, on separate connections", async () => {
    const others = Array.from({ length: 4 }, () => new Redis(REDIS_URL));
    try {
      const stores = [store, ...others.map((r) => new RedisRateLimitStore(r, prefix))];
      const decisions = await Promise.all(
        Array.from({ length: 50 }, (_, i) => stores[i % stores.length]!.hit("burst", { max: 5, windowMs: 60_000 })),
      );
      expect(decisions.filter((d) => d.allowed)).toHaveLength(5);
      expect(await redis.zcard(`${prefix}burst`)).toBe(5);
      for (const refused of decisions.filter((d) => !d.allowed)) {
        expect(refused.previousCalls).toBe(5);
        expect(refused.retryAfterMs).toBeGreaterThan(0);
        expect(refused.retryAfterMs).toBeLessThanOrEqual(60_000);
      }
    } finally {
      await Promise.all(others.map((r) => r.quit()));
    }
  });

  it("takes back a recorded call on undo", () => expectUndoToFreeTheSlot(store, "undo"));

  it("frees the slot when the window has passed", async () => {
    const rule = { max: 1, windowMs: 150 };
    expect((await store.hit("short", rule)).allowed).toBe(true);
    const refused = await store.hit("short", rule);
    expect(refused.allowed).toBe(false);
    await new Promise((resolve) => setTimeout(resolve, refused.retryAfterMs + 20));
    expect((await store.hit("short", rule)).allowed).toBe(true);
  });

  it("loads its script again after SCRIPT FLUSH", async () => {
    await store.hit("flush", { max: 2, windowMs: 60_000 });
    await redis.script("FLUSH");
    expect(await store.hit("flush", { max: 2, windowMs: 60_000 })).toMatchObject({ allowed: true, previousCalls: 1 });
  });
});

describe("applyRateLimitDirective", () => {
  const sdl = (field: string) => `
    directive @rateLimit(max: Int!, window: String!, identityArgs: [String!]) on FIELD_DEFINITION
    input Target { slug: String! }
    type Query { ${field} }`;
  const build = (field: string) => applyRateLimitDirective(buildSchema(sdl(field)));

  it("rejects a malformed directive when the schema is built", () => {
    expect(() => build('ping: Int @rateLimit(max: 0, window: "1m")')).toThrow(
      "@rateLimit on Query.ping: max must be a positive integer",
    );
    expect(() => build('ping: Int @rateLimit(max: 2, window: "soon")')).toThrow(
      'window must be a duration such as 10s or 15m, got "soon"',
    );
    expect(() => build('ping(room: String): Int @rateLimit(max: 2, window: "1m", identityArgs: ["rom"])')).toThrow(
      'identityArgs names "rom", which is no argument',
    );
  });

  it("refuses a schema without the directive definition", () => {
    expect(() => applyRateLimitDirective(buildSchema("type Query { ping: Int }"))).toThrow("@rateLimit is not defined");
  });

  describe("on a small schema", () => {
    let schema: GraphQLSchema;
    let calls = 0;
    const context = () => ({
      viewer: null,
      clientIp: "192.0.2.7",
      services: { rateLimit: new RateLimitService(new MemoryRateLimitStore()) },
    });
    beforeAll(() => {
      schema = build('ping(target: Target!, note: String): Int @rateLimit(max: 2, window: "1m", identityArgs: ["target.slug"])');
    });
    const ping = (contextValue: object, slug: string, note = "") =>
      graphql({
        schema,
        source: `{ ping(target: { slug: "${slug}" }, note: "${note}") }`,
        rootValue: { ping: () => ++calls },
        contextValue,
      });

    it("keys by the values of identityArgs, and ignores the other arguments", async () => {
      const ctx = context();
      expect((await ping(ctx, "tango", "a")).errors).toBeUndefined();
      expect((await ping(ctx, "tango", "b")).errors).toBeUndefined();
      const third = await ping(ctx, "tango", "c");
      expect(third.errors?.[0]?.extensions?.code).toBe("RATE_LIMITED");
      expect(third.errors?.[0]?.extensions?.retryAfter).toBeGreaterThan(0);
      expect(third.errors?.[0]?.extensions?.retryAfter).toBeLessThanOrEqual(60);
      expect(third.errors?.[0]?.message).toBe("Too many calls to ping: at most 2 per 1m");
      expect((await ping(ctx, "vals")).errors).toBeUndefined();
      expect(ctx.services.rateLimit.rejectionCounts()).toEqual({ "Query.ping": 1 });
    });

    it("does not run the resolver of a refused call", async () => {
      const ctx = context();
      const before = calls;
      for (let i = 0; i < 4; i++) await ping(ctx, "milonga");
      expect(calls - before).toBe(2);
    });
  });
});

describe("withinFailureBudgets", () => {
  const budgets = [
    { key: "pair", rule: { max: 2, windowMs: 60_000 } },
    { key: "account", rule: { max: 5, windowMs: 60_000 } },
  ];
  const wrong = new Error("wrong password");
  const options = {
    isFailure: (error: unknown) => error === wrong,
    refusal: (ms: number) => new Error(`refused, retry in ${ms} ms`),
  };
  const fail = () => Promise.reject(wrong);

  it("lets no more concurrent attempts run than the budget allows", async () => {
    const store = new MemoryRateLimitStore();
    let ran = 0;
    const attempt = async () => {
      ran += 1;
      await new Promise((resolve) => setTimeout(resolve, 10));
      throw wrong;
    };
    const outcomes = await Promise.allSettled(
      Array.from({ length: 20 }, () => withinFailureBudgets(store, budgets, attempt, options)),
    );
    expect(ran).toBe(2);
    expect(outcomes.filter((o) => o.status === "rejected" && o.reason === wrong)).toHaveLength(2);
  });

  it("gives the slots back when the attempt succeeds or fails in a way that does not count", async () => {
    const store = new MemoryRateLimitStore();
    await expect(withinFailureBudgets(store, budgets, async () => "ok", options)).resolves.toBe("ok");
    await expect(withinFailureBudgets(store, budgets, () => Promise.reject(new Error("disabled")), options)).rejects.toThrow(
      "disabled",
    );
    await expect(withinFailureBudgets(store, budgets, fail, options)).rejects.toBe(wrong);
    await expect(withinFailureBudgets(store, budgets, fail, options)).rejects.toBe(wrong);
    await expect(withinFailureBudgets(store, budgets, fail, options)).rejects.toThrow(/^refused, retry in \d+ ms$/);
  });

  it("gives back the slots already taken when a later budget is spent", async () => {
    const store = new MemoryRateLimitStore();
    const account = budgets[1]!;
    for (let i = 0; i < account.rule.max; i++) await store.hit(account.key, account.rule);
    await expect(withinFailureBudgets(store, budgets, fail, options)).rejects.toThrow(/^refused/);
    expect((await store.hit("pair", budgets[0]!.rule)).previousCalls).toBe(0);
  });
});
