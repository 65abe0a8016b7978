// A refresh that fails for a while (offline, rate limited) after the server closed the socket
// 4403: the kit must not open an anonymous socket (its room streams would be refused as
// UNAUTHENTICATED for good); it retries, and once a refresh succeeds the stream resumes with
// every message posted meanwhile.
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { createRoom, sendMessage } from "../../test/helpers/rooms.js";
import { startTestServer, type TestServer } from "../../test/helpers/server.js";
import { createUser } from "../../test/helpers/users.js";
import { collect, device } from "./helpers/kit.js";

describe("the kit when refreshing fails for a while", () => {
  let server: TestServer;

  beforeAll(async () => {
    server = await startTestServer({ env: { ACCESS_TOKEN_TTL: "3s", TRUST_PROXY: "true" } });
  });
  afterAll(async () => {
    await server?.stop();
  });

  it("after a 4403 it keeps trying to refresh instead of connecting without a token; the stream resumes", async () => {
    const organizer = await createUser(server, { role: "ORGANIZER" });
    const writer = await createUser(server);
    const tokenOf = async (user: typeof writer) =>
      (await server.app.services.auth.login({ email: user.email, password: user.password })).accessToken;
    const room = await createRoom(server, await tokenOf(organizer));

    let refreshFails = false;
    const reader = device({
      url: server.url,
      session: {
        fetch: (input, init) =>
          refreshFails && String(init?.body).includes("mutation Refresh")
            ? Promise.reject(new TypeError("fetch failed"))
            : fetch(input, init),
      },
    });
    const user = await createUser(server);
    await reader.session.login({ email: user.email, password: user.password });
    const closes: number[] = [];
    reader.realtime.client.on("closed", (event) => closes.push((event as { code: number }).code));
    const problems: unknown[] = [];
    reader.realtime.on("problem", (problem) => problems.push(problem));
    const received = collect(reader.realtime, room);
    try {
      await received.live();

      // No refresh works: the socket's token runs out and the server closes it 4403.
      refreshFails = true;
      await vi.waitFor(() => expect(closes).toContain(4403), { timeout: 10_000, interval: 50 });
      await sendMessage(server, await tokenOf(writer), { room, text: "while refreshing failed" });
      await new Promise((resolve) => setTimeout(resolve, 2_000));
      expect(received.errors).toEqual([]);

      refreshFails = false;
      await sendMessage(server, await tokenOf(writer), { room, text: "after" });
      await vi.waitFor(() => expect(received.texts()).toEqual(["while refreshing failed", "after"]), {
        timeout: 15_000,
        interval: 50,
      });
      expect(received.errors).toEqual([]);
      expect(problems).toEqual([]);
      expect(reader.realtime.status).toBe("connected");
    } finally {
      await reader.dispose();
    }
  }, 60_000);
});
