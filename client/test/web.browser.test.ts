// The example web page (examples/web) in headless Chromium against a real server with 6-second
// access tokens: sign-in, register and events paging; two users chatting while one of them goes
// offline (context.setOffline: Chromium keeps the socket but holds what arrives, so only the kit's
// ping/pong timeout notices) and types a message meanwhile; a minute of chat with two tabs of one
// user, refreshing tokens and reloading, with no error shown and no socket closed 4403.
import { randomInt } from "node:crypto";
import type { Browser, BrowserContext, Page } from "playwright-core";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { ARTIFACTS, CHROMIUM, launchChromium, warnIfNoChromium } from "../../test/helpers/chromium.js";
import { insertEvents } from "../../test/helpers/events.js";
import { createRoom } from "../../test/helpers/rooms.js";
import { startTestServer, type TestServer } from "../../test/helpers/server.js";
import { createUser, type TestUser } from "../../test/helpers/users.js";
import { startWebPage, type WebPage } from "../examples/web/serve.js";
import { randomIp } from "./helpers/kit.js";

warnIfNoChromium("the web page's browser tests");

const EVENTUALLY = { timeout: 30_000, interval: 200 };

/**
 * Records every WebSocket the page opens: the codes of its close events and of the page's own
 * close() calls (graphql-ws closes a socket it gave up on with 4499).
 */
function recordSockets() {
  const Native = window.WebSocket;
  const sockets: { closeEvents: number[]; closeCalls: number[] }[] = [];
  (window as unknown as { sockets: typeof sockets }).sockets = sockets;
  window.WebSocket = class extends Native {
    constructor(url: string | URL, protocols?: string | string[]) {
      super(url, protocols);
      const record = { closeEvents: [] as number[], closeCalls: [] as number[] };
      sockets.push(record);
      this.addEventListener("close", (event) => record.closeEvents.push(event.code));
      const close = this.close.bind(this);
      this.close = (code?: number, reason?: string) => {
        record.closeCalls.push(code ?? 1005);
        close(code, reason);
      };
    }
  };
}

type SocketRecord = { closeEvents: number[]; closeCalls: number[] };
const socketsOf = (page: Page) => page.evaluate(() => (window as unknown as { sockets: SocketRecord[] }).sockets);
const texts = (page: Page) => page.locator("#messages li .text").allInnerTexts();

