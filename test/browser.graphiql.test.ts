// GraphiQL in a real browser (Debian's headless Chromium driven by playwright-core): the page
// loads with no request leaving this server, runs a query, and runs a room subscription over
// graphql-ws authenticated from its Headers tab. Screenshots are kept under test-artifacts/.
import type { Browser, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ARTIFACTS, CHROMIUM, launchChromium, warnIfNoChromium } from "./helpers/chromium.js";
import { startTestServer, type TestServer } from "./helpers/server.js";
import { createUser, type TestUser } from "./helpers/users.js";

warnIfNoChromium("the GraphiQL browser tests");

/** A 9 MB page with every GraphiQL asset inline: parsing it takes a while on a busy 2-core machine. */
const BROWSER_TEST_TIMEOUT_MS = 180_000;

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe.skipIf(!CHROMIUM)("GraphiQL in headless Chromium", () => {
  let server: TestServer;
  let browser: Browser;
  let listener: TestUser;
  let speaker: TestUser;
  const foreignRequests: string[] = [];

  beforeAll(async () => {
    server = await startTestServer({ env: { NODE_ENV: "development" } });
    listener = await createUser(server, { displayName: "Graciela" });
    speaker = await createUser(server, { displayName: "Osvaldo" });
    browser = await launchChromium();
  }, 120_000);
  afterAll(async () => {
    await browser?.close();
    await server?.stop();
  });

  async function openGraphiQL(query: string): Promise<Page> {
    const page = await browser.newPage({ viewport: { width: 1400, height: 900 } });
    page.setDefaultTimeout(90_000);
    page.on("request", (request) => {
      const url = request.url();
      if (!url.startsWith(server.origin) && !/^(blob|data):/.test(url)) foreignRequests.push(url);
    });
    await page.goto(`${server.url}?query=${encodeURIComponent(query)}`, { waitUntil: "load" });
    await page.getByRole("button", { name: /Execute query/ }).waitFor();
    return page;
  }

  // The result pane is a Monaco editor, which renders spaces as no-break spaces.
  const responseText = async (page: Page) => (await page.locator(".graphiql-response").innerText()).replace(/\u00a0/g, " ");

  async function waitForResponse(page: Page, expected: string) {
    for (let i = 0; i < 120; i++) {
      if ((await responseText(page)).includes(expected)) return;
      await sleep(250);
    }
    throw new Error(`GraphiQL never showed ${expected}; it shows:\n${await responseText(page)}`);
  }

  it(
    "loads with nothing from a CDN and runs a query",
    async () => {
      const page = await openGraphiQL("{ rooms { slug name } }");
      await page.getByRole("button", { name: /Execute query/ }).click();
      await waitForResponse(page, '"slug": "general"');
      await page.screenshot({ path: `${ARTIFACTS}graphiql-query.png` });
      expect(foreignRequests).toEqual([]);
      await page.close();
    },
    BROWSER_TEST_TIMEOUT_MS,
  );

  it(
    "runs a room subscription authenticated from the Headers tab and shows a message posted meanwhile",
    async () => {
      const page = await openGraphiQL(
        'subscription { roomEvents(room: "general") { __typename ... on MessagePosted { message { text author { displayName } } } } }',
      );
      await page.getByRole("button", { name: "Headers", exact: true }).click();
      await page.locator(".graphiql-editor-tool .graphiql-editor").last().click();
      await page.keyboard.type(`{"Authorization": "Bearer ${listener.accessToken}"}`);
      // GraphiQL saves the headers to its storage shortly after typing; the socket reads them there.
      let saved = false;
      for (let i = 0; i < 120 && !saved; i++) {
        saved = (await page.evaluate(() => JSON.stringify(localStorage))).includes(listener.accessToken);
        if (!saved) await sleep(250);
      }
      expect(saved, "GraphiQL saved the Headers tab").toBe(true);
      await page.getByRole("button", { name: /Execute query/ }).click();

      // Subscribing is joining: wait until the room counts the listener, then post as someone else.
      let joined = false;
      for (let i = 0; i < 120 && !joined; i++) {
        const room = await server.gql('{ room(slug: "general") { memberCount } }');
        joined = room.data?.room?.memberCount >= 1;
        if (!joined) await sleep(250);
      }
      if (!joined) {
        await page.screenshot({ path: `${ARTIFACTS}graphiql-subscription-not-joined.png` });
        throw new Error(`the listener never joined the room; GraphiQL shows:\n${await responseText(page)}`);
      }
      const sent = await server.gql(
        "mutation ($input: SendMessageInput!) { sendMessage(input: $input) { messageId } }",
        { input: { room: "general", text: "¿Bailamos la próxima tanda?" } },
        { token: speaker.accessToken },
      );
      expect(sent.errors).toBeUndefined();

      await waitForResponse(page, "¿Bailamos la próxima tanda?");
      expect(await responseText(page)).toContain('"displayName": "Osvaldo"');
      await page.screenshot({ path: `${ARTIFACTS}graphiql-subscription.png` });
      expect(foreignRequests).toEqual([]);
      await page.close();
    },
    BROWSER_TEST_TIMEOUT_MS,
  );
});
