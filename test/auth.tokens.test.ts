// Access and refresh tokens over real HTTP: forged tokens, rotation, reuse detection, concurrent
// refresh, logout, logoutAll and how fast a revocation reaches access tokens.
// `refresh` is rate limited per session (30 per 15 minutes), unknown tokens per client address: this
// server trusts X-Forwarded-For and each refresh call comes from an address of its own unless a test
// says otherwise.
import { createHmac } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { hasPostgres } from "./helpers/services.js";
import { startTestServer, type TestServer } from "./helpers/server.js";
import { flipSignatureByte, mintToken, unsignedToken } from "./helpers/tokens.js";
import { createUser, startServerWithStaff, type TestUser } from "./helpers/users.js";

let server: TestServer;
let admin: TestUser;
beforeAll(async () => void ({ server, admin } = await startServerWithStaff({ env: { TRUST_PROXY: "true" } })));
afterAll(() => server?.stop());

const ME = "{ me { id role } }";
const REFRESH = `mutation ($t: String!) { refresh(refreshToken: $t) { accessToken refreshToken accessTokenExpiresAt user { id email } } }`;
const LOGOUT = "mutation ($t: String!) { logout(refreshToken: $t) }";

const me = (token: string) => server.gql(ME, {}, { token });
let lastIp = 0;
const refresh = (token: string) => server.gql(REFRESH, { t: token }, { headers: { "x-forwarded-for": `192.0.2.${++lastIp}` } });
const codeOf = (result: { errors?: { extensions: Record<string, any> }[] }) => result.errors?.[0]?.extensions.code;

/** Sign in once more through the service: one more session for the same user. */
const newSession = (user: TestUser) => server.app.services.auth.login({ email: user.email, password: user.password });

describe("access tokens", () => {
  let user: TestUser;
  beforeAll(async () => {
    user = await createUser(server);
  });

  it("a token re-signed by the test with the server's key is accepted (the forgeries below differ in one thing)", async () => {
    const result = await me(await mintToken(user.accessToken));
    expect(result.errors).toBeUndefined();
    expect(result.data.me.id).toBe(user.id);
  });

  it.each<[string, () => Promise<string>]>([
    ["alg none", async () => unsignedToken(user.accessToken)],
    ["a wrong secret", () => mintToken(user.accessToken, { secret: "another secret of at least thirty-two bytes!!" })],
    ["one flipped signature byte", async () => flipSignatureByte(user.accessToken)],
    ["a wrong issuer", () => mintToken(user.accessToken, { claims: { iss: "someone-else" } })],
    ["a wrong audience", () => mintToken(user.accessToken, { claims: { aud: "other-clients" } })],
    ["typ JWT instead of at+jwt", () => mintToken(user.accessToken, { header: { typ: "JWT" } })],
    ["no typ header", () => mintToken(user.accessToken, { header: { typ: undefined } })],
    ["HS512 with the right key (algorithm pinned)", () => mintToken(user.accessToken, { header: { alg: "HS512" } })],
    ["no sid claim", () => mintToken(user.accessToken, { claims: { sid: undefined } })],
    [
      "a sid of another user's session",
      async () => mintToken(user.accessToken, { claims: { sid: (await newSession(admin)).sessionId } }),
    ],
    ["garbage", async () => "not.a.token"],
  ])("refuses a token with %s: INVALID_TOKEN, HTTP 401", async (_name, forge) => {
    const response = await server.post({ query: ME }, { authorization: `Bearer ${await forge()}` });
    expect(response.status).toBe(401);
    expect(response.headers.get("www-authenticate")).toBe('Bearer error="invalid_token"');
    const body = await response.json();
    expect(body.errors[0].extensions).toMatchObject({ code: "INVALID_TOKEN", statusCode: 401 });
    expect(body.data).toBeUndefined();
  });

  it("refuses an expired token with TOKEN_EXPIRED", async () => {
    const now = Math.floor(Date.now() / 1000);
    const expired = await mintToken(user.accessToken, { claims: { iat: now - 1000, exp: now - 60 } });
    const result = await me(expired);
    expect(result.errors?.[0]).toMatchObject({
      message: "Access token expired",
      extensions: { code: "TOKEN_EXPIRED", statusCode: 401 },
    });
  });

  it("refuses an Authorization header that is not a Bearer token", async () => {
    const result = await server.gql(ME, {}, { headers: { authorization: `Basic ${user.accessToken}` } });
    expect(codeOf(result)).toBe("INVALID_TOKEN");
  });

  it("a refresh token is not an access token, and an access token is not a refresh token", async () => {
    expect(codeOf(await me(user.refreshToken))).toBe("INVALID_TOKEN");
    const asRefresh = await refresh(user.accessToken);
    expect(asRefresh.errors?.[0]).toMatchObject({ message: "Invalid refresh token", extensions: { code: "INVALID_TOKEN" } });
    // Neither attempt harmed the real pair.
    expect((await me(user.accessToken)).data.me.id).toBe(user.id);
    expect((await refresh(user.refreshToken)).errors).toBeUndefined();
  });

  it("carries sub, role, sid, jti, iat, exp, iss, aud and the at+jwt type", async () => {
    const [header, payload] = user.accessToken
      .split(".")
      .slice(0, 2)
      .map((part) => JSON.parse(Buffer.from(part, "base64url").toString()));
    expect(header).toEqual({ alg: "HS256", typ: "at+jwt" });
    expect(payload).toMatchObject({ sub: user.rawId, role: "USER", iss: "mundo-tango-api", aud: "mundo-tango-clients" });
    for (const claim of ["sid", "jti", "iat", "exp"]) expect(payload[claim]).toBeDefined();
    expect(payload.exp - payload.iat).toBe(15 * 60);
  });
});

