// Every receipted message reaches every live subscriber of its room once and in history order,
// whatever happens to Redis or to the instance that stored it: two instances on PostgreSQL and a
// Redis server this file owns (killed and restarted empty), publishes lost or late, and an
// instance killed (SIGKILL) between storing messages and publishing them. While Redis is away
// sendMessage stays quick and a new subscription is SERVICE_UNAVAILABLE.
import { randomUUID } from "node:crypto";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { Redis } from "ioredis";
import pg from "pg";
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from "vitest";
import { encodeGlobalId } from "../src/schema/globalId.js";
import { redisServerBinary, startOwnedRedis, type OwnedRedis } from "./helpers/ownedServices.js";
import { spawnServer, type ServerProcess } from "./helpers/process.js";
import { createRoom, isEvent, ROOM_EVENTS, SEND_MESSAGE } from "./helpers/rooms.js";
import { startTestServer, TEST_JWT_SECRET, type TestServer } from "./helpers/server.js";
import { hasPostgres } from "./helpers/services.js";
import { createUser, type TestUser } from "./helpers/users.js";
import { connectWs, errorCodeOf, type Collector, type TestWsClient } from "./helpers/ws.js";

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
/** "Within a few seconds": the default idle check is 1 s; generous for a loaded CI machine. */
const DELIVERED = { timeout: 15_000, interval: 100 };

interface Listener {
  on: string;
  events: Collector;
}