describe.skipIf(!CHROMIUM)("the web page in headless Chromium", () => {
  let server: TestServer;
  let web: WebPage;
  let browser: Browser;
  let organizer: TestUser;
  const contexts: BrowserContext[] = [];
  /** Uncaught exceptions in any page: none expected. */
  const pageErrors: string[] = [];

  beforeAll(async () => {
    server = await startTestServer({ env: { ACCESS_TOKEN_TTL: "6s", TRUST_PROXY: "true" } });
    organizer = await createUser(server, { role: "ORGANIZER" });
    web = await startWebPage({ apiUrl: server.url });
    browser = await launchChromium();
  }, 120_000);
  afterEach(async () => {
    await Promise.all(contexts.splice(0).map((context) => context.close()));
    expect(pageErrors.splice(0)).toEqual([]);
  });
  afterAll(async () => {
    await browser?.close();
    await web?.stop();
    await server?.stop();
  });

  const organizerToken = async () =>
    (await server.app.services.auth.login({ email: organizer.email, password: organizer.password })).accessToken;

  /** A browser profile of its own, behind an address of its own (login and refresh are limited per IP). */
  async function newContext(): Promise<BrowserContext> {
    const ip = randomIp();
    const context = await browser.newContext({ viewport: { width: 1200, height: 900 } });
    // Added below the page (a header set by the page itself would need a CORS preflight).
    await context.route(`${server.url}**`, (route) =>
      route.continue({ headers: { ...route.request().headers(), "x-forwarded-for": ip } }),
    );
    await context.addInitScript(recordSockets);
    contexts.push(context);
    return context;
  }

  async function openPage(context: BrowserContext, hash = ""): Promise<Page> {
    const page = await context.newPage();
    page.setDefaultTimeout(30_000);
    page.on("pageerror", (error) => pageErrors.push(String(error)));
    await page.goto(`${web.url}${hash}`);
    return page;
  }

  async function signIn(user: TestUser, context?: BrowserContext): Promise<Page> {
    const page = await openPage(context ?? (await newContext()));
    await page.fill("#email", user.email);
    await page.fill("#password", user.password);
    await page.click("#sign-in");
    await page.locator("#app").waitFor({ state: "visible" });
    return page;
  }

  async function enterRoom(page: Page, room: string) {
    await page.locator(`[data-room="${room}"]`).click();
    await page.locator("#room").waitFor({ state: "visible" });
  }

  async function send(page: Page, text: string) {
    await page.fill("#send-text", text);
    await page.press("#send-text", "Enter");
  }

  /** The room's history as the server has it, oldest first. */
  async function history(room: string): Promise<string[]> {
    const res = await server.gql<{ room: { messages: { edges: { node: { text: string } }[] } } }>(
      "query ($room: String!) { room(slug: $room) { messages(last: 100) { edges { node { text } } } } }",
      { room },
    );
    return res.data!.room.messages.edges.map((edge) => edge.node.text);
  }

  it("registers, signs in and pages through the events", async () => {
    await insertEvents(server, [organizer.rawId], 13);
    const page = await openPage(await newContext());
    await page.fill("#email", `web-${randomInt(1e9)}@example.test`);
    await page.fill("#password", "a long enough password");
    await page.fill("#display-name", "Carlos");
    await page.click("#register");
    await page.locator("#app").waitFor({ state: "visible" });
    await expect.poll(() => page.locator("#whoami").innerText()).toBe("Carlos");

    await expect.poll(() => page.locator("#event-list li").count(), EVENTUALLY).toBe(10);
    await page.click("#more-events");
    await expect.poll(() => page.locator("#event-list li").count(), EVENTUALLY).toBe(13);
    expect(await page.locator("#more-events").isHidden()).toBe(true);
    await page.screenshot({ path: `${ARTIFACTS}web-events.png` });

    await page.click("#sign-out");
    await page.locator("#auth").waitFor({ state: "visible" });
    await page.fill("#email", "nobody@example.test");
    await page.fill("#password", "wrong password");
    await page.click("#sign-in");
    await expect.poll(() => page.locator("#auth-notice").innerText(), EVENTUALLY).not.toBe("");
    expect(await page.locator("#error").innerText()).toBe("");
  }, 60_000);

  it("two users chat; one goes offline while the other posts and types a message meanwhile: back online, every message once, in order", async () => {
    const room = await createRoom(server, await organizerToken());
    const [ana, ben] = [await createUser(server, { displayName: "Ana" }), await createUser(server, { displayName: "Ben" })];
    const pageA = await signIn(ana);
    const pageB = await signIn(ben);
    await enterRoom(pageA, room);
    await enterRoom(pageB, room);
    await expect
      .poll(() => pageA.locator("#member-list li").allInnerTexts(), EVENTUALLY)
      .toEqual(expect.arrayContaining(["Ana", "Ben"]));
    await expect.poll(() => pageA.locator("#status").innerText(), EVENTUALLY).toBe("online");

    await send(pageA, "hola");
    await expect.poll(() => texts(pageB), EVENTUALLY).toEqual(["hola"]);

    const contextB = pageB.context();
    const socketsBefore = (await socketsOf(pageB)).length;
    await contextB.setOffline(true);
    await expect.poll(() => pageB.locator("#status").innerText()).toBe("offline");
    await send(pageB, "escrito sin red");
    const posted = ["uno", "dos", "tres", "cuatro", "cinco"];
    for (const text of posted) await send(pageA, text);
    await expect.poll(() => texts(pageA), EVENTUALLY).toEqual(expect.arrayContaining(["hola", ...posted]));
    // Offline, Chromium holds what the server sends: the kit's unanswered ping drops the socket.
    await expect
      .poll(async () => (await socketsOf(pageB)).slice(0, socketsBefore).some((s) => s.closeCalls.length > 0), EVENTUALLY)
      .toBe(true);
    await pageB.screenshot({ path: `${ARTIFACTS}web-offline.png` });

    await contextB.setOffline(false);
    await expect.poll(() => pageB.locator("#status").innerText(), EVENTUALLY).toBe("online");
    await expect.poll(() => history(room), EVENTUALLY).toHaveLength(7);
    const stored = await history(room);
    expect(stored.filter((text) => text === "escrito sin red")).toHaveLength(1);
    await expect.poll(() => texts(pageB), EVENTUALLY).toEqual(stored);
    await expect.poll(() => texts(pageA), EVENTUALLY).toEqual(stored);
    await expect.poll(() => pageB.locator("#outbox li").count()).toBe(0);
    expect((await socketsOf(pageB)).length).toBeGreaterThan(socketsBefore);
    expect(await pageA.locator("#error").innerText()).toBe("");
    expect(await pageB.locator("#error").innerText()).toBe("");
    await pageB.screenshot({ path: `${ARTIFACTS}web-back-online.png` });
  }, 90_000);

  it("chats for a minute on 6-second tokens with two tabs of one user: no error shown, no 4403, both tabs signed in through refreshes and reloads", async () => {
    const room = await createRoom(server, await organizerToken());
    const [eva, leo] = [await createUser(server, { displayName: "Eva" }), await createUser(server, { displayName: "Leo" })];
    const tab1 = await signIn(eva);
    const tab2 = await openPage(tab1.context(), `#room=${room}`);
    await tab2.locator("#room").waitFor({ state: "visible" });
    const pageL = await signIn(leo);
    await enterRoom(tab1, room);
    await enterRoom(pageL, room);
    await expect
      .poll(() => pageL.locator("#member-list li").allInnerTexts(), EVENTUALLY)
      .toEqual(expect.arrayContaining(["Eva", "Leo"]));

    /** The access token the kit stored (IndexedDB "mundo-tango", the kit's default in browsers). */
    const storedToken = () =>
      tab1.evaluate(
        () =>
          new Promise<string | undefined>((resolve, reject) => {
            const open = indexedDB.open("mundo-tango");
            open.onerror = () => reject(open.error);
            open.onsuccess = () => {
              const read = open.result.transaction("items").objectStore("items").get("mundo-tango:session");
              read.onsuccess = () => {
                open.result.close();
                resolve(read.result ? (JSON.parse(read.result as string) as { accessToken: string }).accessToken : undefined);
              };
            };
          }),
      );
    const tokens = new Set<string | undefined>();
    const closes: number[] = [];
    const sent: string[] = [];
    const started = Date.now();
    for (let i = 0; Date.now() - started < 60_000; i++) {
      const text = `${i % 2 ? "Leo" : "Eva"} ${i}`;
      await send(i % 2 ? pageL : tab1, text);
      sent.push(text);
      tokens.add(await storedToken());
      if (i === 6 || i === 12) {
        // A reload reads the stored session. It starts just after a refresh, not during one: a tab
        // unloaded with its refresh in flight loses the new tokens, and the spent refresh token
        // would revoke the session at the next refresh (the server's reuse detection).
        const before = await storedToken();
        await expect.poll(storedToken, { timeout: 10_000, interval: 50 }).not.toBe(before);
        for (const record of await socketsOf(tab2)) closes.push(...record.closeEvents);
        await tab2.reload();
        await tab2.locator("#room").waitFor({ state: "visible" });
      }
      await new Promise((resolve) => setTimeout(resolve, 2_500));
    }

    for (const page of [tab1, tab2, pageL]) await expect.poll(() => texts(page), EVENTUALLY).toEqual(sent);
    expect(await history(room)).toEqual(sent);
    for (const page of [tab1, tab2, pageL]) {
      expect(await page.locator("#error").innerText()).toBe("");
      expect(await page.locator("#app").isVisible()).toBe(true);
      for (const record of await socketsOf(page)) closes.push(...record.closeEvents);
    }
    expect(closes).not.toContain(4403);
    // The tabs never spent one refresh token twice.
    expect(server.logs.filter((line) => line.includes("refresh token reused"))).toEqual([]);
    // 6-second tokens over a minute: the stored session was refreshed many times (about every 4 s).
    expect(tokens.size).toBeGreaterThanOrEqual(8);
    await tab2.screenshot({ path: `${ARTIFACTS}web-minute-chat.png` });
  }, 150_000);
});
