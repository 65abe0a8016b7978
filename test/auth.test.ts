// Accounts over real HTTP: register, login, me, email visibility and the @auth roles.
// register/login are rate limited per client IP, so this server trusts X-Forwarded-For and every
// register/login call comes from an address of its own.
import { hash, parseOptions, type Algorithm } from "@node-rs/argon2";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { TestServer } from "./helpers/server.js";
import { createUser, startServerWithStaff, uniqueEmail, type TestUser } from "./helpers/users.js";

let server: TestServer;
let admin: TestUser;
beforeAll(async () => void ({ server, admin } = await startServerWithStaff({ env: { TRUST_PROXY: "true" } })));
afterAll(() => server?.stop());

let lastIp = 0;
const freshIp = () => ({ "x-forwarded-for": `198.51.100.${++lastIp}` });

const PAYLOAD = `accessToken refreshToken accessTokenExpiresAt refreshTokenExpiresAt
  user { id email displayName role isActive createdAt }`;
const REGISTER = `mutation ($input: RegisterInput!) { register(input: $input) { ${PAYLOAD} } }`;
const LOGIN = `mutation ($input: LoginInput!) { login(input: $input) { ${PAYLOAD} } }`;
const ME = "{ me { id email displayName role } }";

const register = (input: Record<string, unknown>) => server.gql(REGISTER, { input }, { headers: freshIp() });
const login = (email: string, password: string) => server.gql(LOGIN, { input: { email, password } }, { headers: freshIp() });

/** The error without the per-request fields, to compare two failures. */
const stable = (error: any) => {
  const { timestamp: _t, requestId: _r, ...extensions } = error.extensions;
  return { message: error.message, extensions };
};

describe("register", () => {
  it("creates a USER with a normalised email and returns a working token pair", async () => {
    const local = `Ana.${Date.now()}`;
    const result = await register({ email: `  ${local}@Example.TEST `, password: "correct horse", displayName: "  Ana  " });
    expect(result.errors).toBeUndefined();
    const payload = result.data.register;
    expect(payload.user).toMatchObject({
      email: `${local.toLowerCase()}@example.test`,
      displayName: "Ana",
      role: "USER",
      isActive: true,
    });
    const claims = JSON.parse(Buffer.from(payload.accessToken.split(".")[1], "base64url").toString());
    expect(Date.parse(payload.accessTokenExpiresAt)).toBe(claims.exp * 1000);
    expect(claims.exp - claims.iat).toBe(15 * 60);
    // Both expiries are computed in the same request: 7 days apart, less the 15 minutes.
    const between = Date.parse(payload.refreshTokenExpiresAt) - Date.parse(payload.accessTokenExpiresAt);
    expect(Math.abs(between - (7 * 86_400 - 15 * 60) * 1000)).toBeLessThan(60_000);

    const me = await server.gql(ME, {}, { token: payload.accessToken });
    expect(me.data.me).toEqual({ id: payload.user.id, email: payload.user.email, displayName: "Ana", role: "USER" });
  });

  it("stores the password as argon2id at OWASP's minimum cost, never in clear", async () => {
    const email = uniqueEmail("hash");
    const result = await register({ email, password: "a password to hash", displayName: "Hash" });
    expect(result.errors).toBeUndefined();
    const row = await server.app.services.prisma.user.findUniqueOrThrow({ where: { email } });
    expect(row.passwordHash).not.toContain("a password to hash");
    expect(row.passwordHash.startsWith("$argon2id$")).toBe(true);
    expect(parseOptions(row.passwordHash)).toMatchObject({ memoryCost: 19456, timeCost: 2, parallelism: 1 });
  });

  it("refuses a second account for the same email, whatever its case: CONFLICT", async () => {
    const email = uniqueEmail("dup");
    expect((await register({ email, password: "first password", displayName: "One" })).errors).toBeUndefined();
    const again = await register({ email: ` ${email.toUpperCase()}`, password: "second password", displayName: "Two" });
    expect(again.errors?.[0]).toMatchObject({ extensions: { code: "CONFLICT", statusCode: 409 } });
    expect(again.data).toBeNull();
  });

  it.each([
    ["email", { email: "not-an-email" }],
    ["password", { password: "nine char" }],
    ["password", { password: "x".repeat(129) }],
    ["displayName", { displayName: "   " }],
    ["displayName", { displayName: "n".repeat(61) }],
  ])("rejects a bad %s with BAD_USER_INPUT naming it (%j)", async (field, override) => {
    const result = await register({ email: uniqueEmail("bad"), password: "a fine password", displayName: "Fine", ...override });
    const error = result.errors?.[0];
    expect(error?.extensions.code).toBe("BAD_USER_INPUT");
    expect(error?.extensions.issues.map((i: { path: string }) => i.path)).toEqual([`input.${field}`]);
    expect(error?.message).toContain(field);
  });

  it("accepts the boundaries: a 10 and a 128 character password, a 60 character name", async () => {
    for (const [password, displayName] of [
      ["p".repeat(10), "n".repeat(60)],
      ["p".repeat(128), "N"],
    ] as const) {
      const result = await register({ email: uniqueEmail("edge"), password, displayName });
      expect(result.errors).toBeUndefined();
      expect(result.data.register.user.displayName).toBe(displayName);
    }
  });
});

