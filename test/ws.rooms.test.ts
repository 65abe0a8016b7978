// Rooms over real graphql-ws sockets on one instance: presence (tabs, abrupt disconnects),
// messages with excludeSelf, resume without gap or duplicate, errors, roomStats, revocation.
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
import { decodeGlobalId } from "../src/schema/globalId.js";
import { startTestServer, type TestServer } from "./helpers/server.js";
import { createUser, startServerWithStaff, type TestUser } from "./helpers/users.js";
import { closeOf, connectWs, disposeAll, errorCodeOf, EVENTUALLY, type Collector, type TestWsClient } from "./helpers/ws.js";

let server: TestServer;
let organizer: TestUser;
let admin: TestUser;
const clients: TestWsClient[] = [];

// A dropped socket's user leaves at once here (the delayed leave has its own tests).
beforeAll(
  async () => void ({ server, organizer, admin } = await startServerWithStaff({ env: { PRESENCE_LEAVE_DELAY_MS: "0" } })),
);
afterEach(() => disposeAll(clients));
afterAll(() => server?.stop());

async function connect(token?: string) {
  const client = connectWs(server, { token });
  clients.push(client);
  await client.connected;
  return client;
}

/** roomStats' numbers for one room (0 when it has no subscription). */
async function roomStat(slug: string) {
  const res = await server.gql(ROOM_STATS, {}, { token: admin.accessToken });
  expect(res.errors).toBeUndefined();
  return res.data.roomStats.rooms.find((r: { slug: string }) => r.slug === slug) ?? { memberCount: 0, subscriptionCount: 0 };
}

async function presence(slug: string) {
  const res = await server.gql(ROOM_PRESENCE, { slug });
  return {
    memberCount: res.data.room.memberCount as number,
    members: (res.data.room.members as { id: string }[]).map((m) => m.id).sort(),
  };
}

describe("presence", () => {
  it("counts a user once across two tabs: MemberJoined on the first, MemberLeft when the last ends", async () => {
    const slug = await createRoom(server, organizer.accessToken);
    const [alice, bob] = await Promise.all([createUser(server), createUser(server)]);

    const watcher = (await connect(bob.accessToken)).subscribe(ROOM_EVENTS, { room: slug });
    expect(eventOf(await watcher.next())).toMatchObject({ __typename: "MemberJoined", user: { id: bob.id }, memberCount: 1 });

    const tab1 = await connect(alice.accessToken);
    const tab1Events = tab1.subscribe(ROOM_EVENTS, { room: slug });
    expect(eventOf(await watcher.next())).toMatchObject({ __typename: "MemberJoined", user: { id: alice.id }, memberCount: 2 });
    expect(eventOf(await tab1Events.next())).toMatchObject({ __typename: "MemberJoined", user: { id: alice.id } });

    const tab2 = await connect(alice.accessToken);
    tab2.subscribe(ROOM_EVENTS, { room: slug });
    await vi.waitFor(async () => expect((await roomStat(slug)).subscriptionCount).toBe(3), EVENTUALLY);
    expect(await presence(slug)).toEqual({ memberCount: 2, members: [alice.id, bob.id].sort() });

    // Closing one tab's subscription is not leaving: the next event bob sees is alice leaving
    // only when her second tab drops off (abruptly: no close frame).
    tab1Events.stop();
    await vi.waitFor(async () => expect((await roomStat(slug)).subscriptionCount).toBe(2), EVENTUALLY);
    expect(await presence(slug)).toEqual({ memberCount: 2, members: [alice.id, bob.id].sort() });
    tab2.terminate();
    expect(eventOf(await watcher.next())).toMatchObject({ __typename: "MemberLeft", user: { id: alice.id }, memberCount: 1 });
    expect(await presence(slug)).toEqual({ memberCount: 1, members: [bob.id] });
  });

  it("treats an abruptly dropped socket as leaving every room it was in", async () => {
    const [slugA, slugB] = await Promise.all([
      createRoom(server, organizer.accessToken),
      createRoom(server, organizer.accessToken),
    ]);
    const [carla, dora] = await Promise.all([createUser(server), createUser(server)]);
    const doraSocket = await connect(dora.accessToken);
    const watchA = doraSocket.subscribe(ROOM_EVENTS, { room: slugA });
    const watchB = doraSocket.subscribe(ROOM_EVENTS, { room: slugB });
    await watchA.until(isEvent("MemberJoined", dora.id));
    await watchB.until(isEvent("MemberJoined", dora.id));

    const carlaSocket = await connect(carla.accessToken);
    carlaSocket.subscribe(ROOM_EVENTS, { room: slugA });
    carlaSocket.subscribe(ROOM_EVENTS, { room: slugB });
    await watchA.until(isEvent("MemberJoined", carla.id));
    await watchB.until(isEvent("MemberJoined", carla.id));

    carlaSocket.terminate();
    expect(eventOf(await watchA.until(isEvent("MemberLeft")))).toMatchObject({ user: { id: carla.id }, memberCount: 1 });
    expect(eventOf(await watchB.until(isEvent("MemberLeft")))).toMatchObject({ user: { id: carla.id }, memberCount: 1 });
  });
});

