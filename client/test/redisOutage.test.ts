// The kit when the server cannot admit its socket: with its Redis down, the API closes new
// sockets with 1013 ("Try again later"), which graphql-ws also retries itself. The room stream
// keeps trying with backoff and resumes once Redis is back: every message once, in order.
import { randomUUID } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { startOwnedRedis, redisServerBinary, type OwnedRedis } from "../../test/helpers/ownedServices.js";
import { createRoom, sendMessage } from "../../test/helpers/rooms.js";
import { startTestServer, type TestServer } from "../../test/helpers/server.js";
import { createUser } from "../../test/helpers/users.js";
import { collect, device, loginAs, type Device } from "./helpers/kit.js";
import { startTcpProxy, type TcpProxy } from "./helpers/tcpProxy.js";

const EVENTUALLY = { timeout: 30_000, interval: 50 };

describe.skipIf(!redisServerBinary)("the kit through a Redis outage of the server", () => {
  let redis: OwnedRedis;
  let server: TestServer;
  let proxy: TcpProxy;
  let reader: Device;

  beforeAll(async () => {
    redis = await startOwnedRedis();
    server = await startTestServer({
      env: { REDIS_URL: redis.url, ROOMS_REDIS_PREFIX: `test:kit:${randomUUID()}:`, TRUST_PROXY: "true" },
    });
    proxy = await startTcpProxy(Number(new URL(server.url).port));
  });
  afterAll(async () => {
    await reader?.dispose();
    await proxy?.close();
    await server?.stop();
    await redis?.destroy();
  });

  it("retries a socket closed 1013 with backoff and resumes the stream", async () => {
    const [user, writer, organizer] = await Promise.all([
      createUser(server),
      createUser(server),
      createUser(server, { role: "ORGANIZER" }),
    ]);
    const room = await createRoom(server, organizer.accessToken);
    reader = device({ url: proxy.httpUrl });
    await loginAs(reader, user);
    const closes: number[] = [];
    reader.realtime.client.on("closed", (event) => closes.push((event as { code: number }).code));
    const received = collect(reader.realtime, room);
    await received.live();
    await sendMessage(server, writer.accessToken, { room, text: "before" });
    await vi.waitFor(() => expect(received.texts()).toEqual(["before"]), EVENTUALLY);

    await redis.stop();
    proxy.cut();
    proxy.restore();
    await vi.waitFor(() => expect(closes).toContain(1013), EVENTUALLY);
    await redis.start();
    await sendMessage(server, writer.accessToken, { room, text: "after" });

    await vi.waitFor(() => expect(received.texts()).toEqual(["before", "after"]), EVENTUALLY);
    expect(received.errors).toEqual([]);
    expect(reader.realtime.status).toBe("connected");
  }, 90_000);
});