describe("login", () => {
  it("signs in with the email in any case and surrounding spaces", async () => {
    const user = await createUser(server);
    const result = await login(`  ${user.email.toUpperCase()} `, user.password);
    expect(result.errors).toBeUndefined();
    expect(result.data.login.user.id).toBe(user.id);
    const me = await server.gql(ME, {}, { token: result.data.login.accessToken });
    expect(me.data.me.id).toBe(user.id);
  });

  it("answers an unknown email and a wrong password with the same UNAUTHENTICATED error", async () => {
    const user = await createUser(server);
    const wrongPassword = await login(user.email, "not the password");
    const unknownEmail = await login(uniqueEmail("nobody"), user.password);
    expect(wrongPassword.data).toBeNull();
    expect(stable(wrongPassword.errors![0])).toEqual({
      message: "Invalid email or password",
      extensions: { code: "UNAUTHENTICATED", statusCode: 401 },
    });
    expect(stable(unknownEmail.errors![0])).toEqual(stable(wrongPassword.errors![0]));
  });

  it("re-hashes a password stored with weaker settings at the next successful login", async () => {
    const user = await createUser(server);
    const weak = await hash(user.password, { algorithm: 2 as Algorithm, memoryCost: 8192, timeCost: 1, parallelism: 1 });
    await server.app.services.prisma.user.update({ where: { id: user.rawId }, data: { passwordHash: weak } });
    expect((await login(user.email, user.password)).errors).toBeUndefined();
    const row = await server.app.services.prisma.user.findUniqueOrThrow({ where: { id: user.rawId } });
    expect(parseOptions(row.passwordHash)).toMatchObject({ memoryCost: 19456, timeCost: 2 });
    expect((await login(user.email, user.password)).errors).toBeUndefined();
  });

  it("tells a disabled account only to someone who knows its password: FORBIDDEN", async () => {
    const user = await createUser(server);
    await server.gql(
      "mutation ($id: ID!) { setUserActive(id: $id, isActive: false) { id } }",
      { id: user.id },
      { token: admin.accessToken },
    );

    const right = await login(user.email, user.password);
    expect(right.errors?.[0]).toMatchObject({ message: "account disabled", extensions: { code: "FORBIDDEN", statusCode: 403 } });
    const wrong = await login(user.email, "not the password");
    expect(wrong.errors?.[0]).toMatchObject({ message: "Invalid email or password", extensions: { code: "UNAUTHENTICATED" } });
  });
});

describe("me and email visibility", () => {
  const USER = "query ($id: ID!) { user(id: $id) { id email displayName } }";

  it("me needs a token: UNAUTHENTICATED without one", async () => {
    const result = await server.gql(ME);
    expect(result.errors?.[0]).toMatchObject({ path: ["me"], extensions: { code: "UNAUTHENTICATED", statusCode: 401 } });
    expect(result.data).toEqual({ me: null });
  });

  it("shows an email to its owner and to ADMIN, null to other users and anonymous callers", async () => {
    const owner = await createUser(server);
    const other = await createUser(server, { role: "ORGANIZER" });
    const emailAs = async (token?: string) => (await server.gql(USER, { id: owner.id }, { token })).data.user.email;
    expect(await emailAs(owner.accessToken)).toBe(owner.email);
    expect(await emailAs(admin.accessToken)).toBe(owner.email);
    expect(await emailAs(other.accessToken)).toBeNull();
    expect(await emailAs()).toBeNull();
  });
});

describe("@auth roles", () => {
  const SET_ROLE = "mutation ($id: ID!, $role: Role!) { setUserRole(id: $id, role: $role) { id role } }";

  it("admin mutations: anonymous UNAUTHENTICATED, USER and ORGANIZER FORBIDDEN, ADMIN allowed", async () => {
    const target = await createUser(server);
    const user = await createUser(server);
    const organizer = await createUser(server, { role: "ORGANIZER" });
    const vars = { id: target.id, role: "ORGANIZER" };

    const anonymous = await server.gql(SET_ROLE, vars);
    expect(anonymous.errors?.[0].extensions).toMatchObject({ code: "UNAUTHENTICATED", statusCode: 401 });
    for (const caller of [user, organizer]) {
      const result = await server.gql(SET_ROLE, vars, { token: caller.accessToken });
      expect(result.errors?.[0].extensions).toMatchObject({ code: "FORBIDDEN", statusCode: 403 });
    }
    const row = await server.app.services.prisma.user.findUniqueOrThrow({ where: { id: target.rawId } });
    expect(row.role).toBe("USER");

    const allowed = await server.gql(SET_ROLE, vars, { token: admin.accessToken });
    expect(allowed.errors).toBeUndefined();
    expect(allowed.data.setUserRole).toEqual({ id: target.id, role: "ORGANIZER" });
  });

  it("logoutAll needs a signed-in caller", async () => {
    const result = await server.gql("mutation { logoutAll }");
    expect(result.errors?.[0].extensions.code).toBe("UNAUTHENTICATED");
  });
});