describe("messages", () => {
  it("delivers messages sent over HTTP and over the socket; excludeSelf drops only the subscriber's own", async () => {
    const slug = await createRoom(server, organizer.accessToken);
    const [eva, fede] = await Promise.all([createUser(server), createUser(server)]);
    const evaSocket = await connect(eva.accessToken);
    const evaEvents = evaSocket.subscribe(ROOM_EVENTS, { room: slug, excludeSelf: true });
    await evaEvents.until(isEvent("MemberJoined", eva.id));
    const fedeSocket = await connect(fede.accessToken);
    const fedeEvents = fedeSocket.subscribe(ROOM_EVENTS, { room: slug });
    await fedeEvents.until(isEvent("MemberJoined", fede.id));
    await evaEvents.until(isEvent("MemberJoined", fede.id));

    const sent = await evaSocket.request(SEND_MESSAGE, {
      input: { room: slug, text: "from eva, over the socket", clientMessageId: "e1" },
    });
    expect(sent.errors).toBeUndefined();
    expect(sent.data.sendMessage).toMatchObject({ clientMessageId: "e1" });
    await sendMessage(server, fede.accessToken, { room: slug, text: "from fede, over HTTP" });

    const fedeSees = [eventOf(await fedeEvents.next()), eventOf(await fedeEvents.next())];
    expect(fedeSees.map((e) => e.message.text)).toEqual(["from eva, over the socket", "from fede, over HTTP"]);
    expect(fedeSees[0]!.message).toMatchObject({ id: sent.data.sendMessage.messageId, author: { id: eva.id }, room: { slug } });
    // eva's next event is fede's message: her own was dropped.
    expect(eventOf(await evaEvents.next()).message).toMatchObject({ text: "from fede, over HTTP", author: { id: fede.id } });
  });

  it("shows the author in a posted message as the API shows that user now, role change included", async () => {
    const slug = await createRoom(server, organizer.accessToken);
    const [hana, ivo] = await Promise.all([createUser(server), createUser(server)]);
    const promoted = await server.gql(
      "mutation ($id: ID!) { setUserRole(id: $id, role: ORGANIZER) { id } }",
      { id: hana.id },
      { token: admin.accessToken },
    );
    expect(promoted.errors).toBeUndefined();
    const withAuthor = `subscription ($room: String!) {
      roomEvents(room: $room) { ... on MessagePosted { message { text createdAt author { id email displayName role isActive createdAt } } } }
    }`;
    const events = (await connect(ivo.accessToken)).subscribe(withAuthor, { room: slug });
    await sendMessage(server, hana.accessToken, { room: slug, text: "ya soy organizadora" });
    const { message } = eventOf(await events.until((e) => Boolean(eventOf(e).message)));

    const asIvoSeesHer = await server.gql(
      "query ($id: ID!) { node(id: $id) { ... on User { id email displayName role isActive createdAt } } }",
      { id: hana.id },
      { token: ivo.accessToken },
    );
    expect(message.author).toEqual(asIvoSeesHer.data.node);
    expect(message.author).toMatchObject({ role: "ORGANIZER", email: null, isActive: true });
    expect(Number.isNaN(Date.parse(message.createdAt))).toBe(false);
  });

  it("an idempotent retry is not delivered twice", async () => {
    const slug = await createRoom(server, organizer.accessToken);
    const gina = await createUser(server);
    const events = (await connect(gina.accessToken)).subscribe(ROOM_EVENTS, { room: slug });
    await events.until(isEvent("MemberJoined", gina.id));
    const first = await sendMessage(server, gina.accessToken, { room: slug, text: "once", clientMessageId: "dup" });
    expect(await sendMessage(server, gina.accessToken, { room: slug, text: "once", clientMessageId: "dup" })).toEqual(first);
    await sendMessage(server, gina.accessToken, { room: slug, text: "after" });
    expect(eventOf(await events.next()).message.text).toBe("once");
    expect(eventOf(await events.next()).message.text).toBe("after");
    // The retry took no post number: no gap for live delivery to wait out.
    const room = await server.app.services.prisma.room.findUniqueOrThrow({ where: { slug } });
    expect(room.postCount).toBe(2n);
  });
});

