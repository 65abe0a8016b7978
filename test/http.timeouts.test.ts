// HTTP connection time limits (HTTP_HEADERS_TIMEOUT_MS, HTTP_REQUEST_TIMEOUT_MS,
// HTTP_KEEP_ALIVE_TIMEOUT_MS) on raw sockets: half-sent, silent and idle keep-alive connections
// are closed; an open WebSocket with a live subscription outlives all of them.
import { connect, type Socket } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { connectionsCheckingIntervalMs, silentConnectionTimeoutMs } from "../src/server/httpTimeouts.js";
import { createRoom, eventOf, isEvent, ROOM_EVENTS, sendMessage } from "./helpers/rooms.js";
import { startServerWithStaff } from "./helpers/users.js";
import type { TestServer } from "./helpers/server.js";
import { connectWs } from "./helpers/ws.js";
import type { TestUser } from "./helpers/users.js";

const TIMEOUTS = { headersTimeoutMs: 600, requestTimeoutMs: 1000, keepAliveTimeoutMs: 500 };
const INTERVAL = connectionsCheckingIntervalMs(TIMEOUTS);
/** Room for a loaded machine on top of a deadline: Node adds up to 1 s to the keep-alive timeout. */
const SLACK_MS = 1500;

let server: TestServer;
let organizer: TestUser;

beforeAll(async () => {
  ({ server, organizer } = await startServerWithStaff({
    env: {
      HTTP_HEADERS_TIMEOUT_MS: String(TIMEOUTS.headersTimeoutMs),
      HTTP_REQUEST_TIMEOUT_MS: String(TIMEOUTS.requestTimeoutMs),
      HTTP_KEEP_ALIVE_TIMEOUT_MS: String(TIMEOUTS.keepAliveTimeoutMs),
    },
  }));
});
afterAll(() => server?.stop());

interface RawConnection {
  socket: Socket;
  /** Everything the server sent. */
  received(): string;
  /** Resolves with the milliseconds from open to close. */
  closedAfter: Promise<number>;
}

function openRaw(firstBytes?: string): Promise<RawConnection> {
  const { port } = server.app;
  return new Promise((resolve, reject) => {
    const socket = connect(port, "127.0.0.1");
    let text = "";
    socket.on("data", (chunk) => (text += chunk.toString()));
    socket.on("error", () => undefined); // a reset is also a close
    socket.once("connect", () => {
      const openedAt = Date.now();
      const closedAfter = new Promise<number>((done) => socket.once("close", () => done(Date.now() - openedAt)));
      if (firstBytes) socket.write(firstBytes);
      resolve({ socket, received: () => text, closedAfter });
    });
    socket.once("error", reject);
  });
}

describe("HTTP connection timeouts", () => {
  it("closes a connection that sent only part of its headers within the headers timeout (408)", async () => {
    const conn = await openRaw(`POST /graphql HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n`);
    const after = await conn.closedAfter;
    expect(after).toBeLessThan(TIMEOUTS.headersTimeoutMs + INTERVAL + SLACK_MS);
    expect(conn.received()).toMatch(/^HTTP\/1\.1 408 /);
  });

  it("closes a connection that sends nothing at all after the headers timeout", async () => {
    const conn = await openRaw();
    const after = await conn.closedAfter;
    expect(after).toBeGreaterThanOrEqual(TIMEOUTS.headersTimeoutMs - 50);
    expect(after).toBeLessThan(silentConnectionTimeoutMs(TIMEOUTS) + SLACK_MS);
  });

  it("closes a connection whose body trickles in past the request timeout, even though bytes keep coming", async () => {
    const conn = await openRaw(
      `POST /graphql HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\nContent-Length: 1000\r\n\r\n{`,
    );
    const trickle = setInterval(() => conn.socket.writable && conn.socket.write(" "), 100);
    const after = await conn.closedAfter.finally(() => clearInterval(trickle));
    expect(after).toBeLessThan(TIMEOUTS.requestTimeoutMs + INTERVAL + SLACK_MS);
  });

  it("answers on a keep-alive connection, then closes it once idle for the keep-alive timeout", async () => {
    const body = JSON.stringify({ query: "{ __typename }" });
    const conn = await openRaw(
      `POST /graphql HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\nContent-Length: ${Buffer.byteLength(body)}\r\n\r\n${body}`,
    );
    await expect.poll(() => conn.received(), { timeout: 5000 }).toContain('"__typename":"Query"');
    const answeredAt = Date.now();
    const after = await conn.closedAfter;
    expect(conn.received()).toMatch(/^HTTP\/1\.1 200 /);
    expect(conn.received().toLowerCase()).toContain("keep-alive");
    const idle = Date.now() - answeredAt;
    expect(idle).toBeGreaterThanOrEqual(TIMEOUTS.keepAliveTimeoutMs - 50);
    expect(idle).toBeLessThan(TIMEOUTS.keepAliveTimeoutMs + SLACK_MS);
    expect(after).toBeGreaterThan(0);
  });

  it("keeps an open WebSocket and its subscription well past every HTTP timeout", async () => {
    const room = await createRoom(server, organizer.accessToken);
    const ws = connectWs(server, { token: organizer.accessToken });
    try {
      await ws.connected;
      const events = ws.subscribe(ROOM_EVENTS, { room });
      await events.until(isEvent("MemberJoined", organizer.id));
      const quiet = TIMEOUTS.requestTimeoutMs + TIMEOUTS.keepAliveTimeoutMs + 2 * SLACK_MS;
      const closedEarly = await Promise.race([ws.closed.then(() => true), new Promise((r) => setTimeout(() => r(false), quiet))]);
      expect(closedEarly).toBe(false);
      await sendMessage(server, organizer.accessToken, { room, text: "still here" });
      expect(eventOf(await events.until(isEvent("MessagePosted")))).toMatchObject({ message: { text: "still here" } });
    } finally {
      await ws.dispose();
    }
  });
});
