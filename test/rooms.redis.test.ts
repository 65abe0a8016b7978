// Scale-out: instances sharing one PostgreSQL and one Redis see each other's messages and
// presence, share roomStats and the per-user socket cap, expire a crashed instance's members,
// and announce a stopping instance's members as gone.
import { randomUUID } from "node:crypto";
import { Redis } from "ioredis";
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from "vitest";
import {
  createRoom,
  eventOf,
  isEvent,
  ROOM_EVENTS,
  ROOM_PRESENCE,
  ROOM_STATS,
  SEND_MESSAGE,
  sendMessage,
} from "./helpers/rooms.js";
import { startTestServer, type TestServer } from "./helpers/server.js";
import { hasPostgres, hasRedis, REDIS_URL } from "./helpers/services.js";
import { createUser, type TestUser } from "./helpers/users.js";
import { closeOf, connectWs, EVENTUALLY, type TestWsClient } from "./helpers/ws.js";

describe.skipIf(!hasRedis || !hasPostgres)("rooms across instances (Redis)", () => {
  const prefix = `test:rooms:${randomUUID()}:`;
  // Leaves at once here: the delayed leave across instances has its own tests (presence.delay).
  const env = {
    REDIS_URL,
    ROOMS_REDIS_PREFIX: prefix,
    PRESENCE_TTL_MS: "1000",
    PRESENCE_LEAVE_DELAY_MS: "0",
    WS_MAX_SOCKETS_PER_USER: "2",
  };
  let a: TestServer;
  let b: TestServer;
  let redis: Redis;
  let organizer: TestUser;
  let admin: TestUser;
  const clients: TestWsClient[] = [];

  beforeAll(async () => {
    a = await startTestServer({ env });
    b = await startTestServer({ db: a.db, env });
    redis = new Redis(REDIS_URL);
    [organizer, admin] = await Promise.all([createUser(a, { role: "ORGANIZER" }), createUser(a, { role: "ADMIN" })]);
  });
  afterEach(async () => {
    await Promise.all(clients.splice(0).map((c) => c.dispose()));
  });
  afterAll(async () => {
    await b?.stop();
    await a?.stop();
    const keys = await redis.keys(`${prefix}*`);
    if (keys.length) await redis.del(...keys);
    redis.disconnect();
  });

  async function connect(server: TestServer, token?: string) {
    const client = connectWs(server, { token });
    clients.push(client);
    await client.connected;
    return client;
  }

  async function presenceOn(server: TestServer, slug: string) {
    const res = await server.gql(ROOM_PRESENCE, { slug });
    expect(res.errors).toBeUndefined();
    return {
      memberCount: res.data.room.memberCount as number,
      members: (res.data.room.members as { id: string }[]).map((m) => m.id).sort(),
    };
  }

  const roomIdOf = async (slug: string) => (await a.app.services.rooms.bySlug(slug))!.id;

  it("delivers messages and presence between clients on different instances", async () => {
    const slug = await createRoom(a, organizer.accessToken);
    const [alice, bob] = await Promise.all([createUser(a), createUser(a)]);
    const aliceSocket = await connect(a, alice.accessToken);
    const aliceEvents = aliceSocket.subscribe(ROOM_EVENTS, { room: slug });
    await aliceEvents.until(isEvent("MemberJoined", alice.id));

    const bobEvents = (await connect(b, bob.accessToken)).subscribe(ROOM_EVENTS, { room: slug });
    expect(eventOf(await aliceEvents.next())).toMatchObject({ __typename: "MemberJoined", user: { id: bob.id }, memberCount: 2 });
    await bobEvents.until(isEvent("MemberJoined", bob.id));
    const both = { memberCount: 2, members: [alice.id, bob.id].sort() };
    expect(await presenceOn(a, slug)).toEqual(both);
    expect(await presenceOn(b, slug)).toEqual(both);

    const sent = await aliceSocket.request(SEND_MESSAGE, { input: { room: slug, text: "hola desde A" } });
    expect(sent.errors).toBeUndefined();
    await sendMessage(b, bob.accessToken, { room: slug, text: "hola desde B" });
    for (const events of [aliceEvents, bobEvents]) {
      expect(eventOf(await events.next()).message).toMatchObject({ id: sent.data.sendMessage.messageId, text: "hola desde A" });
      expect(eventOf(await events.next()).message).toMatchObject({ text: "hola desde B", author: { id: bob.id } });
    }
  });

  it("delivers simultaneous posts through both instances in history order on both", async () => {
    const slug = await createRoom(a, organizer.accessToken);
    const [readerA, readerB, ...senders] = await Promise.all(Array.from({ length: 8 }, () => createUser(a)));
    const messagesOf = async (server: TestServer, reader: TestUser, count: number) => {
      const events = (await connect(server, reader.accessToken)).subscribe(ROOM_EVENTS, { room: slug });
      await events.until(isEvent("MemberJoined", reader.id));
      return async () => {
        const ids: string[] = [];
        while (ids.length < count) {
          const event = eventOf(await events.next());
          if (event.__typename === "MessagePosted") ids.push(event.message.id);
        }
        return ids;
      };
    };
    const count = senders.length * 3;
    const onA = await messagesOf(a, readerA!, count);
    const onB = await messagesOf(b, readerB!, count);
    await Promise.all(
      senders.flatMap((sender, i) =>
        [0, 1, 2].map((j) => sendMessage(i % 2 ? a : b, sender.accessToken, { room: slug, text: `m${i}-${j}` })),
      ),
    );
    const history = await a.gql(
      `query ($slug: String!) { room(slug: $slug) { messages(first: 100) { edges { node { id } } } } }`,
      { slug },
    );
    const stored = history.data.room.messages.edges.map((e: { node: { id: string } }) => e.node.id);
    expect(await onA()).toEqual(stored);
    expect(await onB()).toEqual(stored);
  });

  it("counts a user with tabs on two instances once, and lets them leave when the last tab goes", async () => {
    const slug = await createRoom(a, organizer.accessToken);
    const [watcher, carla] = await Promise.all([createUser(a), createUser(a)]);
    const events = (await connect(a, watcher.accessToken)).subscribe(ROOM_EVENTS, { room: slug });
    await events.until(isEvent("MemberJoined", watcher.id));

    const tabA = await connect(a, carla.accessToken);
    tabA.subscribe(ROOM_EVENTS, { room: slug });
    expect(eventOf(await events.next())).toMatchObject({ __typename: "MemberJoined", user: { id: carla.id }, memberCount: 2 });
    const tabB = await connect(b, carla.accessToken);
    tabB.subscribe(ROOM_EVENTS, { room: slug });
    await vi.waitFor(async () => {
      const stats = await a.gql(ROOM_STATS, {}, { token: admin.accessToken });
      expect(stats.data.roomStats.rooms).toContainEqual({ slug, memberCount: 2, subscriptionCount: 3 });
    }, EVENTUALLY);

    tabA.terminate();
    await vi.waitFor(async () => {
      const stats = await b.gql(ROOM_STATS, {}, { token: admin.accessToken });
      expect(stats.data.roomStats.rooms).toContainEqual({ slug, memberCount: 2, subscriptionCount: 2 });
    }, EVENTUALLY);
    tabB.terminate();
    // The next event is carla leaving: neither her second join nor her first tab's end made one.
    expect(eventOf(await events.next())).toMatchObject({ __typename: "MemberLeft", user: { id: carla.id }, memberCount: 1 });
    expect(await presenceOn(b, slug)).toEqual({ memberCount: 1, members: [watcher.id] });
  });

  it("publishes each message to Redis once, however many subscribers it has, and delivers it once on every instance", async () => {
    const slug = await createRoom(a, organizer.accessToken);
    const users = await Promise.all([1, 2, 3].map(() => createUser(a)));
    const subscribers = await Promise.all(
      users.map(async (user, i) => {
        const events = (await connect(i < 2 ? a : b, user.accessToken)).subscribe(ROOM_EVENTS, { room: slug });
        await events.until(isEvent("MemberJoined", user.id));
        return events;
      }),
    );
    // No ready check: its INFO would fail on a connection whose first command is SUBSCRIBE.
    const tap = new Redis(REDIS_URL, { enableReadyCheck: false });
    const posted: string[] = [];
    tap.on("message", (_channel: string, raw: string) => {
      const event = JSON.parse(raw);
      if (event.kind === "MessagePosted") posted.push(event.message.text);
    });
    await tap.subscribe(`${prefix}events:${await roomIdOf(slug)}`);
    try {
      await sendMessage(a, users[0]!.accessToken, { room: slug, text: "one" });
      await sendMessage(b, users[2]!.accessToken, { room: slug, text: "two" });
      for (const events of subscribers) await events.until((r) => eventOf(r).message?.text === "two");
      await vi.waitFor(() => expect(posted).toContain("two"), EVENTUALLY);
      expect(posted).toEqual(["one", "two"]);
      // The sending instance delivers to its own subscribers at once and skips Redis's echo,
      // which would have come before "two".
      for (const events of subscribers) {
        const texts = events.results.map((r) => eventOf(r).message?.text).filter(Boolean);
        expect(texts).toEqual(["one", "two"]);
      }
    } finally {
      tap.disconnect();
    }
  });

  it("sums roomStats over the instances and caps a user's sockets across them", async () => {
    const slug = await createRoom(a, organizer.accessToken);
    const [dora, eli] = await Promise.all([createUser(a), createUser(a)]);
    (await connect(a, dora.accessToken)).subscribe(ROOM_EVENTS, { room: slug });
    (await connect(b, eli.accessToken)).subscribe(ROOM_EVENTS, { room: slug });
    (await connect(b, dora.accessToken)).subscribe(ROOM_EVENTS, { room: slug });
    await vi.waitFor(async () => {
      const stats = (await a.gql(ROOM_STATS, {}, { token: admin.accessToken })).data.roomStats;
      expect(stats.rooms).toContainEqual({ slug, memberCount: 2, subscriptionCount: 3 });
      expect(stats.connections).toBeGreaterThanOrEqual(3);
      expect(stats.subscriptions).toBeGreaterThanOrEqual(3);
    }, EVENTUALLY);

    // dora has a socket on each instance: a third, on either, is over WS_MAX_SOCKETS_PER_USER=2.
    const third = connectWs(a, { token: dora.accessToken });
    clients.push(third);
    expect((await closeOf(third)).code).toBe(1013);
  });

  it("expires the members of an instance that stopped heartbeating, announcing them as gone", async () => {
    const slug = await createRoom(a, organizer.accessToken);
    const roomId = await roomIdOf(slug);
    const [watcher, ghost] = await Promise.all([createUser(a), createUser(a)]);
    const events = (await connect(a, watcher.accessToken)).subscribe(ROOM_EVENTS, { room: slug });
    await events.until(isEvent("MemberJoined", watcher.id));

    // What a crashed instance leaves behind: a registration that is no longer renewed, and its
    // share of the room's presence.
    const crashed = randomUUID();
    const [seconds] = await redis.time();
    await redis
      .multi()
      .zadd(`${prefix}instances`, Number(seconds) * 1000 + 1500, crashed)
      .hset(`${prefix}presence:${roomId}`, `${ghost.rawId}|${crashed}`, "1")
      .sadd(`${prefix}instance:${crashed}:rooms`, roomId)
      .exec();
    expect(await presenceOn(a, slug)).toEqual({ memberCount: 2, members: [ghost.id, watcher.id].sort() });

    expect(eventOf(await events.until(isEvent("MemberLeft")))).toMatchObject({ user: { id: ghost.id }, memberCount: 1 });
    expect(await presenceOn(b, slug)).toEqual({ memberCount: 1, members: [watcher.id] });
    expect(await redis.hgetall(`${prefix}presence:${roomId}`)).not.toHaveProperty(`${ghost.rawId}|${crashed}`);
    expect(await redis.exists(`${prefix}instance:${crashed}:rooms`)).toBe(0);
  });

  it("restores each instance's presence after Redis lost it (e.g. restarted without persistence)", async () => {
    const slug = await createRoom(a, organizer.accessToken);
    const [fay, gus] = await Promise.all([createUser(a), createUser(a)]);
    const events = (await connect(a, fay.accessToken)).subscribe(ROOM_EVENTS, { room: slug });
    await events.until(isEvent("MemberJoined", fay.id));
    (await connect(b, gus.accessToken)).subscribe(ROOM_EVENTS, { room: slug });
    await events.until(isEvent("MemberJoined", gus.id));

    const keys = await redis.keys(`${prefix}*`);
    await redis.del(...keys);
    const both = { memberCount: 2, members: [fay.id, gus.id].sort() };
    await vi.waitFor(async () => {
      expect(await presenceOn(a, slug)).toEqual(both);
      expect(await presenceOn(b, slug)).toEqual(both);
    }, EVENTUALLY);
    // Messages keep flowing between the instances.
    await sendMessage(b, gus.accessToken, { room: slug, text: "still here" });
    await events.until((r) => eventOf(r).message?.text === "still here");
  });

  it("on shutdown closes sockets with 1001, announces their users as gone, and keeps every receipted message", async () => {
    const c = await startTestServer({ db: a.db, env });
    try {
      const slug = await createRoom(a, organizer.accessToken);
      const [watcher, leaver] = await Promise.all([createUser(a), createUser(a)]);
      const events = (await connect(a, watcher.accessToken)).subscribe(ROOM_EVENTS, { room: slug });
      await events.until(isEvent("MemberJoined", watcher.id));
      const leaving = await connect(c, leaver.accessToken);
      leaving.subscribe(ROOM_EVENTS, { room: slug });
      await events.until(isEvent("MemberJoined", leaver.id));

      const sends = Array.from({ length: 8 }, (_, i) =>
        c.gql(SEND_MESSAGE, { input: { room: slug, text: `late ${i}` } }, { token: leaver.accessToken }).then(
          (res) => res.data?.sendMessage?.messageId as string | undefined,
          () => undefined,
        ),
      );
      await c.stop();
      expect((await closeOf(leaving)).code).toBe(1001);
      expect(eventOf(await events.until(isEvent("MemberLeft")))).toMatchObject({ user: { id: leaver.id }, memberCount: 1 });

      const receipted = (await Promise.all(sends)).filter((id): id is string => Boolean(id));
      for (const id of receipted) {
        const res = await a.gql("query ($id: ID!) { node(id: $id) { id } }", { id });
        expect(res.data.node).toEqual({ id });
      }
    } finally {
      await c.stop();
    }
  });
});