describe("refresh tokens", () => {
  it("rotates: a new pair in the same session, the old refresh token spent", async () => {
    const user = await createUser(server);
    const result = await refresh(user.refreshToken);
    expect(result.errors).toBeUndefined();
    const next = result.data.refresh;
    expect(next.refreshToken).not.toBe(user.refreshToken);
    expect(next.user).toEqual({ id: user.id, email: user.email });
    expect((await me(next.accessToken)).data.me.id).toBe(user.id);
    const claims = (token: string) => JSON.parse(Buffer.from(token.split(".")[1]!, "base64url").toString());
    expect(claims(next.accessToken).sid).toBe(claims(user.accessToken).sid);
    expect((await refresh(next.refreshToken)).errors).toBeUndefined();
  });

  it("is stored only as an HMAC, never in clear", async () => {
    const user = await createUser(server);
    const rows = await server.app.services.prisma.refreshToken.findMany({ where: { session: { userId: user.rawId } } });
    expect(rows).toHaveLength(1);
    expect(JSON.stringify(rows)).not.toContain(user.refreshToken);
    const expected = createHmac("sha256", server.app.services.config.auth.refreshSecret).update(user.refreshToken).digest("hex");
    expect(rows[0]!.tokenHash).toBe(expected);
  });

  it("reuse of a spent token revokes the whole family: the newest refresh and access tokens stop working", async () => {
    const user = await createUser(server);
    const rotated = (await refresh(user.refreshToken)).data.refresh;
    const other = await newSession(user); // a second login of the same user is another family

    const reuse = await refresh(user.refreshToken);
    expect(reuse.errors?.[0]).toMatchObject({ message: "Invalid refresh token", extensions: { code: "INVALID_TOKEN" } });
    expect(codeOf(await refresh(rotated.refreshToken))).toBe("INVALID_TOKEN");
    expect(codeOf(await me(rotated.accessToken))).toBe("INVALID_TOKEN");
    expect(codeOf(await me(user.accessToken))).toBe("INVALID_TOKEN");

    expect((await me(other.accessToken)).data.me.id).toBe(user.id);
    expect((await refresh(other.refreshToken)).errors).toBeUndefined();
  });

  it("two concurrent refreshes with one token: exactly one succeeds", async () => {
    const user = await createUser(server);
    const results = await Promise.all([refresh(user.refreshToken), refresh(user.refreshToken)]);
    const succeeded = results.filter((r) => !r.errors);
    expect(succeeded).toHaveLength(1);
    expect(results.filter((r) => codeOf(r) === "INVALID_TOKEN")).toHaveLength(1);
    const rows = await server.app.services.prisma.refreshToken.findMany({ where: { session: { userId: user.rawId } } });
    expect(rows).toHaveLength(2); // the spent one and the single one issued
    // The winner's new pair works: losing a race is not a theft.
    const winner = succeeded[0]!.data.refresh;
    expect((await me(winner.accessToken)).data.me.id).toBe(user.id);
    expect((await refresh(winner.refreshToken)).errors).toBeUndefined();
  });

  it("ten concurrent refreshes with one token: exactly one succeeds", async () => {
    const user = await createUser(server);
    const results = await Promise.all(Array.from({ length: 10 }, () => refresh(user.refreshToken)));
    const succeeded = results.filter((r) => !r.errors);
    expect(succeeded).toHaveLength(1);
    // Any later presentation of the spent token is reuse: the family, the winner's pair included, is revoked.
    expect(codeOf(await refresh(user.refreshToken))).toBe("INVALID_TOKEN");
    expect(codeOf(await refresh(succeeded[0]!.data.refresh.refreshToken))).toBe("INVALID_TOKEN");
  });

  it("an expired refresh token is INVALID_TOKEN", async () => {
    const user = await createUser(server);
    await server.app.services.prisma.refreshToken.updateMany({
      where: { session: { userId: user.rawId } },
      data: { expiresAt: new Date(Date.now() - 1000) },
    });
    expect(codeOf(await refresh(user.refreshToken))).toBe("INVALID_TOKEN");
  });

  it("an unknown refresh token is INVALID_TOKEN", async () => {
    expect(codeOf(await refresh("x".repeat(43)))).toBe("INVALID_TOKEN");
  });
});

