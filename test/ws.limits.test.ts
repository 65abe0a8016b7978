// WebSocket keepalive and limits, with small settings: dead-socket termination, protocol
// ping/pong, frame size (1009), sockets per user (1013), subscriptions per socket, and the
// connection_init timeout (4408).
import { GRAPHQL_TRANSPORT_WS_PROTOCOL } from "graphql-ws";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import WebSocket from "ws";
import { loadConfig } from "../src/config/index.js";
import { createRoom, eventOf, isEvent, ROOM_EVENTS } from "./helpers/rooms.js";
import { startTestServer, type TestServer } from "./helpers/server.js";
import { createUser, type TestUser } from "./helpers/users.js";
import {
  closeOf,
  connectWs,
  errorCodeOf,
  EVENTUALLY,
  SilentWebSocket,
  wsUrl,
  type TestWsClient,
  type WsClientOptions,
} from "./helpers/ws.js";

const LIMITS = {
  // Short, yet long enough that a busy test process still answers every ping in time.
  WS_PING_INTERVAL_MS: "200",
  WS_PONG_TIMEOUT_MS: "2000",
  WS_MAX_PAYLOAD_BYTES: "4096",
  WS_MAX_SOCKETS_PER_USER: "3",
  WS_MAX_SUBSCRIPTIONS_PER_SOCKET: "3",
  WS_CONNECTION_INIT_TIMEOUT_MS: "500",
  // A terminated socket's user leaves at once here (the delayed leave has its own tests).
  PRESENCE_LEAVE_DELAY_MS: "0",
};

let server: TestServer;
let organizer: TestUser;
const clients: TestWsClient[] = [];

beforeAll(async () => {
  server = await startTestServer({ env: LIMITS });
  organizer = await createUser(server, { role: "ORGANIZER" });
});
afterEach(async () => {
  await Promise.all(clients.splice(0).map((c) => c.dispose()));
});
afterAll(() => server?.stop());

function open(options: WsClientOptions = {}) {
  const client = connectWs(server, options);
  clients.push(client);
  return client;
}

async function connect(options: WsClientOptions = {}) {
  const client = open(options);
  await client.connected;
  return client;
}

/** A raw socket speaking the graphql-ws subprotocol, for frames the client library never sends. */
function rawSocket() {
  const socket = new WebSocket(wsUrl(server), GRAPHQL_TRANSPORT_WS_PROTOCOL);
  const messages: Record<string, unknown>[] = [];
  socket.on("message", (data) => messages.push(JSON.parse(String(data))));
  const opened = new Promise<void>((resolve, reject) => {
    socket.once("open", () => resolve());
    socket.once("error", reject);
  });
  const closed = new Promise<number>((resolve) => socket.once("close", (code) => resolve(code)));
  return { socket, messages, opened, closed };
}

describe("keepalive", () => {
  it("terminates a socket that stops answering, which leaves its rooms; live peers stay", async () => {
    const slug = await createRoom(server, organizer.accessToken);
    const [watcherUser, ghostUser, chattyUser] = await Promise.all([createUser(server), createUser(server), createUser(server)]);
    const watcher = await connect({ token: watcherUser.accessToken });
    const events = watcher.subscribe(ROOM_EVENTS, { room: slug });
    await events.until(isEvent("MemberJoined", watcherUser.id));

    // Answers no WebSocket pings, but sends graphql-ws pings: any frame counts as alive.
    const chatty = await connect({ token: chattyUser.accessToken, webSocketImpl: SilentWebSocket, keepAlive: 200 });
    chatty.subscribe(ROOM_EVENTS, { room: slug });
    await events.until(isEvent("MemberJoined", chattyUser.id));

    const ghost = await connect({ token: ghostUser.accessToken, webSocketImpl: SilentWebSocket });
    ghost.subscribe(ROOM_EVENTS, { room: slug });
    await events.until(isEvent("MemberJoined", ghostUser.id));

    expect((await closeOf(ghost)).code).toBe(1006); // terminated: no close frame
    expect(eventOf(await events.next())).toMatchObject({ __typename: "MemberLeft", user: { id: ghostUser.id }, memberCount: 2 });
    // Both others outlived the ghost's timeout: still connected and served.
    expect((await watcher.request("{ rooms { slug } }")).errors).toBeUndefined();
    expect((await chatty.request("{ rooms { slug } }")).errors).toBeUndefined();
  });

  it("refuses a configuration whose pong timeout does not exceed the ping interval", () => {
    const env = { NODE_ENV: "test", WS_PING_INTERVAL_MS: "1000" };
    expect(() => loadConfig({ ...env, WS_PONG_TIMEOUT_MS: "1000" })).toThrow(/WS_PONG_TIMEOUT_MS must be greater/);
    expect(loadConfig({ ...env, WS_PONG_TIMEOUT_MS: "1001" }).config.ws.pongTimeoutMs).toBe(1001);
  });

  it("answers graphql-ws Ping messages with Pong", async () => {
    const raw = rawSocket();
    await raw.opened;
    raw.socket.send(JSON.stringify({ type: "connection_init" }));
    await expect.poll(() => raw.messages, EVENTUALLY).toEqual([{ type: "connection_ack" }]);
    raw.socket.send(JSON.stringify({ type: "ping", payload: { n: 1 } }));
    await expect.poll(() => raw.messages, EVENTUALLY).toEqual([{ type: "connection_ack" }, { type: "pong", payload: { n: 1 } }]);
    raw.socket.close();
  });

  it("closes a socket that sends no connection_init in time with 4408", async () => {
    const raw = rawSocket();
    await raw.opened;
    expect(await raw.closed).toBe(4408);
  });
});

