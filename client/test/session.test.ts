// The kit's session against a real server with 3-second access tokens: concurrent callers share
// one refresh (sent without the expired token), two tabs sharing storage refresh once between
// them and both stay signed in, and a revoked session is one signedOut event that also ends the
// room streams.
import { describe, expect, it, vi } from "vitest";
import { memoryStorage, type SessionOptions, type SignedOutReason } from "../src/index.js";
import { createRoom } from "../../test/helpers/rooms.js";
import { createUser } from "../../test/helpers/users.js";
import { collect, kitTestServer, loginAs, refreshesOf } from "./helpers/kit.js";

const EVENTUALLY = { timeout: 15_000, interval: 50 };
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe("the kit's session", () => {
  const kit = kitTestServer({ ACCESS_TOKEN_TTL: "3s" });
  const tab = (session: Partial<SessionOptions> = {}) => kit.device({ session });

  it("gives concurrent callers of an expired token one refresh, sent without the expired token", async () => {
    const user = await createUser(kit.server);
    // No cross-tab lock: what keeps this to one refresh is the session sharing it between callers.
    const app = tab({ locks: { request: (_name, callback) => callback() } });
    await loginAs(app, user);
    const expired = app.session.currentAccessToken();
    await sleep(3_200);

    const tokens = await Promise.all(Array.from({ length: 5 }, () => app.session.accessToken()));
    expect(new Set(tokens).size).toBe(1);
    expect(tokens[0]).not.toBe(expired);
    expect(refreshesOf(app)).toEqual([{ operation: "Refresh", authorized: false }]);
    expect(app.session.signedIn).toBe(true);
    const me = await kit.server.gql("{ me { id } }", {}, { token: tokens[0]! });
    expect(me.data.me.id).toBe(user.id);
  });

  it("two tabs sharing storage refresh once between them, several times over, and both stay signed in", async () => {
    const user = await createUser(kit.server);
    const storage = memoryStorage();
    const [first, second] = [tab({ storage }), tab({ storage })];
    const signedOut: SignedOutReason[] = [];
    for (const t of [first, second]) t.session.on("signedOut", ({ reason }) => signedOut.push(reason));
    await loginAs(first, user);
    // The second tab hears of the login (BroadcastChannel) and reads the tokens from storage.
    await vi.waitFor(() => expect(second.session.currentAccessToken()).toBe(first.session.currentAccessToken()), EVENTUALLY);

    for (let round = 1; round <= 3; round += 1) {
      await sleep(2_100); // within a third of the 3 s lifetime of expiry: due for a refresh
      const [a, b] = await Promise.all([first.session.accessToken(), second.session.accessToken()]);
      expect(a).toBe(b);
      expect(refreshesOf(first, second)).toHaveLength(round);
    }
    expect(signedOut).toEqual([]);
    const me = await kit.server.gql("{ me { id } }", {}, { token: (await second.session.accessToken())! });
    expect(me.data.me.id).toBe(user.id);
  }, 30_000);
});

// With 15-minute tokens, so that nothing but the revocation makes the kit refresh; one socket
// per user, so that a second one is refused with 1013 until the first closes.
describe("the kit's session, revoked, and a refused socket", () => {
  const kit = kitTestServer({ WS_MAX_SOCKETS_PER_USER: "1" });
  const tab = () => kit.device();

  it("a revoked session is one signedOut event, and room streams end with SIGNED_OUT", async () => {
    const [user, organizer] = await Promise.all([createUser(kit.server), createUser(kit.server, { role: "ORGANIZER" })]);
    const app = tab();
    await loginAs(app, user);
    const signedOut: SignedOutReason[] = [];
    app.session.on("signedOut", ({ reason }) => signedOut.push(reason));
    const room = await createRoom(kit.server, organizer.accessToken);
    const received = collect(app.realtime, room);
    await received.live();

    await kit.server.app.services.auth.logoutAll(user.rawId);
    await vi.waitFor(() => expect(signedOut).toEqual(["refresh-refused"]), EVENTUALLY);
    await vi.waitFor(() => expect(received.errors.map((e) => (e as { code?: string }).code)).toEqual(["SIGNED_OUT"]), EVENTUALLY);
    expect(app.session.signedIn).toBe(false);
    expect(await app.session.accessToken()).toBeNull();
    await sleep(1_000);
    expect(signedOut).toEqual(["refresh-refused"]);
    expect(refreshesOf(app)).toHaveLength(1);
  });

  it("a socket over the per-user cap (1013) is reported as a problem and retried, and gets in once a slot frees", async () => {
    const [user, organizer] = await Promise.all([createUser(kit.server), createUser(kit.server, { role: "ORGANIZER" })]);
    const room = await createRoom(kit.server, organizer.accessToken);
    const first = tab();
    await loginAs(first, user);
    await collect(first.realtime, room).live();

    const second = tab();
    await loginAs(second, user);
    const problems: { closeCode: number; action: string; reason: string }[] = [];
    second.realtime.on("problem", ({ closeCode, action, reason }) => problems.push({ closeCode, action, reason }));
    let attempts = 0;
    second.realtime.client.on("connecting", () => (attempts += 1));
    const waiting = collect(second.realtime, room);
    await vi.waitFor(() => expect(attempts).toBeGreaterThanOrEqual(2), EVENTUALLY);
    expect(problems[0]).toMatchObject({ closeCode: 1013, action: "retry" });
    expect(problems[0]!.reason).toMatch(/Too many connections/);
    expect(waiting.errors).toEqual([]);
    expect(second.realtime.status).not.toBe("failed");

    // A disposed client opens no socket again (its open room stream must not resubscribe it).
    let firstReconnects = 0;
    first.realtime.client.on("connecting", () => (firstReconnects += 1));
    await first.realtime.dispose();
    await waiting.live();
    expect(waiting.errors).toEqual([]);
    await sleep(500);
    expect(firstReconnects).toBe(0);
    expect(second.session.signedIn).toBe(true);
  });
});