describe("refresh rate limit (30 per 15 minutes)", () => {
  const LIMIT = 30;
  let address = 0;
  /** A client address of this describe's own, for refreshes that must share one. */
  const sharedAddress = () => ({ "x-forwarded-for": `203.0.113.${++address}` });
  const refreshFrom = (headers: Record<string, string>, token: string) => server.gql(REFRESH, { t: token }, { headers });
  /** Refreshes `times` times in a row, each with the token the last one returned; returns the last token. */
  async function refreshRepeatedly(token: string, times: number, from?: Record<string, string>): Promise<string> {
    for (let i = 0; i < times; i++) {
      const result = await (from ? refreshFrom(from, token) : refresh(token));
      expect(result.errors).toBeUndefined();
      token = result.data.refresh.refreshToken;
    }
    return token;
  }

  it("gives each session its own budget: two sessions behind one address do not share it", async () => {
    const user = await createUser(server);
    const [ana, ben] = [await newSession(user), await newSession(await createUser(server))];
    const office = sharedAddress();
    const anasLast = await refreshRepeatedly(ana.refreshToken, LIMIT, office);
    // Ana's session is spent; Ben's, from the same address, is not.
    expect(codeOf(await refreshFrom(office, anasLast))).toBe("RATE_LIMITED");
    await refreshRepeatedly(ben.refreshToken, 1, office);
  });

  it("limits one session wherever it refreshes from: the 31st is RATE_LIMITED with retryAfter", async () => {
    const session = await newSession(await createUser(server));
    const last = await refreshRepeatedly(session.refreshToken, LIMIT);
    const refused = await refresh(last);
    expect(refused.errors![0]).toMatchObject({
      path: ["refresh"],
      message: "Too many calls to refresh: at most 30 per 15m",
      extensions: { code: "RATE_LIMITED" },
    });
    expect(refused.errors![0]!.extensions.retryAfter).toBeGreaterThan(0);
    // The refused call spent nothing: the token still works once the window lets it.
    const tokenHash = createHmac("sha256", server.app.services.config.auth.refreshSecret).update(last).digest("hex");
    const row = await server.app.services.prisma.refreshToken.findUnique({ where: { tokenHash } });
    expect(row).not.toBeNull();
    expect(row!.usedAt).toBeNull();
  });

  it("limits unknown tokens per address, before looking them up: then that address gets no more lookups", async () => {
    const guesser = sharedAddress();
    for (let i = 0; i < LIMIT; i++) expect(codeOf(await refreshFrom(guesser, `garbage-${i}`))).toBe("INVALID_TOKEN");
    expect(codeOf(await refreshFrom(guesser, "garbage-more"))).toBe("RATE_LIMITED");
    // No lookup for that address any more, so a guess that hit would not be told apart either…
    const session = await newSession(await createUser(server));
    expect(codeOf(await refreshFrom(guesser, session.refreshToken))).toBe("RATE_LIMITED");
    // …while the session refreshes from anywhere else.
    await refreshRepeatedly(session.refreshToken, 1);
  });
});

