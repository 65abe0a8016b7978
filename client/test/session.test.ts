// The kit's session against a real server with 3-second access tokens: concurrent callers share
// one refresh (sent without the expired token), two tabs sharing storage refresh once between
// them and both stay signed in, and a revoked session is one signedOut event that also ends the
// room streams.
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from "vitest";
import { memoryStorage, type SignedOutReason } from "../src/index.js";
import { createRoom } from "../../test/helpers/rooms.js";
import { startTestServer, type TestServer } from "../../test/helpers/server.js";
import { createUser, type TestUser } from "../../test/helpers/users.js";
import { collect, device, type Device } from "./helpers/kit.js";

const EVENTUALLY = { timeout: 15_000, interval: 50 };
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe("the kit's session", () => {
  let server: TestServer;
  const devices: Device[] = [];

  beforeAll(async () => {
    server = await startTestServer({ env: { ACCESS_TOKEN_TTL: "3s", TRUST_PROXY: "true" } });
  });
  afterEach(async () => {
    await Promise.all(devices.splice(0).map((d) => d.dispose()));
  });
  afterAll(async () => {
    await server?.stop();
  });

  function tab(options: Parameters<typeof device>[0]["session"] = {}) {
    const d = device({ url: server.url, session: options });
    devices.push(d);
    return d;
  }

  const login = (d: Device, user: TestUser) => d.session.login({ email: user.email, password: user.password });
  const refreshes = (...tabs: Device[]) => tabs.flatMap((d) => d.requests.filter((r) => r.operation === "Refresh"));

  it("gives concurrent callers of an expired token one refresh, sent without the expired token", async () => {
    const user = await createUser(server);
    // No cross-tab lock: what keeps this to one refresh is the session sharing it between callers.
    const app = tab({ locks: { request: (_name, callback) => callback() } });
    await login(app, user);
    const expired = app.session.currentAccessToken();
    await sleep(3_200);

    const tokens = await Promise.all(Array.from({ length: 5 }, () => app.session.accessToken()));
    expect(new Set(tokens).size).toBe(1);
    expect(tokens[0]).not.toBe(expired);
    expect(refreshes(app)).toEqual([{ operation: "Refresh", authorized: false }]);
    expect(app.session.signedIn).toBe(true);
    const me = await server.gql("{ me { id } }", {}, { token: tokens[0]! });
    expect(me.data.me.id).toBe(user.id);
  });

  it("two tabs sharing storage refresh once between them, several times over, and both stay signed in", async () => {
    const user = await createUser(server);
    const storage = memoryStorage();
    const [first, second] = [tab({ storage }), tab({ storage })];
    const signedOut: SignedOutReason[] = [];
    for (const t of [first, second]) t.session.on("signedOut", ({ reason }) => signedOut.push(reason));
    await login(first, user);
    // The second tab hears of the login (BroadcastChannel) and reads the tokens from storage.
    await vi.waitFor(() => expect(second.session.currentAccessToken()).toBe(first.session.currentAccessToken()), EVENTUALLY);

    for (let round = 1; round <= 3; round += 1) {
      await sleep(2_100); // within a third of the 3 s lifetime of expiry: due for a refresh
      const [a, b] = await Promise.all([first.session.accessToken(), second.session.accessToken()]);
      expect(a).toBe(b);
      expect(refreshes(first, second)).toHaveLength(round);
    }
    expect(signedOut).toEqual([]);
    const me = await server.gql("{ me { id } }", {}, { token: (await second.session.accessToken())! });
    expect(me.data.me.id).toBe(user.id);
  }, 30_000);
});

// With 15-minute tokens, so that nothing but the revocation makes the kit refresh.
describe("the kit's session, revoked", () => {
  let server: TestServer;
  const devices: Device[] = [];

  beforeAll(async () => {
    server = await startTestServer({ env: { TRUST_PROXY: "true" } });
  });
  afterEach(async () => {
    await Promise.all(devices.splice(0).map((d) => d.dispose()));
  });
  afterAll(async () => {
    await server?.stop();
  });

  function tab() {
    const d = device({ url: server.url });
    devices.push(d);
    return d;
  }
  const login = (d: Device, user: TestUser) => d.session.login({ email: user.email, password: user.password });
  const refreshes = (d: Device) => d.requests.filter((r) => r.operation === "Refresh");

  it("a revoked session is one signedOut event, and room streams end with SIGNED_OUT", async () => {
    const [user, organizer] = await Promise.all([createUser(server), createUser(server, { role: "ORGANIZER" })]);
    const app = tab();
    await login(app, user);
    const signedOut: SignedOutReason[] = [];
    app.session.on("signedOut", ({ reason }) => signedOut.push(reason));
    const room = await createRoom(server, organizer.accessToken);
    const received = collect(app.realtime, room);
    await received.live();

    await server.app.services.auth.logoutAll(user.rawId);
    await vi.waitFor(() => expect(signedOut).toEqual(["refresh-refused"]), EVENTUALLY);
    await vi.waitFor(() => expect(received.errors.map((e) => (e as { code?: string }).code)).toEqual(["SIGNED_OUT"]), EVENTUALLY);
    expect(app.session.signedIn).toBe(false);
    expect(await app.session.accessToken()).toBeNull();
    await sleep(1_000);
    expect(signedOut).toEqual(["refresh-refused"]);
    expect(refreshes(app)).toHaveLength(1);
  });
});