describe("protocol", () => {
  it("closes a socket without the graphql-transport-ws subprotocol with 4406, and one sending a malformed frame with 4400", async () => {
    const other = new WebSocket(wsUrl(server));
    expect(await new Promise<number>((resolve) => other.once("close", (code) => resolve(code)))).toBe(4406);

    const raw = rawSocket();
    await raw.opened;
    raw.socket.send("{ not json");
    expect(await raw.closed).toBe(4400);
  });

  it("answers a document whose operation cannot be identified with BAD_REQUEST, as over HTTP; the socket stays usable", async () => {
    const user = await createUser(server);
    const raw = rawSocket();
    await raw.opened;
    const until = async (count: number) => expect.poll(() => raw.messages.length, EVENTUALLY).toBeGreaterThanOrEqual(count);
    raw.socket.send(JSON.stringify({ type: "connection_init", payload: { authorization: `Bearer ${user.accessToken}` } }));
    await until(1);
    const query = "query A { __typename } query B { __typename }";
    raw.socket.send(JSON.stringify({ id: "1", type: "subscribe", payload: { query } }));
    raw.socket.send(JSON.stringify({ id: "2", type: "subscribe", payload: { query, operationName: "C" } }));
    raw.socket.send(JSON.stringify({ id: "3", type: "subscribe", payload: { query, operationName: "B" } }));
    await until(5);
    for (const id of ["1", "2"]) {
      const answer = raw.messages.find((m) => m.id === id) as {
        type: string;
        payload: { message: string; extensions: Record<string, unknown> }[];
      };
      expect(answer).toMatchObject({
        type: "error",
        payload: [{ message: "Could not determine what operation to execute.", extensions: { code: "BAD_REQUEST" } }],
      });
      expect(answer.payload[0]!.extensions.requestId).toEqual(expect.any(String));
    }
    expect(raw.messages.find((m) => m.id === "3")).toEqual({ id: "3", type: "next", payload: { data: { __typename: "Query" } } });
    raw.socket.close();
  });
});

describe("subscription root field", () => {
  it("refuses @skip/@include on it at validation; the socket and its other subscriptions carry on", async () => {
    const slug = await createRoom(server, organizer.accessToken);
    const [user, other] = [await createUser(server), await createUser(server)];
    const socket = await connect({ token: user.accessToken });
    const live = socket.subscribe(ROOM_EVENTS, { room: slug });
    await live.until(isEvent("MemberJoined", user.id));
    const conditional = [
      `subscription { roomEvents(room: "${slug}") @skip(if: true) { __typename } }`,
      `subscription ($on: Boolean!) { roomEvents(room: "${slug}") @include(if: $on) { __typename } }`,
      `subscription { ... on Subscription @include(if: false) { roomEvents(room: "${slug}") { __typename } } }`,
      `subscription { ...Root } fragment Root on Subscription { roomEvents(room: "${slug}") @skip(if: false) { __typename } }`,
    ];
    for (const query of conditional) {
      const refused = socket.subscribe(query, { on: true });
      expect(await errorCodeOf(refused), query).toBe("GRAPHQL_VALIDATION_FAILED");
    }
    const joined = await connect({ token: other.accessToken });
    joined.subscribe(ROOM_EVENTS, { room: slug });
    await live.until(isEvent("MemberJoined", other.id));
  });
});

describe("limits", () => {
  it("closes a socket sending a frame over WS_MAX_PAYLOAD_BYTES with 1009; others are unaffected", async () => {
    const user = await createUser(server);
    const bystander = await connect({ token: user.accessToken });
    const sender = await connect({ token: user.accessToken });
    sender.subscribe(`{ rooms { slug } } # ${"x".repeat(5000)}`);
    expect((await closeOf(sender)).code).toBe(1009);
    expect((await bystander.request("{ rooms { slug } }")).errors).toBeUndefined();
  });

  it("refuses a subscription over the per-socket cap with an error; the socket stays usable", async () => {
    const slug = await createRoom(server, organizer.accessToken);
    const user = await createUser(server);
    const socket = await connect({ token: user.accessToken });
    const running = [1, 2, 3].map(() => socket.subscribe(ROOM_EVENTS, { room: slug }));
    await running[0]!.until(isEvent("MemberJoined", user.id));

    const refused = socket.subscribe(ROOM_EVENTS, { room: slug });
    expect(await errorCodeOf(refused)).toBe("RATE_LIMITED");
    // Queries are not subscriptions: still served on the same socket.
    expect((await socket.request("{ rooms { slug } }")).errors).toBeUndefined();

    running[0]!.stop();
    const another = socket.subscribe(ROOM_EVENTS, { room: `${slug}-nope` });
    expect(await errorCodeOf(another)).toBe("NOT_FOUND"); // admitted (then refused for the room)
  });

  it("closes a user's socket over the per-user cap with 1013 (try again later); room is made when one closes", async () => {
    const user = await createUser(server);
    const sockets = await Promise.all([1, 2, 3].map(() => connect({ token: user.accessToken })));
    const extra = open({ token: user.accessToken });
    expect(await closeOf(extra)).toEqual({ code: 1013, reason: "Too many connections (at most 3 per user)" });
    // Another user and anonymous sockets are not affected.
    await connect({ token: (await createUser(server)).accessToken });
    await connect();

    await sockets[0]!.dispose();
    await expect
      .poll(async () => {
        const retry = open({ token: user.accessToken });
        return Promise.race([retry.connected.then(() => "connected"), retry.closed.then(({ code }) => code)]);
      }, EVENTUALLY)
      .toBe("connected");
  });
});