describe("logout", () => {
  it("revokes that session: its refresh and access tokens stop working, others stay", async () => {
    const user = await createUser(server);
    const other = await newSession(user);
    const result = await server.gql(LOGOUT, { t: user.refreshToken });
    expect(result).toEqual({ data: { logout: true } });
    expect(codeOf(await refresh(user.refreshToken))).toBe("INVALID_TOKEN");
    expect(codeOf(await me(user.accessToken))).toBe("INVALID_TOKEN");
    expect((await me(other.accessToken)).data.me.id).toBe(user.id);
  });

  it("is idempotent and says nothing about unknown tokens: always true", async () => {
    const user = await createUser(server);
    expect((await server.gql(LOGOUT, { t: user.refreshToken })).data.logout).toBe(true);
    expect((await server.gql(LOGOUT, { t: user.refreshToken })).data.logout).toBe(true);
    expect((await server.gql(LOGOUT, { t: "no-such-token" })).data.logout).toBe(true);
  });

  it("logoutAll revokes every open session of the viewer and returns how many", async () => {
    const user = await createUser(server);
    const second = await newSession(user);
    const third = await newSession(user);
    await server.gql(LOGOUT, { t: third.refreshToken }); // already closed: not counted
    const bystander = await createUser(server);

    const result = await server.gql("mutation { logoutAll }", {}, { token: user.accessToken });
    expect(result).toEqual({ data: { logoutAll: 2 } });
    for (const token of [user.refreshToken, second.refreshToken]) expect(codeOf(await refresh(token))).toBe("INVALID_TOKEN");
    for (const token of [user.accessToken, second.accessToken]) expect(codeOf(await me(token))).toBe("INVALID_TOKEN");
    expect((await me(bystander.accessToken)).data.me.id).toBe(bystander.id);
  });
});

describe("inactive users", () => {
  const SET_ACTIVE = "mutation ($id: ID!, $on: Boolean!) { setUserActive(id: $id, isActive: $on) { id isActive } }";

  it("after deactivation: access tokens refused, refresh fails, login FORBIDDEN; reactivation needs a new login", async () => {
    const user = await createUser(server);
    const deactivated = await server.gql(SET_ACTIVE, { id: user.id, on: false }, { token: admin.accessToken });
    expect(deactivated.data.setUserActive).toEqual({ id: user.id, isActive: false });

    expect((await me(user.accessToken)).errors?.[0]).toMatchObject({
      message: "account disabled",
      extensions: { code: "FORBIDDEN" },
    });
    expect((await refresh(user.refreshToken)).errors?.[0]).toMatchObject({
      message: "account disabled",
      extensions: { code: "FORBIDDEN" },
    });
    await expect(server.app.services.auth.login({ email: user.email, password: user.password })).rejects.toMatchObject({
      code: "FORBIDDEN",
      message: "account disabled",
    });

    await server.gql(SET_ACTIVE, { id: user.id, on: true }, { token: admin.accessToken });
    expect(codeOf(await refresh(user.refreshToken))).toBe("INVALID_TOKEN");
    expect(codeOf(await me(user.accessToken))).toBe("INVALID_TOKEN");
    const again = await server.app.services.auth.login({ email: user.email, password: user.password });
    expect((await me(again.accessToken)).data.me.id).toBe(user.id);
  });

  it("announces revocations through onAccessRevoked: deactivation, logoutAll, logout, reuse", async () => {
    const events: { userId: string; sessionId?: string }[] = [];
    const stop = server.app.services.auth.onAccessRevoked((event) => events.push(event));
    try {
      const a = await createUser(server);
      await server.gql(SET_ACTIVE, { id: a.id, on: false }, { token: admin.accessToken });
      const b = await createUser(server);
      await server.gql("mutation { logoutAll }", {}, { token: b.accessToken });
      const c = await createUser(server);
      await server.gql(LOGOUT, { t: c.refreshToken });
      const d = await createUser(server);
      await refresh(d.refreshToken);
      await refresh(d.refreshToken);
      const sid = (token: string) => JSON.parse(Buffer.from(token.split(".")[1]!, "base64url").toString()).sid;
      expect(events).toEqual([
        { userId: a.rawId },
        { userId: b.rawId },
        { userId: c.rawId, sessionId: sid(c.accessToken) },
        { userId: d.rawId, sessionId: sid(d.accessToken) },
      ]);
    } finally {
      stop();
    }
  });

  it.skipIf(!hasPostgres)("a second instance without Redis refuses a revoked session's access token within seconds", async () => {
    const second = await startTestServer({ db: server.db });
    try {
      const user = await createUser(server);
      expect((await second.gql(ME, {}, { token: user.accessToken })).data.me.id).toBe(user.id);
      await server.gql(LOGOUT, { t: user.refreshToken });
      await vi.waitFor(async () => expect(codeOf(await second.gql(ME, {}, { token: user.accessToken }))).toBe("INVALID_TOKEN"), {
        timeout: 5000,
        interval: 200,
      });
    } finally {
      await second.stop();
    }
  });
});
