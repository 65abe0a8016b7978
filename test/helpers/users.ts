// Test users with tokens, made through the auth service of the running test server rather than
// over HTTP: `register` and `login` carry @rateLimit(max: 5, window: "15m") keyed by client IP,
// and every test request comes from 127.0.0.1, so creating users over HTTP would trip the limit
// after five. Only the tests of register/login themselves go through HTTP.
import { randomUUID } from "node:crypto";
import type { Role } from "../../src/generated/prisma/enums.js";
import { encodeGlobalId } from "../../src/schema/globalId.js";
import { startTestServer, type StartOptions, type TestServer } from "./server.js";

export interface CreateUserOptions {
  role?: Role;
  email?: string;
  password?: string;
  displayName?: string;
}

export interface TestUser {
  /** Relay global id, as the API shows it. */
  id: string;
  /** Database id (uuid). */
  rawId: string;
  email: string;
  password: string;
  accessToken: string;
  refreshToken: string;
}

/** A unique email per call, so test files and tests never collide. */
export const uniqueEmail = (prefix = "user") => `${prefix}-${randomUUID()}@example.test`;

export async function createUser(server: TestServer, opts: CreateUserOptions = {}): Promise<TestUser> {
  const auth = server.app.services.auth;
  const email = opts.email ?? uniqueEmail();
  const password = opts.password ?? `pw-${randomUUID()}`;
  const displayName = opts.displayName ?? `Tester ${email.slice(0, 8)}`;
  let session = await auth.register({ email, password, displayName });
  if (opts.role && opts.role !== "USER") {
    await server.app.services.prisma.user.update({ where: { id: session.user.id }, data: { role: opts.role } });
    // The access token carries the role claim: sign in again so it matches.
    await auth.logout(session.refreshToken);
    session = await auth.login({ email, password });
  }
  return {
    id: encodeGlobalId("User", session.user.id),
    rawId: session.user.id,
    email: session.user.email,
    password,
    accessToken: session.accessToken,
    refreshToken: session.refreshToken,
  };
}

/** A test server with an ORGANIZER and an ADMIN on it: the start of many test files. */
export async function startServerWithStaff(
  options?: StartOptions,
): Promise<{ server: TestServer; organizer: TestUser; admin: TestUser }> {
  const server = await startTestServer(options);
  const [organizer, admin] = await Promise.all([
    createUser(server, { role: "ORGANIZER" }),
    createUser(server, { role: "ADMIN" }),
  ]);
  return { server, organizer, admin };
}
