// API server processes for the kit's tests (`node dist/main.js`, as deployed), on one test
// database, and plain GraphQL calls to them from "somewhere else" (an address of their own, for
// the per-IP limits; the instances trust X-Forwarded-For).
import { randomUUID } from "node:crypto";
import type { TestDatabase } from "../../../test/helpers/database.js";
import { spawnServer, type ServerProcess } from "../../../test/helpers/process.js";
import { TEST_JWT_SECRET } from "../../../test/helpers/server.js";
import { randomIp } from "./kit.js";

export interface Instance {
  process: ServerProcess;
  url: string;
  wsUrl: string;
}

/** An ADMIN account every instance creates at boot (it may create rooms). */
export const ADMIN = { email: `admin-${randomUUID()}@example.test`, password: `pw-${randomUUID()}` };

export function instanceEnv(db: TestDatabase, extra: Record<string, string> = {}): Record<string, string> {
  return {
    NODE_ENV: "test",
    HOST: "127.0.0.1",
    PORT: "0",
    DATA_DIR: db.dataDir,
    JWT_SECRET: TEST_JWT_SECRET,
    ...(db.url ? { DATABASE_URL: db.url } : {}),
    TRUST_PROXY: "true",
    ADMIN_EMAIL: ADMIN.email,
    ADMIN_PASSWORD: ADMIN.password,
    ...extra,
  };
}

export async function startInstance(env: Record<string, string>): Promise<Instance> {
  const process = spawnServer(env);
  const ready = await process.waitFor(/ready at (http:\/\/\S+\/graphql)/, 110_000);
  const url = /ready at (http:\/\/\S+\/graphql)/.exec(ready)![1]!;
  return { process, url, wsUrl: url.replace(/^http/, "ws") };
}

export async function stopInstance({ process }: Instance): Promise<void> {
  if (process.child.exitCode !== null || process.child.signalCode !== null) return;
  process.child.kill("SIGTERM");
  await process.exited;
}

/** One GraphQL call over HTTP; throws on any error. */
export async function call(url: string, query: string, variables: Record<string, unknown>, token?: string): Promise<any> {
  const response = await fetch(url, {
    method: "POST",
    headers: {
      "content-type": "application/json",
      "x-forwarded-for": randomIp(),
      ...(token ? { authorization: `Bearer ${token}` } : {}),
    },
    body: JSON.stringify({ query, variables }),
  });
  const body = (await response.json()) as { data?: any; errors?: unknown[] };
  if (body.errors) throw new Error(JSON.stringify(body.errors));
  return body.data;
}

export const LOGIN = "mutation ($input: LoginInput!) { login(input: $input) { accessToken } }";
export const REGISTER = "mutation ($input: RegisterInput!) { register(input: $input) { accessToken } }";
export const CREATE_ROOM = "mutation ($input: CreateRoomInput!) { createRoom(input: $input) { slug } }";
export const SEND = "mutation ($input: SendMessageInput!) { sendMessage(input: $input) { messageId } }";

/** A new user's access token, registered through `url`. */
export async function registeredUser(url: string, name = "User"): Promise<{ token: string; email: string; password: string }> {
  const input = {
    email: `${name.toLowerCase()}-${randomUUID()}@example.test`,
    password: `pw-${randomUUID()}`,
    displayName: name,
  };
  return { token: (await call(url, REGISTER, { input })).register.accessToken, email: input.email, password: input.password };
}

/** A new room, created by the ADMIN through `url`. */
export async function newRoom(url: string, prefix: string): Promise<string> {
  const admin = (await call(url, LOGIN, { input: ADMIN })).login.accessToken as string;
  const slug = `${prefix}-${randomUUID().slice(0, 8)}`;
  await call(url, CREATE_ROOM, { input: { slug, name: prefix } }, admin);
  return slug;
}
