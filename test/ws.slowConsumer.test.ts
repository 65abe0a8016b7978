// A subscriber that stops reading (its TCP socket no longer read) is bounded in bytes: once its
// socket holds WS_MAX_BUFFERED_BYTES unsent, each of its subscriptions is ended with the
// documented "fell behind, subscribe again with since" error (SERVICE_UNAVAILABLE), which it reads
// once it reads again, while another subscriber of the same room gets every message.
import { afterAll, beforeAll, expect, it } from "vitest";
import type WebSocket from "ws";
import { createRoom, eventOf, isEvent, ROOM_EVENTS, ROOM_STATS } from "./helpers/rooms.js";
import { startTestServer, type TestServer } from "./helpers/server.js";
import { createUser, type TestUser } from "./helpers/users.js";
import { connectKept, disposeAll, type Collector, type TestWsClient } from "./helpers/ws.js";

const SUBSCRIPTIONS = 10;
let server: TestServer;
let organizer: TestUser;
let admin: TestUser;
const clients: TestWsClient[] = [];

beforeAll(async () => {
  server = await startTestServer({
    env: { WS_MAX_BUFFERED_BYTES: "65536", WS_MAX_SUBSCRIPTIONS_PER_SOCKET: String(SUBSCRIPTIONS) },
  });
  [organizer, admin] = await Promise.all([createUser(server, { role: "ORGANIZER" }), createUser(server, { role: "ADMIN" })]);
});
afterAll(async () => {
  await disposeAll(clients);
  await server?.stop();
});

const connect = (token: string) => connectKept(server, clients, { token });

/** The TCP socket under a `ws` client: pausing it stops reading from the network. */
const tcpOf = (client: TestWsClient) => (client.socket() as WebSocket & { _socket: { pause(): void; resume(): void } })._socket;

async function subscriptionCount(slug: string): Promise<number> {
  const stats = await server.gql(ROOM_STATS, {}, { token: admin.accessToken });
  return stats.data.roomStats.rooms.find((room: { slug: string }) => room.slug === slug)?.subscriptionCount ?? 0;
}

it("ends the subscriptions of a socket that stopped reading with the documented error; others get every message", async () => {
  const slug = await createRoom(server, organizer.accessToken);
  const [reader, stalled] = await Promise.all([createUser(server), createUser(server)]);
  const watcher = (await connect(reader.accessToken)).subscribe(ROOM_EVENTS, { room: slug });
  await watcher.until(isEvent("MemberJoined", reader.id));

  const slow = await connect(stalled.accessToken);
  const slowEvents: Collector[] = Array.from({ length: SUBSCRIPTIONS }, () => slow.subscribe(ROOM_EVENTS, { room: slug }));
  await slowEvents[0]!.until(isEvent("MemberJoined", stalled.id));
  expect(await subscriptionCount(slug)).toBe(SUBSCRIPTIONS + 1);
  tcpOf(slow).pause();

  // Big messages, each sent to every one of the stalled socket's subscriptions, until the server
  // has ended them (the OS buffers in between take a few MB first). Posted through the service:
  // sendMessage's rate limit is not what this is about.
  const author = { id: reader.rawId, role: "USER" as const, tokenExpiresAt: new Date(Date.now() + 600_000) };
  const text = "x".repeat(1990);
  const sent: string[] = [];
  for (let round = 0; round < 100 && (await subscriptionCount(slug)) > 1; round++) {
    for (let i = 0; i < 10; i++) {
      await server.app.services.rooms.sendMessage(author, { room: slug, text: `${round}-${i} ${text}` });
      sent.push(`${round}-${i}`);
    }
  }
  expect(await subscriptionCount(slug)).toBe(1);

  // The reader was never held up: it has every message (in history order, as always).
  const received: string[] = [];
  while (received.length < sent.length) {
    const event = eventOf(await watcher.next());
    if (event.__typename === "MessagePosted") received.push(event.message.text.split(" ")[0]);
  }
  expect(received).toEqual(sent);

  // Reading again, the stalled client gets what was buffered, then the documented error on each.
  tcpOf(slow).resume();
  for (const events of slowEvents) {
    const errors = (await events.ended.then(
      () => undefined,
      (error: unknown) => error,
    )) as { message: string; extensions: { code: string } }[];
    expect(errors[0]!.extensions.code).toBe("SERVICE_UNAVAILABLE");
    expect(errors[0]!.message).toMatch(/fell behind .* subscribe again with since/);
  }
  // The socket itself stays open and usable.
  expect((await slow.request("{ rooms { slug } }")).errors).toBeUndefined();
}, 120_000);
