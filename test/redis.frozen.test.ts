// A Redis that is connected but answers nothing (SIGSTOP: a frozen server, or a network that drops
// packets) must not hold requests: each command fails after REDIS_COMMAND_TIMEOUT_MS, and what
// needs Redis fails over as it does when Redis is unreachable (rate limits in memory, the message
// stored and receipted, other instances catching up from the database).
import { randomUUID } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { redisServerBinary, startOwnedRedis, type OwnedRedis } from "./helpers/ownedServices.js";
import { createRoom, SEND_MESSAGE } from "./helpers/rooms.js";
import { startTestServer, type TestServer } from "./helpers/server.js";
import { hasPostgres } from "./helpers/services.js";
import { createUser, type TestUser } from "./helpers/users.js";

describe.skipIf(!hasPostgres || !redisServerBinary)("a frozen Redis", () => {
  let redis: OwnedRedis;
  let server: TestServer;
  let organizer: TestUser;
  let slug: string;

  beforeAll(async () => {
    redis = await startOwnedRedis();
    server = await startTestServer({
      env: { REDIS_URL: redis.url, ROOMS_REDIS_PREFIX: `test:frozen:${randomUUID()}:`, REDIS_COMMAND_TIMEOUT_MS: "300" },
    });
    organizer = await createUser(server, { role: "ORGANIZER" });
    slug = await createRoom(server, organizer.accessToken);
  }, 60_000);
  afterAll(async () => {
    redis?.resume();
    await server?.stop();
    await redis?.destroy();
  });

  it("fails each command after REDIS_COMMAND_TIMEOUT_MS: sendMessage (rate-limited, published) still stores and answers", async () => {
    redis.freeze();
    try {
      const started = Date.now();
      const sent = await server.gql(
        SEND_MESSAGE,
        { input: { room: slug, text: "while Redis is frozen" } },
        { token: organizer.accessToken },
      );
      // A correctness bound, not a benchmark: without a command timeout this waits for Redis forever.
      expect(Date.now() - started).toBeLessThan(10_000);
      expect(sent.errors).toBeUndefined();
      const history = await server.gql(
        `query ($slug: String!) { room(slug: $slug) { messages(last: 1) { edges { node { id text } } } } }`,
        { slug },
      );
      expect(history.data.room.messages.edges.map((e: { node: { id: string; text: string } }) => e.node)).toEqual([
        { id: sent.data.sendMessage.messageId, text: "while Redis is frozen" },
      ]);
    } finally {
      redis.resume();
    }
  }, 30_000);
});
