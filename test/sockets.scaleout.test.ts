// Sockets and presence across two instances on PostgreSQL with a Redis of this file's own: one
// instance a child process (so it can be killed with SIGKILL), the other in this process.
// - a subscribe and a complete of the same id in quick succession, many times, leave nothing
//   running (no member left behind, no subscription counted);
// - after a crash, the dead instance's sockets stop counting toward the per-user cap soon enough
//   for every tab to reconnect elsewhere (refusals are 1013, which graphql-ws retries), its
//   members and connections stop counting, and each MemberLeft carries its own count;
// - presence without flapping (PRESENCE_LEAVE_DELAY_MS) holds across instances: a member whose
//   socket vanished, or whose instance crashed, and who came back on the other instance within
//   the delay is never announced as gone; one who did not come back is, after the delay.
import { randomUUID } from "node:crypto";
import { createClient } from "graphql-ws";
import { Redis } from "ioredis";
import { GRAPHQL_TRANSPORT_WS_PROTOCOL } from "graphql-ws";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import WebSocket from "ws";
import { createTestDatabase, type TestDatabase } from "./helpers/database.js";
import { redisServerBinary, startOwnedRedis, type OwnedRedis } from "./helpers/ownedServices.js";
import { spawnServer, type ServerProcess } from "./helpers/process.js";
import { createRoom, eventOf, isEvent, ROOM_EVENTS, ROOM_PRESENCE, ROOM_STATS, sendMessage } from "./helpers/rooms.js";
import { startTestServer, TEST_JWT_SECRET, type TestServer } from "./helpers/server.js";
import { hasPostgres } from "./helpers/services.js";
import { createUser, type TestUser } from "./helpers/users.js";
import { connectKept, connectWs, disposeAll, EVENTUALLY, wsUrl, type Collector, type TestWsClient } from "./helpers/ws.js";

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

interface Pair {
  /** The child-process instance (killable). */
  child: ServerProcess;
  childUrl: string;
  /** The in-process instance. */
  server: TestServer;
  organizer: TestUser;
  admin: TestUser;
  /** ROOMS_REDIS_PREFIX of both. */
  prefix: string;
}

async function startPair(db: TestDatabase, redis: OwnedRedis, extraEnv: Record<string, string>): Promise<Pair> {
  const prefix = `test:sockets:${randomUUID()}:`;
  const env = { REDIS_URL: redis.url, ROOMS_REDIS_PREFIX: prefix, ...extraEnv };
  const server = await startTestServer({ db, env });
  const child = spawnServer({
    NODE_ENV: "test",
    HOST: "127.0.0.1",
    PORT: "0",
    DATA_DIR: db.dataDir,
    JWT_SECRET: TEST_JWT_SECRET,
    DATABASE_URL: db.url!,
    ...env,
  });
  const ready = await child.waitFor(/ready at (http:\/\/\S+\/graphql)/, 110_000);
  const childUrl = /ready at (http:\/\/\S+\/graphql)/.exec(ready)![1]!;
  const [organizer, admin] = await Promise.all([
    createUser(server, { role: "ORGANIZER" }),
    createUser(server, { role: "ADMIN" }),
  ]);
  return { child, childUrl, server, organizer, admin, prefix };
}

async function stopPair(pair: Pair | undefined) {
  if (!pair) return;
  if (pair.child.child.exitCode === null && pair.child.child.signalCode === null) {
    pair.child.child.kill("SIGTERM");
    await pair.child.exited;
  }
  await pair.server.stop();
}

/** Crashes the child instance (no shutdown: its sockets vanish, its Redis entries stay). */
async function crash(pair: Pair) {
  pair.child.child.kill("SIGKILL");
  await pair.child.exited;
}