describe("live fields in events", () => {
  it("resolves Room.memberCount afresh for every event of a subscription", async () => {
    const slug = await createRoom(server, organizer.accessToken);
    const [ana, ben] = await Promise.all([createUser(server), createUser(server)]);
    const counts = (await connect(ana.accessToken)).subscribe(
      `subscription ($room: String!) {
        roomEvents(room: $room) { ... on MessagePosted { message { text room { memberCount members { id } } } } }
      }`,
      { room: slug },
    );
    await vi.waitFor(async () => expect((await presence(slug)).memberCount).toBe(1), EVENTUALLY);
    await sendMessage(server, ana.accessToken, { room: slug, text: "alone" });
    const benEvents = (await connect(ben.accessToken)).subscribe(ROOM_EVENTS, { room: slug });
    await benEvents.until(isEvent("MemberJoined", ben.id));
    await sendMessage(server, ana.accessToken, { room: slug, text: "together" });

    const results = counts.results;
    await counts.until((r) => (r.data as any)?.roomEvents?.message?.text === "together");
    const posted = results.map((r) => (r.data as any).roomEvents).filter((e) => e.message);
    expect(posted.map((e) => [e.message.text, e.message.room.memberCount, e.message.room.members.length])).toEqual([
      ["alone", 1, 1],
      ["together", 2, 2],
    ]);
  });
});

