// The kit across instances: API processes on one PostgreSQL and one Redis. A client reads a room
// through one instance (its URL list: that one, then another) while messages flow through the
// other; its instance is killed with SIGKILL (no close frame) or redeployed with SIGTERM (close
// 1001). The kit reconnects to the other and resumes with `since`: every message once, in order.
import { randomUUID } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { createTestDatabase, type TestDatabase } from "../../test/helpers/database.js";
import { spawnServer, type ServerProcess } from "../../test/helpers/process.js";
import { TEST_JWT_SECRET } from "../../test/helpers/server.js";
import { hasPostgres, hasRedis, REDIS_URL } from "../../test/helpers/services.js";
import { collect, device, randomIp, type Device } from "./helpers/kit.js";

const EVENTUALLY = { timeout: 30_000, interval: 50 };
const ADMIN = { email: `admin-${randomUUID()}@example.test`, password: `pw-${randomUUID()}` };

interface Instance {
  process: ServerProcess;
  url: string;
  wsUrl: string;
}

async function gql(url: string, query: string, variables: Record<string, unknown>, token?: string) {
  const response = await fetch(url, {
    method: "POST",
    headers: { "content-type": "application/json", "x-forwarded-for": randomIp(), ...(token ? { authorization: `Bearer ${token}` } : {}) },
    body: JSON.stringify({ query, variables }),
  });
  const body = (await response.json()) as { data?: any; errors?: unknown[] };
  if (body.errors) throw new Error(JSON.stringify(body.errors));
  return body.data;
}

const REGISTER = "mutation ($input: RegisterInput!) { register(input: $input) { accessToken } }";
const LOGIN = "mutation ($input: LoginInput!) { login(input: $input) { accessToken } }";
const CREATE_ROOM = "mutation ($input: CreateRoomInput!) { createRoom(input: $input) { slug } }";
const SEND = "mutation ($input: SendMessageInput!) { sendMessage(input: $input) { messageId } }";

describe.skipIf(!hasPostgres || !hasRedis)("the kit when the instance it is on is killed", () => {
  let db: TestDatabase;
  let env: Record<string, string>;
  const instances: Instance[] = [];
  const devices: Device[] = [];

  async function startInstance(env: Record<string, string>): Promise<Instance> {
    const process = spawnServer(env);
    const ready = await process.waitFor(/ready at (http:\/\/\S+\/graphql)/, 110_000);
    const url = /ready at (http:\/\/\S+\/graphql)/.exec(ready)![1]!;
    const instance = { process, url, wsUrl: url.replace(/^http/, "ws") };
    instances.push(instance);
    return instance;
  }

  beforeAll(async () => {
    db = await createTestDatabase();
    const prefix = `test:kit:${randomUUID()}:`;
    env = {
      NODE_ENV: "test",
      HOST: "127.0.0.1",
      PORT: "0",
      DATA_DIR: db.dataDir,
      JWT_SECRET: TEST_JWT_SECRET,
      DATABASE_URL: db.url!,
      REDIS_URL,
      ROOMS_REDIS_PREFIX: `${prefix}rooms:`,
      RATE_LIMIT_REDIS_PREFIX: `${prefix}ratelimit:`,
      TRUST_PROXY: "true",
      ADMIN_EMAIL: ADMIN.email,
      ADMIN_PASSWORD: ADMIN.password,
    };
    await startInstance(env);
    await startInstance(env);
  }, 240_000);

  afterAll(async () => {
    await Promise.all(devices.map((d) => d.dispose()));
    for (const { process } of instances) {
      if (process.child.exitCode === null && process.child.signalCode === null) {
        process.child.kill("SIGTERM");
        await process.exited;
      }
    }
    await db?.drop();
  });

  it("resumes on the other instance after kill -9: nothing lost, nothing doubled", async () => {
    const [a, b] = instances as [Instance, Instance];
    await readWhileStopping(a, b, () => a.process.child.kill("SIGKILL"));
    expect(await a.process.exited).toBeNull();
  }, 120_000);

  it("resumes on the other instance when the one it is on is redeployed (SIGTERM: close 1001)", async () => {
    const [, b] = instances as [Instance, Instance];
    const c = await startInstance(env);
    await readWhileStopping(b, c, () => b.process.child.kill("SIGTERM"));
    expect(await b.process.exited).toBe(0);
  }, 180_000);

  /**
   * A reader on `from` (its URL list: from, then to) while 45 messages are posted through `to`;
   * `stop` is called after the 15th. The reader must end with all 45, once each, in order.
   */
  async function readWhileStopping(from: Instance, to: Instance, stop: () => void) {
    const admin = (await gql(to.url, LOGIN, { input: ADMIN })).login.accessToken as string;
    const room = `failover-${randomUUID().slice(0, 8)}`;
    await gql(to.url, CREATE_ROOM, { input: { slug: room, name: "Failover" } }, admin);
    const writers: string[] = [];
    for (let i = 0; i < 3; i += 1) {
      const input = { email: `writer-${randomUUID()}@example.test`, password: `pw-${randomUUID()}`, displayName: `Writer ${i}` };
      writers.push((await gql(to.url, REGISTER, { input })).register.accessToken);
    }

    const readerInput = { email: `reader-${randomUUID()}@example.test`, password: `pw-${randomUUID()}`, displayName: "Reader" };
    await gql(to.url, REGISTER, { input: readerInput });
    const reader = device({ url: to.url, wsUrl: [from.wsUrl, to.wsUrl] });
    devices.push(reader);
    await reader.session.login({ email: readerInput.email, password: readerInput.password });
    const received = collect(reader.realtime, room);
    await received.live();
    const connectedAgain: boolean[] = [];
    reader.realtime.on("connected", (wasRetry) => connectedAgain.push(wasRetry));

    const texts = Array.from({ length: 45 }, (_, i) => `flowing ${i}`);
    for (const [i, text] of texts.entries()) {
      if (i === 15) stop();
      await gql(to.url, SEND, { input: { room, text } }, writers[i % writers.length]);
      await new Promise((resolve) => setTimeout(resolve, 20));
    }

    await vi.waitFor(() => expect(received.texts()).toEqual(texts), EVENTUALLY);
    await new Promise((resolve) => setTimeout(resolve, 500));
    expect(received.texts()).toEqual(texts);
    expect(received.errors).toEqual([]);
    expect(connectedAgain).toContain(true);
    await reader.dispose();
  }
});