describe.skipIf(!redisServerBinary || !hasPostgres)("sockets and presence across instances", () => {
  let redis: OwnedRedis;
  let db: TestDatabase;
  const clients: TestWsClient[] = [];
  beforeAll(async () => {
    redis = await startOwnedRedis();
    db = await createTestDatabase();
  }, 60_000);
  afterAll(async () => {
    await disposeAll(clients);
    await db?.drop();
    await redis?.destroy();
  });

  const connect = (url: string, token: string) => connectKept({ url }, clients, { token });

  async function subscribed(url: string, user: TestUser, slug: string) {
    const socket = await connect(url, user.accessToken);
    const events = socket.subscribe(ROOM_EVENTS, { room: slug });
    return { socket, events };
  }

  const statsOf = async (pair: Pair, slug: string) => {
    const stats = (await pair.server.gql(ROOM_STATS, {}, { token: pair.admin.accessToken })).data.roomStats;
    return { connections: stats.connections as number, room: stats.rooms.find((room: { slug: string }) => room.slug === slug) };
  };
  const memberCountOn = async (server: Pick<TestServer, "gql">, slug: string) =>
    (await server.gql(ROOM_PRESENCE, { slug })).data.room.memberCount as number;

  describe("leaving at once (PRESENCE_LEAVE_DELAY_MS=0), default PRESENCE_TTL_MS", () => {
    let pair: Pair;
    beforeAll(async () => {
      pair = await startPair(db, redis, { PRESENCE_LEAVE_DELAY_MS: "0", WS_MAX_SOCKETS_PER_USER: "3" });
    }, 120_000);
    afterAll(() => stopPair(pair));

    it("200 subscribe + complete pairs of one id, 2 ms apart, then a clean close leave no member and no subscription", async () => {
      const slug = await createRoom(pair.server, pair.organizer.accessToken);
      const switcher = await createUser(pair.server);
      const socket = new WebSocket(wsUrl({ url: pair.childUrl }), GRAPHQL_TRANSPORT_WS_PROTOCOL);
      const frames: { id?: string; type: string }[] = [];
      socket.on("message", (data) => frames.push(JSON.parse(String(data))));
      await new Promise((resolve, reject) => socket.once("open", resolve).once("error", reject));
      const send = (frame: object) => socket.send(JSON.stringify(frame));
      send({ type: "connection_init", payload: { authorization: `Bearer ${switcher.accessToken}` } });
      await vi.waitFor(() => expect(frames.some((f) => f.type === "connection_ack")).toBe(true), EVENTUALLY);

      const subscribe = { id: "room", type: "subscribe", payload: { query: ROOM_EVENTS, variables: { room: slug } } };
      for (let i = 0; i < 200; i++) {
        send(subscribe);
        await sleep(2);
        send({ id: "room", type: "complete" });
        await sleep(2);
      }
      // Everything completed, the socket still open: nothing runs, nobody is in the room.
      await vi.waitFor(async () => {
        expect((await statsOf(pair, slug)).room).toBeUndefined();
        expect(await memberCountOn(pair.server, slug)).toBe(0);
      }, EVENTUALLY);
      // The per-socket cap (50) sees the same: 50 subscriptions still fit on this socket.
      for (let i = 0; i < 50; i++) send({ ...subscribe, id: `more-${i}` });
      await vi.waitFor(async () => expect((await statsOf(pair, slug)).room?.subscriptionCount).toBe(50), EVENTUALLY);
      expect(frames.filter((f) => f.type === "error")).toEqual([]);

      socket.close(1000);
      await new Promise((resolve) => socket.once("close", resolve));
      await vi.waitFor(async () => {
        expect((await statsOf(pair, slug)).room).toBeUndefined();
        expect(await memberCountOn(pair.server, slug)).toBe(0);
      }, EVENTUALLY);
    }, 60_000);

    it("after a crash: every tab reconnects to the other instance within 10 s, and each MemberLeft carries its own count", async () => {
      const { server, childUrl } = pair;
      const slug = await createRoom(server, pair.organizer.accessToken);
      const [watcher, tabs, ...members] = await Promise.all(Array.from({ length: 6 }, () => createUser(server)));
      const watched = await subscribed(server.url, watcher!, slug);
      await watched.events.until(isEvent("MemberJoined", watcher!.id));
      // Three tabs of one user (the cap) and four more members, all on the instance that crashes.
      for (const user of [tabs!, tabs!, tabs!, ...members]) await subscribed(childUrl, user, slug);
      await vi.waitFor(async () => {
        expect(await memberCountOn(server, slug)).toBe(6);
        expect((await statsOf(pair, slug)).room).toEqual({ slug, memberCount: 6, subscriptionCount: 8 });
      }, EVENTUALLY);
      // The cap holds across instances: a fourth tab is refused, with a code clients retry.
      const fourth = connectWs(server, { token: tabs!.accessToken });
      clients.push(fourth);
      fourth.connected.catch(() => undefined); // refused: never acknowledged
      expect((await fourth.closed).code).toBe(1013);

      await crash(pair);
      const crashedAt = Date.now();
      // graphql-ws clients as an app would make them (retrying), each a tab reconnecting here.
      const refusals: number[] = [];
      const reconnectedAt: number[] = [];
      const reconnecting = [1, 2, 3].map(() =>
        createClient({
          url: wsUrl(server),
          webSocketImpl: WebSocket,
          connectionParams: { authorization: `Bearer ${tabs!.accessToken}` },
          lazy: false,
          retryAttempts: 40,
          retryWait: async () => void (await sleep(250)),
          onNonLazyError: () => undefined,
          on: {
            connected: () => void reconnectedAt.push(Date.now()),
            closed: (event) => void refusals.push((event as { code: number }).code),
          },
        }),
      );
      try {
        await vi.waitFor(() => expect(reconnectedAt).toHaveLength(3), { timeout: 20_000, interval: 100 });
        expect(Math.max(...reconnectedAt) - crashedAt).toBeLessThan(10_000);
        expect(refusals.length).toBeGreaterThan(0); // the dead tabs did count for a while
        expect(new Set(refusals)).toEqual(new Set([1013]));

        // The dead instance's members are gone, one MemberLeft each, each with the count after it.
        const left: number[] = [];
        while (left.length < 5) {
          const event = eventOf(await watched.events.until(isEvent("MemberLeft")));
          left.push(event.memberCount);
        }
        expect(left).toEqual([5, 4, 3, 2, 1]);
        expect(await memberCountOn(server, slug)).toBe(1);
        // roomStats counts the sockets that are really open: the watcher's and the three tabs'.
        const stats = await statsOf(pair, slug);
        expect(stats.room).toEqual({ slug, memberCount: 1, subscriptionCount: 1 });
        expect(stats.connections).toBe(4);
        expect(Date.now() - crashedAt).toBeLessThan(15_000);
      } finally {
        await Promise.all(reconnecting.map((client) => client.dispose()));
      }
    }, 60_000);
  });

  describe("presence without flapping (PRESENCE_LEAVE_DELAY_MS=4000)", () => {
    const DELAY_MS = 4000;
    let pair: Pair;
    beforeAll(async () => {
      pair = await startPair(db, redis, { PRESENCE_LEAVE_DELAY_MS: String(DELAY_MS) });
    }, 120_000);
    afterAll(() => stopPair(pair));

    /** The watcher's next event, reduced to what matters here. */
    async function nextOf(events: Collector) {
      const event = eventOf(await events.next());
      return event.__typename === "MessagePosted"
        ? { type: "MessagePosted", text: event.message.text }
        : { type: event.__typename, user: event.user.id, memberCount: event.memberCount };
    }

    it("a member whose socket vanished and who comes back on the other instance within the delay is never announced as gone", async () => {
      const { server, childUrl } = pair;
      const slug = await createRoom(server, pair.organizer.accessToken);
      const [watcher, ana] = await Promise.all([createUser(server), createUser(server)]);
      const watched = await subscribed(server.url, watcher, slug);
      await watched.events.until(isEvent("MemberJoined", watcher.id));
      const first = await subscribed(server.url, ana, slug);
      await watched.events.until(isEvent("MemberJoined", ana.id));

      first.socket.terminate(); // no close frame
      const running = async () => (await statsOf(pair, slug)).room?.subscriptionCount;
      await vi.waitFor(async () => expect(await running()).toBe(1), EVENTUALLY);
      const back = await subscribed(childUrl, ana, slug);
      // No MemberJoined to wait for (that is the point): its count says it is set up.
      await vi.waitFor(async () => expect(await running()).toBe(2), EVENTUALLY);
      await sendMessage(server, pair.organizer.accessToken, { room: slug, text: "welcome back" });
      await back.events.until((r) => eventOf(r).message?.text === "welcome back");
      await sleep(DELAY_MS + 1000);
      await sendMessage(server, pair.organizer.accessToken, { room: slug, text: "after the delay" });
      expect(await nextOf(watched.events)).toEqual({ type: "MessagePosted", text: "welcome back" });
      expect(await nextOf(watched.events)).toEqual({ type: "MessagePosted", text: "after the delay" });
      expect(await memberCountOn(server, slug)).toBe(2);

      // Completing the subscription leaves at once, from either instance's point of view.
      back.events.stop();
      expect(await nextOf(watched.events)).toEqual({ type: "MemberLeft", user: ana.id, memberCount: 1 });
    }, 60_000);

    it("an instance whose heartbeat came after its registration expired (its counters gone) restores its share, announcing nothing", async () => {
      const { server, childUrl, prefix } = pair;
      const slug = await createRoom(server, pair.organizer.accessToken);
      const [watcher, member] = await Promise.all([createUser(server), createUser(server)]);
      const watched = await subscribed(server.url, watcher, slug);
      await watched.events.until(isEvent("MemberJoined", watcher.id));
      await subscribed(childUrl, member, slug);
      await watched.events.until(isEvent("MemberJoined", member.id));
      const before = await statsOf(pair, slug);
      expect(before.room).toEqual({ slug, memberCount: 2, subscriptionCount: 2 });

      // What a stalled event loop (or a slow Redis) leaves: every registration expired, and the
      // counters (which expire at twice the TTL) gone.
      const tap = new Redis(redis.url);
      try {
        const instances = await tap.zrange(`${prefix}instances`, 0, -1);
        expect(instances).toHaveLength(2);
        const [seconds] = await tap.time();
        for (const id of instances)
          await tap
            .multi()
            .zadd(`${prefix}instances`, Number(seconds) * 1000 - 1, id)
            .del(`${prefix}instance:${id}`)
            .exec();
      } finally {
        tap.disconnect();
      }
      await vi.waitFor(async () => expect(await statsOf(pair, slug)).toEqual(before), EVENTUALLY);
      await sendMessage(server, pair.organizer.accessToken, { room: slug, text: "nothing happened" });
      expect(await nextOf(watched.events)).toEqual({ type: "MessagePosted", text: "nothing happened" });
    }, 60_000);

    it("after a crash, the members who came back elsewhere within the delay stay; the others leave after it", async () => {
      const { server, childUrl } = pair;
      const slug = await createRoom(server, pair.organizer.accessToken);
      const [watcher, returning, gone] = await Promise.all([createUser(server), createUser(server), createUser(server)]);
      const watched = await subscribed(server.url, watcher, slug);
      await watched.events.until(isEvent("MemberJoined", watcher.id));
      for (const user of [returning, gone]) {
        await subscribed(childUrl, user, slug);
        await watched.events.until(isEvent("MemberJoined", user.id));
      }

      await crash(pair);
      await subscribed(server.url, returning, slug);
      await sendMessage(server, pair.organizer.accessToken, { room: slug, text: "who is still here?" });
      expect(await nextOf(watched.events)).toEqual({ type: "MessagePosted", text: "who is still here?" });
      expect(await memberCountOn(server, slug)).toBe(3);
      // Only the one who did not come back leaves, once the crashed instance expired and the delay passed.
      expect(await nextOf(watched.events)).toEqual({ type: "MemberLeft", user: gone.id, memberCount: 2 });
      expect(await memberCountOn(server, slug)).toBe(2);
      await sendMessage(server, pair.organizer.accessToken, { room: slug, text: "two of us" });
      expect(await nextOf(watched.events)).toEqual({ type: "MessagePosted", text: "two of us" });
    }, 60_000);
  });
});
