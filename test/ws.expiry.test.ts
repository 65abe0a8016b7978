// A socket lives as long as its access token (ACCESS_TOKEN_TTL=6s here): closed with 4403 when
// it expires, unless authenticateConnection moved it to a fresh token of the same user first.
import { setTimeout as sleep } from "node:timers/promises";
import { decodeJwt } from "jose";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { createRoom, isEvent, ROOM_EVENTS } from "./helpers/rooms.js";
import { startTestServer, type TestServer } from "./helpers/server.js";
import { createUser, type TestUser } from "./helpers/users.js";
import { closeOf, connectWs, type TestWsClient } from "./helpers/ws.js";

const AUTHENTICATE = "mutation ($token: String!) { authenticateConnection(accessToken: $token) }";
const REFRESH = "mutation ($token: String!) { refresh(refreshToken: $token) { accessToken refreshToken } }";

let server: TestServer;
let organizer: TestUser;
const clients: TestWsClient[] = [];

beforeAll(async () => {
  server = await startTestServer({ env: { ACCESS_TOKEN_TTL: "6s" } });
  organizer = await createUser(server, { role: "ORGANIZER" });
});
afterEach(async () => {
  await Promise.all(clients.splice(0).map((c) => c.dispose()));
});
afterAll(() => server?.stop());

async function connect(token: string) {
  const client = connectWs(server, { token });
  clients.push(client);
  await client.connected;
  return client;
}

const expiryOf = (token: string) => decodeJwt(token).exp! * 1000;
const until = (at: number) => sleep(Math.max(0, at - Date.now()));

describe("token expiry on a socket", () => {
  it("closes the socket with 4403 when its token expires; the expired token is then refused at connect", async () => {
    const slug = await createRoom(server, organizer.accessToken);
    const user = await createUser(server);
    const socket = await connect(user.accessToken);
    const events = socket.subscribe(ROOM_EVENTS, { room: slug });
    await events.until(isEvent("MemberJoined", user.id));

    const closed = await closeOf(socket);
    expect(closed).toEqual({ code: 4403, reason: "Access token expired" });
    expect(Date.now()).toBeGreaterThanOrEqual(expiryOf(user.accessToken)); // never before it

    const again = connectWs(server, { token: user.accessToken });
    clients.push(again);
    expect(await closeOf(again)).toEqual({ code: 4403, reason: "Access token expired" });
  });

  it("keeps a socket past its first token's expiry after authenticateConnection with a fresh token", async () => {
    const user = await createUser(server);
    const socket = await connect(user.accessToken);
    const firstExpiry = expiryOf(user.accessToken);

    // Seconds of margin: a loaded CI machine once took over 1.2 s to refresh and re-authenticate.
    await until(firstExpiry - 4000);
    const refreshed = await server.gql(REFRESH, { token: user.refreshToken });
    expect(refreshed.errors).toBeUndefined();
    const fresh = refreshed.data.refresh.accessToken as string;
    const res = await socket.request(AUTHENTICATE, { token: fresh });
    expect(res.errors).toBeUndefined();
    expect(new Date(res.data.authenticateConnection).getTime()).toBe(expiryOf(fresh));

    await until(firstExpiry + 500);
    expect((await socket.request("{ me { id } }")).data.me).toEqual({ id: user.id });
    // The new expiry is scheduled in turn.
    expect((await closeOf(socket)).code).toBe(4403);
  });

  it("refuses another user's token (FORBIDDEN) and a bad one, leaving the socket as it was", async () => {
    const [user, other] = await Promise.all([createUser(server), createUser(server)]);
    const socket = await connect(user.accessToken);
    const forbidden = await socket.request(AUTHENTICATE, { token: other.accessToken });
    expect(forbidden.errors?.[0]?.extensions?.code).toBe("FORBIDDEN");
    const bad = await socket.request(AUTHENTICATE, { token: "not-a-token" });
    expect(bad.errors?.[0]?.extensions?.code).toBe("INVALID_TOKEN");
    expect((await socket.request("{ me { id } }")).data.me).toEqual({ id: user.id });
  });
});
