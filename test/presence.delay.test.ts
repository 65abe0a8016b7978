// Presence without flapping, on one instance: a member whose socket vanished without a close
// frame is announced as gone only PRESENCE_LEAVE_DELAY_MS later, and not at all when they come
// back within it; a close frame or a completed subscription leaves at once.
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { createRoom, eventOf, isEvent, ROOM_EVENTS, ROOM_PRESENCE, sendMessage } from "./helpers/rooms.js";
import { startTestServer, type TestServer } from "./helpers/server.js";
import { createUser, type TestUser } from "./helpers/users.js";
import { closeOf, connectKept, disposeAll, type Collector, type TestWsClient } from "./helpers/ws.js";

const DELAY_MS = 3000;
let server: TestServer;
let organizer: TestUser;
const clients: TestWsClient[] = [];

beforeAll(async () => {
  server = await startTestServer({ env: { PRESENCE_LEAVE_DELAY_MS: String(DELAY_MS) } });
  organizer = await createUser(server, { role: "ORGANIZER" });
});
afterEach(() => disposeAll(clients));
afterAll(() => server?.stop());

const connect = (token: string) => connectKept(server, clients, { token });

/** A room with a watcher in it; returns the watcher's events (its own join taken). */
async function watchedRoom() {
  const slug = await createRoom(server, organizer.accessToken);
  const watcher = await createUser(server);
  const events = (await connect(watcher.accessToken)).subscribe(ROOM_EVENTS, { room: slug });
  await events.until(isEvent("MemberJoined", watcher.id));
  return { slug, events };
}

async function join(slug: string, user: TestUser, events: Collector) {
  const socket = await connect(user.accessToken);
  const subscription = socket.subscribe(ROOM_EVENTS, { room: slug });
  await events.until(isEvent("MemberJoined", user.id));
  return { socket, subscription };
}

/** The watcher's next event's type and, for presence, whose and the count. */
async function nextOf(events: Collector) {
  const event = eventOf(await events.next());
  return event.__typename === "MessagePosted"
    ? { type: "MessagePosted", text: event.message.text }
    : { type: event.__typename, user: event.user.id, memberCount: event.memberCount };
}

const memberCount = async (slug: string) => (await server.gql(ROOM_PRESENCE, { slug })).data.room.memberCount as number;

describe("PRESENCE_LEAVE_DELAY_MS", () => {
  it("announces a member whose socket vanished as gone only after the delay (still counted until then); one closing with a close frame at once", async () => {
    const { slug, events } = await watchedRoom();
    const [ana, carla] = await Promise.all([createUser(server), createUser(server)]);
    const carlaJoined = await join(slug, carla, events);
    const { socket } = await join(slug, ana, events);
    const vanishedAt = Date.now();
    socket.terminate();
    await sendMessage(server, organizer.accessToken, { room: slug, text: "still here?" });
    expect(await nextOf(events)).toEqual({ type: "MessagePosted", text: "still here?" });
    expect(await memberCount(slug)).toBe(3);
    expect(await nextOf(events)).toEqual({ type: "MemberLeft", user: ana.id, memberCount: 2 });
    expect(Date.now() - vanishedAt).toBeGreaterThanOrEqual(DELAY_MS);
    expect(await memberCount(slug)).toBe(2);

    const closedAt = Date.now();
    await carlaJoined.socket.dispose(); // close frame 1000
    expect((await closeOf(carlaJoined.socket)).code).toBe(1000);
    expect(await nextOf(events)).toEqual({ type: "MemberLeft", user: carla.id, memberCount: 1 });
    expect(Date.now() - closedAt).toBeLessThan(DELAY_MS);
  });

  it("announces nothing when the member comes back within the delay", async () => {
    const { slug, events } = await watchedRoom();
    const beto = await createUser(server);
    const first = await join(slug, beto, events);
    first.socket.terminate();
    const again = await connect(beto.accessToken);
    const back = again.subscribe(ROOM_EVENTS, { room: slug });
    await sendMessage(server, organizer.accessToken, { room: slug, text: "welcome back" });
    await back.until((r) => eventOf(r).message?.text === "welcome back");
    // Past the delay, the vanished socket's leave finds beto still there: no MemberLeft.
    await new Promise((resolve) => setTimeout(resolve, DELAY_MS + 500));
    await sendMessage(server, organizer.accessToken, { room: slug, text: "after the delay" });
    expect(await nextOf(events)).toEqual({ type: "MessagePosted", text: "welcome back" });
    expect(await nextOf(events)).toEqual({ type: "MessagePosted", text: "after the delay" });
    expect(await memberCount(slug)).toBe(2);
    // Completing the subscription leaves at once.
    back.stop();
    expect(await nextOf(events)).toEqual({ type: "MemberLeft", user: beto.id, memberCount: 1 });
  });
});
