// Failed-login limits (LOGIN_FAILURE_LIMIT_PER_ACCOUNT_IP, LOGIN_FAILURE_LIMIT_PER_ACCOUNT) over
// real HTTP: credential stuffing from many addresses stops at the account's budget, one address's
// failures lock out only that address, successes spend nothing, unknown emails answer the same,
// refusals are audited; with Redis the budget is shared by every instance.
import { randomUUID } from "node:crypto";
import { Redis } from "ioredis";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { freshClient, LOGIN, rateLimitErrors, send, tally, wrongLogin, type Answer } from "./helpers/rateLimit.js";
import { startTestServer, type TestServer } from "./helpers/server.js";
import { hasPostgres, hasRedis, REDIS_URL } from "./helpers/services.js";
import { createUser, type TestUser } from "./helpers/users.js";

const LIMITS = { LOGIN_FAILURE_LIMIT_PER_ACCOUNT_IP: "3/15m", LOGIN_FAILURE_LIMIT_PER_ACCOUNT: "10/15m", TRUST_PROXY: "true" };
const ACCOUNT_MAX = 10;
const PAIR_MAX = 3;

const rightLogin = (user: TestUser) => ({ query: LOGIN, variables: { input: { email: user.email, password: user.password } } });
const codeOf = (answer: Answer) => answer.body.errors?.[0]?.extensions.code;
/** Stuffing: one request per fresh client address, all at once. */
const fromManyAddresses = (servers: TestServer[], body: () => unknown, n: number) =>
  Promise.all(Array.from({ length: n }, (_, i) => send(servers[i % servers.length]!, body(), freshClient())));

describe("failed-login limits on one instance", () => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startTestServer({ env: LIMITS });
  });
  afterAll(() => server?.stop());

  it("evaluates only the account's budget of 300 wrong passwords sent from 300 addresses", async () => {
    const victim = await createUser(server);
    const answers = await fromManyAddresses([server], () => wrongLogin(victim.email), 300);
    expect(tally(answers)).toEqual({ evaluated: ACCOUNT_MAX, refused: 300 - ACCOUNT_MAX });
    expect(answers.filter((a) => codeOf(a) === "UNAUTHENTICATED")).toHaveLength(ACCOUNT_MAX);
    const refused = answers.find((a) => codeOf(a) === "RATE_LIMITED")!;
    expect(refused.status).toBe(429);
    expect(refused.body.errors![0]).toMatchObject({
      path: ["login"],
      message: "Too many failed sign-in attempts: try again later",
      extensions: { code: "RATE_LIMITED", statusCode: 429 },
    });
    expect(refused.body.errors![0]!.extensions.retryAfter).toBeGreaterThan(0);
    expect(refused.body.errors![0]!.extensions.retryAfter).toBeLessThanOrEqual(15 * 60);
    expect(refused.retryAfter).toBe(String(refused.body.errors![0]!.extensions.retryAfter));
    // While the account's budget is spent, the right password waits too (at most the window).
    expect(codeOf(await send(server, rightLogin(victim), freshClient()))).toBe("RATE_LIMITED");
    // Other accounts are not touched.
    const other = await createUser(server);
    expect((await send(server, rightLogin(other), freshClient())).body.errors).toBeUndefined();
  });

  it("answers an unknown email exactly like an existing account", async () => {
    const existing = await createUser(server);
    const unknown = `nobody-${randomUUID()}@example.test`;
    const shape = (answers: Answer[]) => ({
      ...tally(answers),
      messages: [...new Set(answers.map((a) => `${a.status} ${codeOf(a)} ${a.body.errors?.[0]?.message}`))].sort(),
    });
    const forExisting = await fromManyAddresses([server], () => wrongLogin(existing.email), 30);
    const forUnknown = await fromManyAddresses([server], () => wrongLogin(unknown), 30);
    expect(shape(forUnknown)).toEqual(shape(forExisting));
    expect(shape(forUnknown).evaluated).toBe(ACCOUNT_MAX);
  });

  it("locks one address out of one account only: the owner elsewhere, and that address elsewhere, still sign in", async () => {
    const owner = await createUser(server);
    const neighbour = await createUser(server);
    const guesser = freshClient();
    for (let i = 0; i < PAIR_MAX; i++)
      expect(codeOf(await send(server, wrongLogin(owner.email), guesser))).toBe("UNAUTHENTICATED");
    // The guesser's address is locked out of this account, even with the right password…
    const locked = await send(server, rightLogin(owner), guesser);
    expect(locked.status).toBe(429);
    expect(rateLimitErrors(locked)).toHaveLength(1);
    // …but the owner signs in from their own address, and the address can sign in to another account.
    expect((await send(server, rightLogin(owner), freshClient())).body.errors).toBeUndefined();
    expect((await send(server, rightLogin(neighbour), guesser)).body.errors).toBeUndefined();
  });

  it("does not count successful logins", async () => {
    const user = await createUser(server);
    const client = freshClient();
    // fail, fail, succeed, fail: with 3 failures allowed per address, the 4th attempt still runs.
    expect(codeOf(await send(server, wrongLogin(user.email), client))).toBe("UNAUTHENTICATED");
    expect(codeOf(await send(server, wrongLogin(user.email), client))).toBe("UNAUTHENTICATED");
    expect((await send(server, rightLogin(user), client)).body.errors).toBeUndefined();
    expect(codeOf(await send(server, wrongLogin(user.email), client))).toBe("UNAUTHENTICATED");
    expect(codeOf(await send(server, wrongLogin(user.email), client))).toBe("RATE_LIMITED");
  });

  it("audits each refused login with its client address", async () => {
    const user = await createUser(server);
    const client = freshClient();
    for (let i = 0; i <= PAIR_MAX; i++) await send(server, wrongLogin(user.email), client);
    const page = await server.app.services.audit.page({ first: 100, filter: { operation: "login", outcome: "RATE_LIMITED" } });
    expect(page.entries.map((e) => e.clientIp)).toContain(client["x-forwarded-for"]);
  });

  it("counts its refusals with the other rate-limit refusals of login", async () => {
    const before = server.app.services.rateLimit.rejectionCounts()["Mutation.login"] ?? 0;
    const user = await createUser(server);
    const client = freshClient();
    for (let i = 0; i <= PAIR_MAX; i++) await send(server, wrongLogin(user.email), client);
    expect(server.app.services.rateLimit.rejectionCounts()["Mutation.login"]).toBe(before + 1);
  });
});

describe.skipIf(!hasRedis || !hasPostgres)("failed-login limits across two instances sharing Redis", () => {
  const prefix = `test:lockout:${randomUUID()}:`;
  let first: TestServer;
  let second: TestServer;

  beforeAll(async () => {
    const env = { ...LIMITS, REDIS_URL, RATE_LIMIT_REDIS_PREFIX: prefix };
    first = await startTestServer({ env });
    second = await startTestServer({ env, db: first.db });
  });
  afterAll(async () => {
    await second?.stop();
    await first?.stop();
    const redis = new Redis(REDIS_URL);
    const keys = await redis.keys(`${prefix}*`);
    if (keys.length) await redis.del(...keys);
    await redis.quit();
  });

  it("evaluates one account budget of wrong passwords spread over both instances and 100 addresses", async () => {
    const victim = await createUser(first);
    const answers = await fromManyAddresses([first, second], () => wrongLogin(victim.email), 100);
    expect(tally(answers)).toEqual({ evaluated: ACCOUNT_MAX, refused: 100 - ACCOUNT_MAX });
    expect(first.app.services.rateLimit.store.kind).toBe("redis");
  });
});
