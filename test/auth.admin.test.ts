// Admin operations and the ADMIN_EMAIL / ADMIN_PASSWORD bootstrap, through real servers.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ConfigError, loadConfig } from "../src/config/index.js";
import { createTestDatabase, type TestDatabase } from "./helpers/database.js";
import { startTestServer, type TestServer } from "./helpers/server.js";
import { createUser, uniqueEmail, type TestUser } from "./helpers/users.js";

const SET_ROLE = "mutation ($id: ID!, $role: Role!) { setUserRole(id: $id, role: $role) { id role } }";
const SET_ACTIVE = "mutation ($id: ID!, $on: Boolean!) { setUserActive(id: $id, isActive: $on) { id isActive } }";
const ME = "{ me { id role } }";
const codeOf = (result: { errors?: { extensions: Record<string, any> }[] }) => result.errors?.[0]?.extensions.code;

describe("setUserRole and setUserActive", () => {
  let server: TestServer;
  let admin: TestUser;
  beforeAll(async () => {
    server = await startTestServer();
    admin = await createUser(server, { role: "ADMIN" });
  });
  afterAll(() => server?.stop());

  it("a role change applies to the user's existing access token within seconds", async () => {
    const user = await createUser(server);
    const changed = await server.gql(SET_ROLE, { id: user.id, role: "ORGANIZER" }, { token: admin.accessToken });
    expect(changed.data.setUserRole).toEqual({ id: user.id, role: "ORGANIZER" });
    expect((await server.gql(ME, {}, { token: user.accessToken })).data.me.role).toBe("ORGANIZER");

    await server.gql(SET_ROLE, { id: user.id, role: "ADMIN" }, { token: admin.accessToken });
    const nowAdmin = await server.gql(SET_ACTIVE, { id: admin.id, on: true }, { token: user.accessToken });
    expect(nowAdmin.errors).toBeUndefined();
    await server.gql(SET_ROLE, { id: user.id, role: "USER" }, { token: admin.accessToken });
    expect(codeOf(await server.gql(SET_ACTIVE, { id: admin.id, on: true }, { token: user.accessToken }))).toBe("FORBIDDEN");
  });

  it("an admin cannot demote or deactivate themselves: FORBIDDEN, nothing changes", async () => {
    const demote = await server.gql(SET_ROLE, { id: admin.id, role: "USER" }, { token: admin.accessToken });
    expect(demote.errors?.[0]).toMatchObject({ message: "Admins cannot demote themselves", extensions: { code: "FORBIDDEN" } });
    const deactivate = await server.gql(SET_ACTIVE, { id: admin.id, on: false }, { token: admin.accessToken });
    expect(codeOf(deactivate)).toBe("FORBIDDEN");
    expect((await server.gql(ME, {}, { token: admin.accessToken })).data.me.role).toBe("ADMIN");
  });

  it("an unknown user is NOT_FOUND and a malformed id BAD_USER_INPUT", async () => {
    const missing = Buffer.from("User:01900000-0000-7000-8000-000000000000").toString("base64");
    expect(codeOf(await server.gql(SET_ROLE, { id: missing, role: "USER" }, { token: admin.accessToken }))).toBe("NOT_FOUND");
    expect(codeOf(await server.gql(SET_ACTIVE, { id: "nope", on: false }, { token: admin.accessToken }))).toBe("BAD_USER_INPUT");
  });

  it("an unknown role value is refused by GraphQL validation", async () => {
    const user = await createUser(server);
    const result = await server.gql(SET_ROLE, { id: user.id, role: "SUPERUSER" }, { token: admin.accessToken });
    expect(result.errors).toBeDefined();
    expect(result.data).toBeUndefined();
  });
});

describe("ADMIN_EMAIL / ADMIN_PASSWORD at boot", () => {
  let db: TestDatabase;
  beforeAll(async () => {
    db = await createTestDatabase();
  });
  afterAll(() => db?.drop());

  it("creates that admin on a fresh database; it can sign in with ADMIN_PASSWORD", async () => {
    const email = uniqueEmail("boot-admin");
    const server = await startTestServer({ db, env: { ADMIN_EMAIL: email, ADMIN_PASSWORD: "boot admin password" } });
    try {
      const session = await server.app.services.auth.login({ email, password: "boot admin password" });
      expect(session.user.role).toBe("ADMIN");
      const target = await createUser(server);
      const result = await server.gql(SET_ROLE, { id: target.id, role: "ORGANIZER" }, { token: session.accessToken });
      expect(result.data.setUserRole.role).toBe("ORGANIZER");
    } finally {
      await server.stop();
    }
  });

  it("promotes and reactivates an existing account at the next boot; it keeps its own password", async () => {
    const first = await startTestServer({ db });
    const existing = await createUser(first);
    await first.app.services.prisma.user.update({ where: { id: existing.rawId }, data: { isActive: false } });
    await first.stop();

    const second = await startTestServer({
      db,
      env: { ADMIN_EMAIL: ` ${existing.email.toUpperCase()}`, ADMIN_PASSWORD: "not their password" },
    });
    try {
      const row = await second.app.services.prisma.user.findUniqueOrThrow({ where: { id: existing.rawId } });
      expect(row).toMatchObject({ role: "ADMIN", isActive: true });
      expect(await second.app.services.prisma.user.count({ where: { email: existing.email } })).toBe(1);
      const session = await second.app.services.auth.login({ email: existing.email, password: existing.password });
      expect((await second.gql(ME, {}, { token: session.accessToken })).data.me.role).toBe("ADMIN");
      await expect(
        second.app.services.auth.login({ email: existing.email, password: "not their password" }),
      ).rejects.toMatchObject({
        code: "UNAUTHENTICATED",
      });
    } finally {
      await second.stop();
    }
  });

  it("refuses to start with an ADMIN_PASSWORD outside the password rules", () => {
    expect(() =>
      loadConfig({ NODE_ENV: "test", JWT_SECRET: "x".repeat(32), ADMIN_EMAIL: "a@example.test", ADMIN_PASSWORD: "short" }),
    ).toThrow(ConfigError);
    expect(() => loadConfig({ NODE_ENV: "test", JWT_SECRET: "x".repeat(32), ADMIN_EMAIL: "a@example.test" })).toThrow(
      ConfigError,
    );
  });
});
