// @rateLimit over real HTTP on one instance (in-process store): the refused call's error, status and
// header, exactness under concurrency and within one document, and whose budget a call spends.
// The main server trusts X-Forwarded-For, so each test is a client of its own.
import { createClient } from "graphql-ws";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import WebSocket from "ws";
import type { RateLimitRejection } from "../src/services/rateLimit/index.js";
import { freshClient, isRefused, LOGIN, rateLimitErrors, send, tally, wrongLogin } from "./helpers/rateLimit.js";
import { startTestServer, type TestServer } from "./helpers/server.js";
import { wsOnce } from "./helpers/graphqlWs.js";
import { createUser } from "./helpers/users.js";

let server: TestServer;
beforeAll(async () => {
  server = await startTestServer({ env: { TRUST_PROXY: "true" } });
});
afterAll(() => server?.stop());

const FIFTEEN_MINUTES = 15 * 60;

describe("a refused call", () => {
  it("is the 6th login in 15 minutes: RATE_LIMITED with retryAfter, HTTP 429 and Retry-After", async () => {
    const client = freshClient();
    for (let i = 0; i < 5; i++) {
      const answer = await send(server, wrongLogin(), client);
      expect(answer.status).toBe(200);
      expect(answer.body.errors?.[0]?.extensions.code).toBe("UNAUTHENTICATED");
      expect(answer.retryAfter).toBeNull();
    }

    const sixth = await send(server, wrongLogin(), client);
    expect(sixth.status).toBe(429);
    expect(sixth.body.data).toBeNull();
    expect(sixth.body.errors).toHaveLength(1);
    const error = sixth.body.errors![0]!;
    expect(error.path).toEqual(["login"]);
    expect(error.message).toBe("Too many calls to login: at most 5 per 15m");
    expect(error.extensions).toMatchObject({ code: "RATE_LIMITED", statusCode: 429 });
    expect(Number.isInteger(error.extensions.retryAfter)).toBe(true);
    expect(error.extensions.retryAfter).toBeGreaterThan(0);
    expect(error.extensions.retryAfter).toBeLessThanOrEqual(FIFTEEN_MINUTES);
    expect(sixth.retryAfter).toBe(String(error.extensions.retryAfter));
    // The status travels in the header only: yoga's internal `http` extension is not sent.
    expect(error.extensions.http).toBeUndefined();
  });

  it("is refused whatever the password: a correct one does not get through either", async () => {
    const user = await createUser(server);
    const client = freshClient();
    for (let i = 0; i < 5; i++) await send(server, wrongLogin(user.email), client);
    const answer = await send(
      server,
      { query: LOGIN, variables: { input: { email: user.email, password: user.password } } },
      client,
    );
    expect(answer.status).toBe(429);
    expect(rateLimitErrors(answer)).toHaveLength(1);
  });

  it("is counted for metrics, per field", async () => {
    const seen: RateLimitRejection[] = [];
    const stop = server.app.services.rateLimit.onRejection((rejection) => seen.push(rejection));
    const before = server.app.services.rateLimit.rejectionCounts()["Mutation.login"] ?? 0;
    const client = freshClient();
    for (let i = 0; i < 7; i++) await send(server, wrongLogin(), client);
    stop();
    expect(server.app.services.rateLimit.rejectionCounts()["Mutation.login"]).toBe(before + 2);
    expect(seen.filter((r) => r.field === "Mutation.login")).toHaveLength(2);
    expect(seen[0]!.retryAfterSeconds).toBeGreaterThan(0);
  });
});

