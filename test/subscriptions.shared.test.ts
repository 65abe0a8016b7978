// A room event is executed once per distinct subscription and the result shared: what each
// subscriber receives must still be exactly what it would get on its own (its own filters, its
// own view of viewer-dependent fields such as User.email). Shared results are sent straight to
// the sockets: every subscriber still gets every event once, in the same order, and a completed
// subscription gets nothing more.
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { createRoom, eventOf, isEvent, sendMessage } from "./helpers/rooms.js";
import type { TestServer } from "./helpers/server.js";
import { createUser, startServerWithStaff, type TestUser } from "./helpers/users.js";
import { connectWs, disposeAll, type Collector, type TestWsClient } from "./helpers/ws.js";

const WITH_EMAIL = /* GraphQL */ `
  subscription Shared($room: String!, $excludeSelf: Boolean! = false) {
    roomEvents(room: $room, excludeSelf: $excludeSelf) {
      __typename
      ... on MessagePosted { message { text author { id email } } }
      ... on MemberJoined { user { id } }
    }
  }
`;

const WITHOUT_EMAIL = /* GraphQL */ `
  subscription Plain($room: String!, $excludeSelf: Boolean! = false) {
    roomEvents(room: $room, excludeSelf: $excludeSelf) {
      __typename
      ... on MessagePosted { message { text author { id } } }
      ... on MemberJoined { user { id } }
    }
  }
`;

let server: TestServer;
let organizer: TestUser;
let admin: TestUser;
const clients: TestWsClient[] = [];

beforeAll(async () => void ({ server, organizer, admin } = await startServerWithStaff()));
afterEach(() => disposeAll(clients));
afterAll(() => server?.stop());

/** Subscribes `user` and waits for its own MemberJoined, so later messages reach it. */
async function subscribe(user: TestUser, query: string, variables: Record<string, unknown>): Promise<Collector> {
  const client = connectWs(server, { token: user.accessToken });
  clients.push(client);
  await client.connected;
  const events = client.subscribe(query, variables);
  await events.until(isEvent("MemberJoined", user.id));
  return events;
}

const nextMessage = async (events: Collector) =>
  eventOf(await events.until((r) => eventOf(r).__typename === "MessagePosted")).message;

describe("shared execution of room events", () => {
  it("gives each subscriber of one document its own view of viewer-dependent fields", async () => {
    const slug = await createRoom(server, organizer.accessToken);
    const [ana, beto, cami] = await Promise.all([createUser(server), createUser(server), createUser(server)]);
    const anaEvents = await subscribe(ana, WITH_EMAIL, { room: slug });
    const betoEvents = await subscribe(beto, WITH_EMAIL, { room: slug });
    const camiEvents = await subscribe(cami, WITH_EMAIL, { room: slug });
    const adminEvents = await subscribe(admin, WITH_EMAIL, { room: slug });

    await sendMessage(server, ana.accessToken, { room: slug, text: "hola" });

    expect(await nextMessage(anaEvents)).toEqual({ text: "hola", author: { id: ana.id, email: ana.email } });
    expect(await nextMessage(betoEvents)).toEqual({ text: "hola", author: { id: ana.id, email: null } });
    expect(await nextMessage(camiEvents)).toEqual({ text: "hola", author: { id: ana.id, email: null } });
    expect(await nextMessage(adminEvents)).toEqual({ text: "hola", author: { id: ana.id, email: ana.email } });
  });

  it("keeps excludeSelf per subscriber when subscribers share document and variables", async () => {
    const slug = await createRoom(server, organizer.accessToken);
    const [caro, dani] = await Promise.all([createUser(server), createUser(server)]);
    const caroEvents = await subscribe(caro, WITHOUT_EMAIL, { room: slug, excludeSelf: true });
    const daniEvents = await subscribe(dani, WITHOUT_EMAIL, { room: slug, excludeSelf: true });

    await sendMessage(server, caro.accessToken, { room: slug, text: "from caro" });
    await sendMessage(server, dani.accessToken, { room: slug, text: "from dani" });

    expect(await nextMessage(daniEvents)).toEqual({ text: "from caro", author: { id: caro.id } });
    // caro's first message event is dani's: her own was dropped for her alone.
    expect(await nextMessage(caroEvents)).toEqual({ text: "from dani", author: { id: dani.id } });
  });

  it("delivers one event to subscribers of different documents, each in its own shape", async () => {
    const slug = await createRoom(server, organizer.accessToken);
    const [eli, facu] = await Promise.all([createUser(server), createUser(server)]);
    const eliEvents = await subscribe(eli, WITH_EMAIL, { room: slug });
    const facuEvents = await subscribe(facu, WITHOUT_EMAIL, { room: slug });

    await sendMessage(server, facu.accessToken, { room: slug, text: "dos formas" });

    expect(await nextMessage(eliEvents)).toEqual({ text: "dos formas", author: { id: facu.id, email: null } });
    expect(await nextMessage(facuEvents)).toEqual({ text: "dos formas", author: { id: facu.id } });
  });

  it("sends every subscriber every message once and in one order while several are posted at once", async () => {
    const slug = await createRoom(server, organizer.accessToken);
    const senders = await Promise.all([createUser(server), createUser(server), createUser(server)]);
    const listeners = await Promise.all([createUser(server), createUser(server), createUser(server), createUser(server)]);
    const streams = await Promise.all(listeners.map((user) => subscribe(user, WITHOUT_EMAIL, { room: slug })));

    const texts = senders.flatMap((_, s) => Array.from({ length: 5 }, (_, i) => `burst ${s}.${i}`));
    await Promise.all(
      texts.map((text, i) => sendMessage(server, senders[i % senders.length]!.accessToken, { room: slug, text })),
    );

    const received = await Promise.all(
      streams.map(async (events) => {
        const seen: string[] = [];
        while (seen.length < texts.length) seen.push((await nextMessage(events)).text);
        return seen;
      }),
    );
    expect([...received[0]!].sort()).toEqual([...texts].sort());
    for (const seen of received) expect(seen).toEqual(received[0]);
  });

  it("sends a subscription the client completed nothing more, while the socket's other subscription goes on", async () => {
    const slug = await createRoom(server, organizer.accessToken);
    const gabi = await createUser(server);
    const client = connectWs(server, { token: gabi.accessToken });
    clients.push(client);
    await client.connected;
    const frames: string[] = [];
    client.socket().on("message", (data) => frames.push(String(data)));
    const stopped = client.subscribe(WITHOUT_EMAIL, { room: slug });
    const kept = client.subscribe(WITHOUT_EMAIL, { room: slug });
    await Promise.all([stopped.until(isEvent("MemberJoined", gabi.id)), kept.until(isEvent("MemberJoined", gabi.id))]);
    await sendMessage(server, gabi.accessToken, { room: slug, text: "both" });
    await Promise.all([nextMessage(stopped), nextMessage(kept)]);

    stopped.stop();
    await sendMessage(server, gabi.accessToken, { room: slug, text: "only one" });
    await nextMessage(kept);
    await sendMessage(server, gabi.accessToken, { room: slug, text: "still one" });
    await nextMessage(kept);
    const nextFrames = (text: string) => frames.filter((f) => f.includes('"type":"next"') && f.includes(text)).length;
    expect(nextFrames("both")).toBe(2);
    expect(nextFrames("only one")).toBe(1);
    expect(nextFrames("still one")).toBe(1);
  });
});
