// The kit across instances: API processes on one PostgreSQL and one Redis. A client reads a room
// through one instance (its URL list: that one, then another) while messages flow through the
// other; its instance is killed with SIGKILL (no close frame) or redeployed with SIGTERM (close
// 1001). The kit reconnects to the other and resumes with `since`: every message once, in order.
import { randomUUID } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { createTestDatabase, type TestDatabase } from "../../test/helpers/database.js";
import { hasPostgres, hasRedis, REDIS_URL } from "../../test/helpers/services.js";
import {
  call,
  instanceEnv,
  newRoom,
  registeredUser,
  SEND,
  startInstance,
  stopInstance,
  type Instance,
} from "./helpers/instances.js";
import { collect, device, type Device } from "./helpers/kit.js";

const EVENTUALLY = { timeout: 30_000, interval: 50 };

describe.skipIf(!hasPostgres || !hasRedis)("the kit when the instance it is on goes away", () => {
  let db: TestDatabase;
  let env: Record<string, string>;
  const instances: Instance[] = [];
  const devices: Device[] = [];

  const start = async () => {
    const instance = await startInstance(env);
    instances.push(instance);
    return instance;
  };

  beforeAll(async () => {
    db = await createTestDatabase();
    const prefix = `test:kit:${randomUUID()}:`;
    env = instanceEnv(db, { REDIS_URL, ROOMS_REDIS_PREFIX: `${prefix}rooms:`, RATE_LIMIT_REDIS_PREFIX: `${prefix}ratelimit:` });
    await start();
    await start();
  }, 240_000);

  afterAll(async () => {
    await Promise.all(devices.map((d) => d.dispose()));
    for (const instance of instances) await stopInstance(instance);
    await db?.drop();
  });

  it("resumes on the other instance after kill -9: nothing lost, nothing doubled", async () => {
    const [a, b] = instances as [Instance, Instance];
    await readWhileStopping(a, b, () => a.process.child.kill("SIGKILL"));
    expect(await a.process.exited).toBeNull();
  }, 120_000);

  it("resumes on the other instance when the one it is on is redeployed (SIGTERM: close 1001)", async () => {
    const [, b] = instances as [Instance, Instance];
    const c = await start();
    await readWhileStopping(b, c, () => b.process.child.kill("SIGTERM"));
    expect(await b.process.exited).toBe(0);
  }, 180_000);

  /**
   * A reader on `from` (its URL list: from, then to) while 45 messages are posted through `to`;
   * `stop` is called after the 15th. The reader must end with all 45, once each, in order.
   */
  async function readWhileStopping(from: Instance, to: Instance, stop: () => void) {
    const room = await newRoom(to.url, "failover");
    const writers = await Promise.all([1, 2, 3].map((i) => registeredUser(to.url, `Writer${i}`)));
    const { email, password } = await registeredUser(to.url, "Reader");
    const reader = device({ url: to.url, wsUrl: [from.wsUrl, to.wsUrl] });
    devices.push(reader);
    await reader.session.login({ email, password });
    const received = collect(reader.realtime, room);
    await received.live();
    const connectedAgain: boolean[] = [];
    reader.realtime.on("connected", (wasRetry) => connectedAgain.push(wasRetry));

    const texts = Array.from({ length: 45 }, (_, i) => `flowing ${i}`);
    for (const [i, text] of texts.entries()) {
      if (i === 15) stop();
      await call(to.url, SEND, { input: { room, text } }, writers[i % writers.length]!.token);
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