describe("exactness", () => {
  it("answers 50 parallel logins from one client with exactly 5 evaluations and 45 RATE_LIMITED", async () => {
    const client = freshClient();
    const answers = await Promise.all(Array.from({ length: 50 }, () => send(server, wrongLogin(), client)));
    expect(tally(answers)).toEqual({ evaluated: 5, refused: 45 });
    for (const answer of answers.filter((a) => !isRefused(a))) {
      expect(answer.body.errors?.[0]?.extensions.code).toBe("UNAUTHENTICATED");
    }
    for (const answer of answers.filter(isRefused)) {
      expect(answer.status).toBe(429);
      expect(Number(answer.retryAfter)).toBeGreaterThan(0);
    }
  });

  it("evaluates exactly 5 of 16 aliased logins in one document and keeps the partly evaluated document at 200", async () => {
    const user = await createUser(server);
    const sessionsBefore = await server.app.services.prisma.session.count({ where: { userId: user.rawId } });
    const input = `{ email: ${JSON.stringify(user.email)}, password: ${JSON.stringify(user.password)} }`;
    const aliases = Array.from({ length: 16 }, (_, i) => `a${i}: login(input: ${input}) { accessToken }`);
    const client = freshClient();

    const answer = await send(server, { query: `mutation { ${aliases.join("\n")} }` }, client);

    // Mutation fields run one after another, and login is non-null: the first error (the 6th
    // alias, refused) nulls `data` and ends the operation; a7..a15 never run.
    expect(answer.status).toBe(200);
    expect(answer.retryAfter).toBeNull();
    expect(answer.body.data).toBeNull();
    expect(answer.body.errors!.map((e) => [e.path, e.extensions.code])).toEqual([[["a5"], "RATE_LIMITED"]]);
    const sessionsAfter = await server.app.services.prisma.session.count({ where: { userId: user.rawId } });
    expect(sessionsAfter - sessionsBefore).toBe(5);
    // The budget is spent: the next lone call is refused.
    expect((await send(server, wrongLogin(), client)).status).toBe(429);
  });

  it("answers 429 to a document whose every root field was refused", async () => {
    const client = freshClient();
    for (let i = 0; i < 5; i++) await send(server, wrongLogin(), client);
    const answer = await send(
      server,
      { query: `mutation { again: login(input: { email: "a@b.test", password: "x" }) { accessToken } }` },
      client,
    );
    expect(answer.status).toBe(429);
    expect(answer.retryAfter).toBe(String(rateLimitErrors(answer)[0]!.extensions.retryAfter));
  });
});

describe("budgets", () => {
  it("are per field: an exhausted login budget leaves register untouched", async () => {
    const client = freshClient();
    for (let i = 0; i < 6; i++) await send(server, wrongLogin(), client);
    const register = await send(
      server,
      {
        query: "mutation ($input: RegisterInput!) { register(input: $input) { user { displayName } } }",
        variables: { input: { email: `rl-${Date.now()}@example.test`, password: "a fine password", displayName: "Rita" } },
      },
      client,
    );
    expect(register.status).toBe(200);
    expect(register.body.errors).toBeUndefined();
    expect(register.body.data.register.user.displayName).toBe("Rita");
  });

  it("are per client address taken from X-Forwarded-For when TRUST_PROXY=true", async () => {
    const first = freshClient();
    const second = freshClient();
    const answers = [];
    for (let i = 0; i < 6; i++) answers.push(await send(server, wrongLogin(), first));
    expect(tally(answers)).toEqual({ evaluated: 5, refused: 1 });
    expect(isRefused(await send(server, wrongLogin(), second))).toBe(false);
  });

  it("are per user for signed-in callers: two users behind one address do not share one", async () => {
    const [ana, ben] = [await createUser(server), await createUser(server)];
    const client = freshClient();
    const refresh = (token?: string) =>
      send(
        server,
        { query: 'mutation { refresh(refreshToken: "not-a-token") { accessToken } }' },
        { ...client, ...(token ? { authorization: `Bearer ${token}` } : {}) },
      );

    const anas = [];
    for (let i = 0; i < 31; i++) anas.push(await refresh(ana.accessToken));
    expect(tally(anas)).toEqual({ evaluated: 30, refused: 1 });
    expect(anas[0]!.body.errors?.[0]?.extensions.code).toBe("INVALID_TOKEN");

    // Same address, other user, and anonymous: budgets of their own.
    expect(isRefused(await refresh(ben.accessToken))).toBe(false);
    expect(isRefused(await refresh())).toBe(false);
  });
});