describe("resume with since", () => {
  it("replays every message after since, in order, then live ones, with no gap and no duplicate while others post", async () => {
    const slug = await createRoom(server, organizer.accessToken);
    const room = (await server.app.services.rooms.bySlug(slug))!;
    // Several posters at once (sendMessage allows each 20 per 10 s), each posting in sequence.
    const posters = await Promise.all([1, 2, 3, 4, 5, 6].map(() => createUser(server)));
    const reader = await createUser(server);

    const since = (await sendMessage(server, reader.accessToken, { room: slug, text: "since" })).messageId;
    // A long history after `since` (seeded directly: the rate limit would make it slow), so the
    // replay reads several batches while new messages keep arriving.
    await server.app.services.prisma.message.createMany({
      data: Array.from({ length: 700 }, (_, i) => ({ roomId: room.id, authorId: reader.rawId, text: `h${i}` })),
    });

    // Keep posting while the subscription starts, replays and goes live, and a little beyond.
    let events: Collector | undefined;
    const joined = () => events?.results.some(isEvent("MemberJoined", reader.id)) ?? false;
    const chains = posters.map(async (poster, chain) => {
      for (let n = 0, afterJoin = 0; n < 18 && afterJoin < 3; n += 1) {
        await sendMessage(server, poster.accessToken, { room: slug, text: `c${chain}-${n}` });
        if (joined()) afterJoin += 1;
      }
    });
    events = (await connect(reader.accessToken)).subscribe(ROOM_EVENTS, { room: slug, since });
    await Promise.all(chains);
    expect(joined()).toBe(true);
    await sendMessage(server, reader.accessToken, { room: slug, text: "end" });
    await events.until((result) => eventOf(result).message?.text === "end");

    const texts: string[] = events.results
      .map(eventOf)
      .filter((e) => e.__typename === "MessagePosted")
      .map((e) => e.message.text);
    const sinceSeq = (await server.app.services.prisma.message.findUniqueOrThrow({ where: { id: decodeGlobalId(since).id } }))
      .seq;
    const stored = await server.app.services.prisma.message.findMany({ where: { roomId: room.id, seq: { gt: sinceSeq } } });
    // No duplicate, no gap: exactly the messages stored after `since`.
    expect(new Set(texts).size).toBe(texts.length);
    expect([...texts].sort()).toEqual(stored.map((m) => m.text).sort());
    // In order: the history as it was, and each poster's messages in the order they were sent.
    expect(texts.filter((t) => t.startsWith("h"))).toEqual(Array.from({ length: 700 }, (_, i) => `h${i}`));
    for (const chain of posters.keys()) {
      const own = texts.filter((t) => t.startsWith(`c${chain}-`)).map((t) => Number(t.split("-")[1]));
      expect(own).toEqual([...own].sort((a, b) => a - b));
    }
    expect(texts.at(-1)).toBe("end");
  });

  it("delivers simultaneous posts in history order, so the last one received is a safe since", async () => {
    const slug = await createRoom(server, organizer.accessToken);
    const [reader, ...senders] = await Promise.all(Array.from({ length: 9 }, () => createUser(server)));
    const MESSAGE = (value: Record<string, any>) => value?.roomEvents?.__typename === "MessagePosted";
    const live = (await connect(reader!.accessToken)).subscribe(ROOM_EVENTS, { room: slug });
    await live.until(isEvent("MemberJoined", reader!.id));
    const texts = senders.flatMap((sender, i) => [0, 1, 2].map((j) => ({ sender, text: `m${i}-${j}` })));
    await Promise.all(texts.map(({ sender, text }) => sendMessage(server, sender.accessToken, { room: slug, text })));

    const history = await server.gql(
      `query ($slug: String!) { room(slug: $slug) { messages(first: 100) { edges { node { id } } } } }`,
      { slug },
    );
    const stored = history.data.room.messages.edges.map((e: { node: { id: string } }) => e.node.id);
    const received: string[] = [];
    while (received.length < stored.length) {
      const result = await live.next();
      if (MESSAGE(result.data as Record<string, any>)) received.push(eventOf(result).message.id);
    }
    expect(received).toEqual(stored);

    // Resuming after any message received gives exactly the ones after it.
    const cut = Math.floor(stored.length / 3);
    const resumed = (await connect(reader!.accessToken)).subscribe(ROOM_EVENTS, { room: slug, since: received[cut - 1] });
    const replayed: string[] = [];
    while (replayed.length < stored.length - cut) {
      const result = await resumed.next();
      if (MESSAGE(result.data as Record<string, any>)) replayed.push(eventOf(result).message.id);
    }
    expect(replayed).toEqual(stored.slice(cut));
  });

  it("refuses a since from another room, or one that is not a message id, with BAD_USER_INPUT", async () => {
    const [slug, other] = await Promise.all([
      createRoom(server, organizer.accessToken),
      createRoom(server, organizer.accessToken),
    ]);
    const user = await createUser(server);
    const elsewhere = await sendMessage(server, user.accessToken, { room: other, text: "elsewhere" });
    const socket = await connect(user.accessToken);
    expect(await errorCodeOf(socket.subscribe(ROOM_EVENTS, { room: slug, since: elsewhere.messageId }))).toBe("BAD_USER_INPUT");
    expect(await errorCodeOf(socket.subscribe(ROOM_EVENTS, { room: slug, since: "not-an-id" }))).toBe("BAD_USER_INPUT");
    expect(await errorCodeOf(socket.subscribe(ROOM_EVENTS, { room: slug, since: user.id }))).toBe("BAD_USER_INPUT");
    expect(await errorCodeOf(socket.subscribe(ROOM_EVENTS, { room: slug, since: "" }))).toBe("BAD_USER_INPUT"); // not "no since"
  });
});