describe.skipIf(!hasPostgres || !redisServerBinary)("delivery through Redis faults and instance crashes", () => {
  const prefix = `test:delivery:${randomUUID()}:`;
  let redis: OwnedRedis;
  let a: TestServer;
  let b: TestServer;
  let db: pg.Client;
  let organizer: TestUser;
  const clients: TestWsClient[] = [];

  beforeAll(async () => {
    redis = await startOwnedRedis();
    const env = { REDIS_URL: redis.url, ROOMS_REDIS_PREFIX: prefix };
    a = await startTestServer({ env });
    b = await startTestServer({ db: a.db, env });
    db = new pg.Client({ connectionString: a.db.url });
    await db.connect();
    organizer = await createUser(a, { role: "ORGANIZER" });
  }, 60_000);
  afterEach(async () => {
    vi.restoreAllMocks();
    await Promise.all(clients.splice(0).map((client) => client.dispose()));
  });
  afterAll(async () => {
    await db?.end();
    await b?.stop();
    await a?.stop();
    await redis?.destroy();
  });

  /** A socket of `user` on `server` subscribed to the room's events (past its own MemberJoined). */
  async function joinRoom(server: TestServer, user: TestUser, slug: string) {
    const client = connectWs(server, { token: user.accessToken });
    clients.push(client);
    await client.connected;
    const events = client.subscribe(ROOM_EVENTS, { room: slug });
    await events.until(isEvent("MemberJoined", user.id));
    return { client, events };
  }

  /** `perInstance` users subscribed to the room's events on each of a and b (past their own MemberJoined). */
  async function listenOnBoth(slug: string, perInstance = 2): Promise<Listener[]> {
    const listeners: Listener[] = [];
    for (const [on, server] of [
      ["a", a],
      ["b", b],
    ] as const) {
      for (let i = 0; i < perInstance; i++) {
        listeners.push({ on, events: (await joinRoom(server, await createUser(a), slug)).events });
      }
    }
    return listeners;
  }

  /** Ids of the messages a subscription received, in the order it received them. */
  const received = (listener: Listener) =>
    listener.events.results
      .map((result) => (result.data as { roomEvents?: { __typename: string; message?: { id: string } } })?.roomEvents)
      .filter((event) => event?.__typename === "MessagePosted")
      .map((event) => event!.message!.id);

  /** Ids of the room's stored messages in history order. */
  async function stored(slug: string): Promise<string[]> {
    const { rows } = await db.query<{ id: string }>(
      `SELECT m."id" FROM "Message" m JOIN "Room" r ON r."id" = m."roomId" WHERE r."slug" = $1 ORDER BY m."seq"`,
      [slug],
    );
    return rows.map((row) => encodeGlobalId("Message", row.id));
  }

  /** Every listener got exactly the stored messages, in history order (also after late publishes had time to come). */
  async function expectEveryoneGotAll(slug: string, listeners: Listener[], receipts: string[]) {
    const history = await stored(slug);
    expect(history).toEqual(expect.arrayContaining(receipts));
    await vi.waitFor(() => {
      for (const listener of listeners)
        expect(received(listener).length, `listener on ${listener.on}`).toBeGreaterThanOrEqual(history.length);
    }, DELIVERED);
    await sleep(1500);
    for (const listener of listeners) expect(received(listener), `listener on ${listener.on}`).toEqual(history);
  }

  async function send(server: TestServer | string, token: string, room: string, text: string, clientMessageId = randomUUID()) {
    const url = typeof server === "string" ? server : server.url;
    const started = performance.now();
    const response = await fetch(url, {
      method: "POST",
      headers: { "content-type": "application/json", authorization: `Bearer ${token}` },
      body: JSON.stringify({ query: SEND_MESSAGE, variables: { input: { room, text, clientMessageId } } }),
    });
    const body = (await response.json()) as { data?: { sendMessage: { messageId: string } }; errors?: unknown[] };
    if (body.errors) throw new Error(`sendMessage failed: ${JSON.stringify(body.errors)}`);
    return { messageId: body.data!.sendMessage.messageId, ms: performance.now() - started };
  }

  /** Redis PUBLISH of room events whose payload contains `marker`: dropped, or sent `delayMs` late. */
  function interceptPublishes(marker: string, delayMs: number | null) {
    const publish = Redis.prototype.publish;
    vi.spyOn(Redis.prototype, "publish").mockImplementation(function (this: Redis, ...args: unknown[]) {
      const [channel, payload] = args as [string, string];
      const call = () => (publish as (...a: unknown[]) => Promise<number>).apply(this, args);
      if (!channel.startsWith(prefix) || !String(payload).includes(marker)) return call();
      if (delayMs === null) return Promise.resolve(0);
      return sleep(delayMs).then(call);
    } as never);
  }

  it("recovers a lost publish from the database (at the end of a burst and in its middle) and drops a late one", async () => {
    const slug = await createRoom(a, organizer.accessToken);
    const listeners = await listenOnBoth(slug);
    const sender = await createUser(a);
    const receipts: string[] = [];
    const post = async (server: TestServer, text: string) =>
      receipts.push((await send(server, sender.accessToken, slug, text)).messageId);

    interceptPublishes("[lost]", null);
    await post(a, "one");
    await post(a, "two [lost]"); // the last post for a while: no later post shows the gap
    await sleep(2500);
    await post(b, "three [lost]");
    await post(b, "four"); // shows the gap at once
    vi.restoreAllMocks();
    interceptPublishes("[late]", 2000);
    await post(a, "five [late]");
    await post(b, "six");
    await expectEveryoneGotAll(slug, listeners, receipts);
  });

  it("Redis killed for 4 s and restarted empty while both instances take messages: all of them reach every subscriber once, in order; sendMessage stays quick", async () => {
    const slug = await createRoom(a, organizer.accessToken);
    const listeners = await listenOnBoth(slug);
    const senders = await Promise.all(Array.from({ length: 6 }, () => createUser(a)));
    const receipts: string[] = [];
    const durations: number[] = [];
    let sending = true;
    const loops = senders.map(async (sender, i) => {
      for (let n = 0; sending; n++) {
        const { messageId, ms } = await send(i % 2 ? b : a, sender.accessToken, slug, `sender ${i} message ${n}`);
        receipts.push(messageId);
        durations.push(ms);
        await sleep(400);
      }
    });
    await sleep(1000);
    await redis.stop("SIGKILL");
    await sleep(4000);
    await redis.start();
    await sleep(1000);
    sending = false;
    await Promise.all(loops);

    expect(receipts.length).toBeGreaterThan(40);
    // A correctness bound, not a benchmark: no call waits for Redis to come back.
    expect(Math.max(...durations)).toBeLessThan(1500);
    await expectEveryoneGotAll(slug, listeners, receipts);
  });

  it("answers a new subscription while Redis is away with SERVICE_UNAVAILABLE, and takes it again once Redis is back", async () => {
    const [slug, other] = [await createRoom(a, organizer.accessToken), await createRoom(a, organizer.accessToken)];
    const { client } = await joinRoom(b, await createUser(a), slug);

    await redis.stop();
    try {
      await sleep(500);
      // A room this instance does not listen to yet, and one it does.
      expect(await errorCodeOf(client.subscribe(ROOM_EVENTS, { room: other }))).toBe("SERVICE_UNAVAILABLE");
      expect(await errorCodeOf(client.subscribe(ROOM_EVENTS, { room: slug }))).toBe("SERVICE_UNAVAILABLE");
    } finally {
      await redis.start();
    }
    await vi.waitFor(async () => {
      const again = client.subscribe(ROOM_EVENTS, { room: other });
      const result = await again.next();
      again.stop();
      expect(result.errors).toBeUndefined();
    }, DELIVERED);
  });

  describe("with the idle check off", () => {
    let a2: TestServer;
    let b2: TestServer;
    beforeAll(async () => {
      const env = { REDIS_URL: redis.url, ROOMS_REDIS_PREFIX: `${prefix}idle-off:`, ROOMS_IDLE_CHECK_MS: "3600000" };
      a2 = await startTestServer({ db: a.db, env });
      b2 = await startTestServer({ db: a.db, env });
    }, 60_000);
    afterAll(async () => {
      await b2?.stop();
      await a2?.stop();
    });

    it("catches up what was posted while Redis was away as soon as its subscription comes back", async () => {
      const slug = await createRoom(a2, organizer.accessToken);
      const { events } = await joinRoom(b2, await createUser(a2), slug);
      const listener = { on: "b", events };
      const sender = await createUser(a2);
      await redis.stop("SIGKILL");
      let receipt: string;
      try {
        await sleep(300);
        receipt = (await send(a2, sender.accessToken, slug, "while Redis was away")).messageId;
      } finally {
        await redis.start();
      }
      await expectEveryoneGotAll(slug, [listener], [receipt]);
    });
  });

  describe("an instance killed between storing messages and publishing them", () => {
    let dataDir: string;
    let c: ServerProcess;
    const fixture = fileURLToPath(new URL("./fixtures/publishStall.mjs", import.meta.url));
    beforeAll(async () => {
      dataDir = mkdtempSync(join(tmpdir(), "mt-delivery-"));
      c = spawnServer({
        NODE_ENV: "test",
        HOST: "127.0.0.1",
        PORT: "0",
        DATA_DIR: dataDir,
        JWT_SECRET: TEST_JWT_SECRET,
        DATABASE_URL: a.db.url!,
        REDIS_URL: redis.url,
        ROOMS_REDIS_PREFIX: prefix,
        NODE_OPTIONS: `--import ${fixture}`,
      });
      await c.waitFor(/ready at (http:\/\/\S+)\/graphql/, 110_000);
    }, 120_000);
    afterAll(async () => {
      if (c?.child.exitCode === null) {
        c.child.kill("SIGKILL");
        await c.exited;
      }
      if (dataDir) rmSync(dataDir, { recursive: true, force: true });
    });

    it("still delivers every message it stored to the subscribers on the other instances, once and in order; retries elsewhere get receipts without a copy", async () => {
      expect(c.output()).toContain("publish stall armed");
      const url = /ready at (http:\/\/\S+\/graphql)/.exec(c.output())![1]!;
      const slug = await createRoom(a, organizer.accessToken);
      const listeners = await listenOnBoth(slug);
      const senders = await Promise.all(Array.from({ length: 4 }, () => createUser(a)));
      const sends = senders.flatMap((sender, i) =>
        Array.from({ length: 8 }, (_, n) => ({ sender, text: `dying ${i}.${n}`, clientMessageId: randomUUID() })),
      );
      const inFlight = sends.map((s) => send(url, s.sender.accessToken, slug, s.text, s.clientMessageId).catch(() => null));
      await vi.waitFor(async () => expect((await stored(slug)).length).toBe(sends.length), DELIVERED);
      c.child.kill("SIGKILL");
      await c.exited;
      await Promise.all(inFlight);

      // Each sender retries on a live instance, with the same clientMessageId: the stored message's receipt.
      const receipts: string[] = [];
      for (const s of sends) receipts.push((await send(a, s.sender.accessToken, slug, s.text, s.clientMessageId)).messageId);
      expect(new Set(receipts).size).toBe(sends.length);
      await expectEveryoneGotAll(slug, listeners, receipts);
    });
  });
});