describe("sendMessage (@auth and @rateLimit, 20 per 10s)", () => {
  const SEND = "mutation ($input: SendMessageInput!) { sendMessage(input: $input) { messageId } }";
  const message = (text: string) => ({ query: SEND, variables: { input: { room: "general", text } } });
  const sendAs = (token: string | null, text: string, client: Record<string, string>) =>
    send(server, message(text), token ? { ...client, authorization: `Bearer ${token}` } : client);

  it("checks @auth first: anonymous callers are refused UNAUTHENTICATED and spend no budget", async () => {
    const client = freshClient();
    const answers = await Promise.all(Array.from({ length: 25 }, (_, i) => sendAs(null, `anon ${i}`, client)));
    expect(answers.map((a) => a.body.errors?.[0]?.extensions.code)).toEqual(new Array(25).fill("UNAUTHENTICATED"));
  });

  it("gives each signed-in user a budget of their own, wherever they call from", async () => {
    const [ana, ben] = [await createUser(server), await createUser(server)];
    const client = freshClient();
    const anas = await Promise.all(
      Array.from({ length: 25 }, (_, i) => sendAs(ana.accessToken, `hola ${i}`, i % 2 ? client : freshClient())),
    );
    expect(tally(anas)).toEqual({ evaluated: 20, refused: 5 });
    for (const answer of anas.filter((a) => !isRefused(a))) expect(answer.body.errors).toBeUndefined();

    const bens = await sendAs(ben.accessToken, "buenas", client);
    expect(bens.body.errors).toBeUndefined();
    expect(bens.body.data.sendMessage.messageId).toEqual(expect.any(String));
  });
});

describe("over WebSocket", () => {
  /** A graphql-ws client whose upgrade request carries these headers. */
  const socketWith = (headers: Record<string, string>) =>
    createClient({
      url: server.url.replace(/^http/, "ws"),
      webSocketImpl: class extends WebSocket {
        constructor(url: string, protocols?: string | string[]) {
          super(url, protocols, { headers });
        }
      },
      lazy: false,
      retryAttempts: 0,
    });

  it("spends the same budget as HTTP and refuses with RATE_LIMITED and retryAfter", async () => {
    const client = freshClient();
    for (let i = 0; i < 3; i++) await send(server, wrongLogin(), client);
    const socket = socketWith(client);
    try {
      const { query, variables } = wrongLogin();
      const answers = [];
      for (let i = 0; i < 3; i++) answers.push(await wsOnce(socket, query, variables));
      expect(answers.map((a) => a.errors?.[0]?.extensions.code)).toEqual(["UNAUTHENTICATED", "UNAUTHENTICATED", "RATE_LIMITED"]);
      const refused = answers[2]!.errors![0]!;
      expect(refused.extensions.retryAfter).toBeGreaterThan(0);
      expect(refused.extensions.retryAfter).toBeLessThanOrEqual(FIFTEEN_MINUTES);
      expect(refused.extensions.http).toBeUndefined();
    } finally {
      await socket.dispose();
    }
  });
});

describe("with TRUST_PROXY=false", () => {
  let direct: TestServer;
  beforeAll(async () => {
    direct = await startTestServer({ env: { TRUST_PROXY: "false" } });
  });
  afterAll(() => direct?.stop());

  it("ignores X-Forwarded-For: changing it does not buy a fresh budget", async () => {
    const answers = [];
    for (let i = 0; i < 6; i++) answers.push(await send(direct, wrongLogin(), freshClient()));
    expect(tally(answers)).toEqual({ evaluated: 5, refused: 1 });
    expect(answers[5]!.status).toBe(429);
  });
});