describe("errors and access", () => {
  it("answers NOT_FOUND for an unknown room, over the socket too", async () => {
    const user = await createUser(server);
    const socket = await connect(user.accessToken);
    expect(await errorCodeOf(socket.subscribe(ROOM_EVENTS, { room: "no-such-room" }))).toBe("NOT_FOUND");
    const send = await socket.request(SEND_MESSAGE, { input: { room: "no-such-room", text: "hello?" } });
    expect(send.errors?.[0]?.extensions?.code).toBe("NOT_FOUND");
  });

  it("lets anonymous sockets run public queries but not roomEvents (UNAUTHENTICATED)", async () => {
    const slug = await createRoom(server, organizer.accessToken);
    const socket = await connect();
    const rooms = await socket.request("{ rooms { slug } }");
    expect(rooms.data.rooms).toContainEqual({ slug });
    expect(await errorCodeOf(socket.subscribe(ROOM_EVENTS, { room: slug }))).toBe("UNAUTHENTICATED");
    const health = await socket.request("{ rooms { slug } }");
    expect(health.errors).toBeUndefined();
  });

  it("closes with 4403 at connection_init when the token is bad", async () => {
    const user = await createUser(server);
    const client = connectWs(server, { token: `${user.accessToken}x` });
    clients.push(client);
    expect(await closeOf(client)).toEqual({ code: 4403, reason: "Invalid access token" });
    const garbage = connectWs(server, { connectionParams: { authorization: "Basic abc" } });
    clients.push(garbage);
    expect(await closeOf(garbage)).toEqual({ code: 4403, reason: "Invalid access token" });
  });

  it("closes the sockets of a user who signs out everywhere with 4403", async () => {
    const user = await createUser(server);
    const socket = await connect(user.accessToken);
    const other = await connect((await createUser(server)).accessToken);
    const res = await server.gql("mutation { logoutAll }", {}, { token: user.accessToken });
    expect(res.errors).toBeUndefined();
    expect((await closeOf(socket)).code).toBe(4403);
    expect((await other.request("{ rooms { slug } }")).errors).toBeUndefined();
  });

  it("operation errors over the socket carry the standard error extensions", async () => {
    const socket = await connect();
    const refused = socket.subscribe("{ nope }");
    await expect(refused.ended).rejects.toEqual([
      expect.objectContaining({ extensions: expect.objectContaining({ code: "GRAPHQL_VALIDATION_FAILED", statusCode: 400 }) }),
    ]);
    const syntax = socket.subscribe("{ rooms {");
    await expect(syntax.ended).rejects.toEqual([
      expect.objectContaining({ extensions: expect.objectContaining({ code: "GRAPHQL_PARSE_FAILED" }) }),
    ]);
    expect((await socket.request("{ rooms { slug } }")).errors).toBeUndefined();
  });
});

describe("roomStats", () => {
  it("counts connections, subscriptions and per room members and subscriptions (ADMIN only)", async () => {
    const slug = await createRoom(server, organizer.accessToken);
    const [hugo, ines] = await Promise.all([createUser(server), createUser(server)]);
    const hugoSocket = await connect(hugo.accessToken);
    const first = hugoSocket.subscribe(ROOM_EVENTS, { room: slug });
    hugoSocket.subscribe(ROOM_EVENTS, { room: slug });
    const inesEvents = (await connect(ines.accessToken)).subscribe(ROOM_EVENTS, { room: slug });
    await first.until(isEvent("MemberJoined", ines.id));
    await inesEvents.until(isEvent("MemberJoined", ines.id));
    await vi.waitFor(
      async () => expect(await roomStat(slug)).toEqual({ slug, memberCount: 2, subscriptionCount: 3 }),
      EVENTUALLY,
    );

    const stats = (await server.gql(ROOM_STATS, {}, { token: admin.accessToken })).data.roomStats;
    expect(stats.connections).toBeGreaterThanOrEqual(2);
    expect(stats.subscriptions).toBeGreaterThanOrEqual(3);

    const refused = await server.gql(ROOM_STATS, {}, { token: hugo.accessToken });
    expect(refused.errors?.[0]?.extensions.code).toBe("FORBIDDEN");
  });
});

describe("shutdown", () => {
  it("closes every socket with 1001 (going away)", async () => {
    const own = await startTestServer();
    try {
      const [org, user] = await Promise.all([createUser(own, { role: "ORGANIZER" }), createUser(own)]);
      const slug = await createRoom(own, org.accessToken);
      const subscriber = connectWs(own, { token: user.accessToken });
      const anonymous = connectWs(own);
      clients.push(subscriber, anonymous);
      await Promise.all([subscriber.connected, anonymous.connected]);
      await subscriber.subscribe(ROOM_EVENTS, { room: slug }).until(isEvent("MemberJoined", user.id));
      await own.stop();
      expect((await closeOf(subscriber)).code).toBe(1001);
      expect((await closeOf(anonymous)).code).toBe(1001);
    } finally {
      await own.stop();
    }
  });
});
