// The kit's socket against a real server with 3-second access tokens: the socket renews its token
// in place and is never closed 4403; a network drop while another user posts, and a message sent
// while offline, end with every message delivered once and in order.
import { afterEach, beforeAll, describe, expect, it, vi } from "vitest";
import { createRoom, sendMessage } from "../../test/helpers/rooms.js";
import type { TestServer } from "../../test/helpers/server.js";
import { createUser, type TestUser } from "../../test/helpers/users.js";
import { memoryStorage } from "../src/index.js";
import { collect, device, kitTestServer, loginAs, type DeviceOptions } from "./helpers/kit.js";
import { startTcpProxy, type TcpProxy } from "./helpers/tcpProxy.js";

const EVENTUALLY = { timeout: 15_000, interval: 50 };

describe("the kit's realtime socket", () => {
  const kit = kitTestServer({ ACCESS_TOKEN_TTL: "3s" });
  let server: TestServer;
  let organizer: TestUser;
  const proxies: TcpProxy[] = [];

  beforeAll(async () => {
    server = kit.server;
    organizer = await createUser(server, { role: "ORGANIZER" });
  });
  afterEach(async () => {
    await Promise.all(proxies.splice(0).map((p) => p.close()));
  });

  /** A token for a server-side call: the server's tokens live 3 s. */
  const tokenOf = async (user: TestUser) =>
    (await server.app.services.auth.login({ email: user.email, password: user.password })).accessToken;
  const newRoom = async () => createRoom(server, await tokenOf(organizer));

  async function signedIn(options: Partial<DeviceOptions> = {}) {
    const user = await createUser(server);
    const d = kit.device(options);
    await loginAs(d, user);
    return { user, device: d };
  }

  /** A signed-in device whose HTTP and socket go through a TCP proxy, reading a new room. */
  async function readerBehindProxy() {
    const proxy = await startTcpProxy(Number(new URL(server.url).port));
    proxies.push(proxy);
    const { device: reader } = await signedIn({ url: proxy.httpUrl });
    const room = await newRoom();
    const received = collect(reader.realtime, room);
    await received.live();
    return { proxy, room, received, device: reader };
  }

  it("renews the socket's token in place: no 4403 over 15 s of 3-second tokens, messages keep coming", async () => {
    const { device: reader } = await signedIn();
    const closes: number[] = [];
    reader.realtime.client.on("closed", (event) => closes.push((event as { code: number }).code));
    const room = await newRoom();
    const received = collect(reader.realtime, room);
    await received.live();

    const writer = await createUser(server);
    const sent: string[] = [];
    const started = Date.now();
    while (Date.now() - started < 15_000) {
      const text = `tick ${sent.length}`;
      await sendMessage(server, await tokenOf(writer), { room, text });
      sent.push(text);
      await new Promise((resolve) => setTimeout(resolve, 1_000));
    }
    await vi.waitFor(() => expect(received.texts()).toEqual(sent), EVENTUALLY);
    expect(closes).toEqual([]);
    expect(received.errors).toEqual([]);
    // The socket outlived several tokens: it was re-authenticated, not reconnected.
    expect(reader.requests.filter((r) => r.operation === "Refresh").length).toBeGreaterThanOrEqual(4);
  }, 60_000);

  it("after a network drop while another user posts, the resumed stream has every message once, in order", async () => {
    const { proxy, room, received } = await readerBehindProxy();
    // sendMessage allows 20 posts per 10 s per user: two writers take turns.
    const writers = await Promise.all([createUser(server), createUser(server)]);

    const texts = Array.from({ length: 24 }, (_, i) => `message ${i}`);
    const post = async (text: string) => {
      await sendMessage(server, await tokenOf(writers[texts.indexOf(text) % 2]!), { room, text });
    };
    for (const text of texts.slice(0, 6)) await post(text);
    await vi.waitFor(() => expect(received.texts()).toEqual(texts.slice(0, 6)), EVENTUALLY);

    proxy.cut();
    for (const text of texts.slice(6, 18)) await post(text);
    await new Promise((resolve) => setTimeout(resolve, 1_000));
    proxy.restore();
    for (const text of texts.slice(18)) await post(text);

    await vi.waitFor(() => expect(received.texts()).toEqual(texts), EVENTUALLY);
    await new Promise((resolve) => setTimeout(resolve, 500));
    expect(received.texts()).toEqual(texts);
    expect(received.errors).toEqual([]);
  }, 60_000);

  it("a room with no message yet: a message posted as the stream starts, or during a drop before any, is delivered", async () => {
    const { device: reader } = await signedIn();
    const writer = await createUser(server);
    const first = await newRoom();
    const right = collect(reader.realtime, first);
    await sendMessage(server, await tokenOf(writer), { room: first, text: "right away" });
    await vi.waitFor(() => expect(right.texts()).toEqual(["right away"]), EVENTUALLY);

    const { proxy, room, received } = await readerBehindProxy();
    proxy.cut();
    await sendMessage(server, await tokenOf(writer), { room, text: "during the drop" });
    proxy.restore();
    await sendMessage(server, await tokenOf(writer), { room, text: "after it" });
    await vi.waitFor(() => expect(received.texts()).toEqual(["during the drop", "after it"]), EVENTUALLY);
    await new Promise((resolve) => setTimeout(resolve, 500));
    expect(received.texts()).toEqual(["during the drop", "after it"]);
    expect(right.texts()).toEqual(["right away"]);
  }, 60_000);

  it("a message queued offline survives a crash: the next start on the same storage sends it once, with the same clientMessageId", async () => {
    const proxy = await startTcpProxy(Number(new URL(server.url).port));
    proxies.push(proxy);
    const storage = memoryStorage();
    const user = await createUser(server);
    const room = await newRoom();
    const before = device({ url: proxy.httpUrl, session: { storage } });
    await loginAs(before, user);
    proxy.cut();
    const lost = before.realtime.sendMessage(room, "typed before the crash");
    lost.catch(() => undefined);
    await vi.waitFor(() => expect(before.realtime.pendingMessages()).toHaveLength(1), EVENTUALLY);
    const [queued] = before.realtime.pendingMessages();
    await before.dispose(); // the app is gone; its storage stays

    proxy.restore();
    const after = kit.device({ url: proxy.httpUrl, session: { storage } });
    const receipts: string[] = [];
    after.realtime.on("receipt", (sent) => receipts.push(sent.receipt.clientMessageId!));
    await vi.waitFor(() => expect(receipts).toEqual([queued!.clientMessageId]), EVENTUALLY);
    expect(after.realtime.pendingMessages()).toEqual([]);
    const history = await server.gql(
      `query ($slug: String!) { room(slug: $slug) { messages(first: 10) { edges { node { text clientMessageId } } } } }`,
      {
        slug: room,
      },
    );
    expect(history.data.room.messages.edges).toEqual([
      { node: { text: "typed before the crash", clientMessageId: queued!.clientMessageId } },
    ]);
  }, 60_000);

  it("a message sent while offline is queued, then delivered once after the reconnect", async () => {
    const { proxy, room, received, device: sender } = await readerBehindProxy();

    proxy.cut();
    await vi.waitFor(() => expect(sender.realtime.status).not.toBe("connected"), EVENTUALLY);
    const sending = sender.realtime.sendMessage(room, "written offline");
    await new Promise((resolve) => setTimeout(resolve, 1_500));
    expect(sender.realtime.pendingMessages().map((m) => m.text)).toEqual(["written offline"]);
    proxy.restore();

    const sent = await sending;
    expect(sent.receipt.clientMessageId).toBe(sent.clientMessageId);
    expect(sender.realtime.pendingMessages()).toEqual([]);
    await vi.waitFor(() => expect(received.texts()).toEqual(["written offline"]), EVENTUALLY);
    const history = await server.gql(
      `query ($slug: String!) { room(slug: $slug) { messages(first: 10) { edges { node { text clientMessageId } } } } }`,
      {
        slug: room,
      },
    );
    expect(history.data.room.messages.edges).toEqual([
      { node: { text: "written offline", clientMessageId: sent.clientMessageId } },
    ]);
  }, 60_000);
});
