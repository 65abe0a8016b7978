// Fault tolerance with a PostgreSQL and a Redis that this file owns (private data directory, free
// port) stopped and started again under a running server; and errors nothing caught, inside the
// real server process.
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTestDatabase, type TestDatabase } from "./helpers/database.js";
import {
  postgresBinaries,
  redisServerBinary,
  startOwnedPostgres,
  startOwnedRedis,
  type OwnedPostgres,
  type OwnedRedis,
} from "./helpers/ownedServices.js";
import { wsClient, wsOnce } from "./helpers/graphqlWs.js";
import { spawnServer, type ServerProcess } from "./helpers/process.js";
import { wrongLogin } from "./helpers/rateLimit.js";
import { startTestServer, TEST_JWT_SECRET, type TestServer } from "./helpers/server.js";
import { createUser } from "./helpers/users.js";
import { closeOf, connectWs } from "./helpers/ws.js";

if (!postgresBinaries) console.warn("PostgreSQL binaries (initdb, pg_ctl) not found: the PostgreSQL fault tests are skipped.");
if (!redisServerBinary) console.warn("redis-server not found on PATH: the Redis fault tests are skipped.");

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Polls until `check` holds; fails after `attempts` tries. */
async function eventually(check: () => Promise<boolean>, what: string, attempts = 60) {
  for (let i = 0; i < attempts; i++) {
    if (await check()) return;
    await sleep(250);
  }
  throw new Error(`never happened: ${what}`);
}

const readiness = async (server: TestServer) => {
  const response = await fetch(`${server.origin}/ready`);
  return { status: response.status, body: (await response.json()) as { failing?: string[] } };
};

const ROOMS = "{ rooms { slug } }";

describe.skipIf(!postgresBinaries)("PostgreSQL stops while the server runs", () => {
  let pg: OwnedPostgres;
  let server: TestServer;
  let dataDir: string;
  beforeAll(async () => {
    dataDir = mkdtempSync(join(tmpdir(), "mt-faults-pg-"));
    pg = await startOwnedPostgres();
    server = await startTestServer({ db: { url: pg.url, dataDir, drop: async () => undefined } });
  }, 120_000);
  afterAll(async () => {
    await server?.stop();
    await pg?.destroy();
    if (dataDir) rmSync(dataDir, { recursive: true, force: true });
  });

  it("answers SERVICE_UNAVAILABLE with nothing about the database, reports 503, stays up and recovers", async () => {
    expect((await server.gql(ROOMS)).data.rooms.length).toBeGreaterThan(0);
    // Its token's session is first checked with the database down (a statement sent through pg directly).
    const user = await createUser(server);
    await pg.stop();

    const requests: [string, Record<string, string>][] = [
      [ROOMS, {}],
      ["{ events(first: 5) { totalCount edges { node { id attendeeCount } } } }", {}],
      ["{ me { id } }", { authorization: `Bearer ${user.accessToken}` }],
    ];
    for (const [query, headers] of requests) {
      const response = await server.post({ query }, headers);
      const text = await response.text();
      const body = JSON.parse(text);
      expect(body.errors).toHaveLength(1);
      expect(body.errors[0].extensions).toMatchObject({ code: "SERVICE_UNAVAILABLE", statusCode: 503 });
      expect(body.errors[0].message).toBe("The service is temporarily unavailable. Please try again shortly.");
      for (const leak of [String(pg.port), "127.0.0.1", "postgres", "prisma", "SELECT", "ECONNREFUSED", "reach"]) {
        expect(text.toLowerCase()).not.toContain(leak.toLowerCase());
      }
    }
    const down = await readiness(server);
    expect(down.status).toBe(503);
    expect(down.body.failing).toEqual(["database"]);
    expect((await fetch(`${server.origin}/health`)).status).toBe(200);
    // The operator still learns what happened, in the log.
    expect(server.logs.some((line) => line.includes("database unavailable"))).toBe(true);

    await pg.start();
    await eventually(async () => !(await server.gql(ROOMS)).errors, "queries succeed again");
    expect((await readiness(server)).status).toBe(200);
    expect((await server.gql(ROOMS)).data.rooms.map((r: { slug: string }) => r.slug)).toContain("general");
  });
});

describe.skipIf(!redisServerBinary)("Redis stops while the server runs", () => {
  let redis: OwnedRedis;
  let server: TestServer;
  beforeAll(async () => {
    redis = await startOwnedRedis();
    server = await startTestServer({ env: { REDIS_URL: redis.url } });
  });
  afterAll(async () => {
    await server?.stop();
    await redis?.destroy();
  });

  it("reports 503 naming redis, keeps serving, keeps rate limits (per instance), asks new sockets to retry (1013) and recovers", async () => {
    expect((await readiness(server)).status).toBe(200);
    await redis.stop();

    await eventually(async () => (await readiness(server)).status === 503, "/ready reports 503");
    expect((await readiness(server)).body.failing).toEqual(["redis"]);
    expect((await server.gql(ROOMS)).errors).toBeUndefined();

    // login allows 5 attempts per 15 minutes: while Redis is away the limit holds per instance.
    const codes: string[] = [];
    for (let i = 0; i < 6; i++) {
      const response = await server.post(wrongLogin());
      const body = await response.json();
      codes.push(body.errors?.[0]?.extensions?.code);
    }
    expect(codes.slice(0, 5).every((code) => code !== "RATE_LIMITED")).toBe(true);
    expect(codes[5]).toBe("RATE_LIMITED");

    // A new socket cannot be counted: 1013 (try again later), which graphql-ws clients retry.
    const socket = connectWs(server);
    socket.connected.catch(() => undefined); // refused: never acknowledged
    expect(await closeOf(socket)).toEqual({ code: 1013, reason: "Try again later" });

    await redis.start();
    await eventually(async () => (await readiness(server)).status === 200, "/ready reports 200 again");
  });
});

describe("a resolver or a subscription source that throws", () => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startTestServer();
  });
  afterAll(() => server?.stop());

  /** Replaces one method of a running service for the duration of `run`. */
  async function withPatched<T extends object>(service: T, method: keyof T, replacement: unknown, run: () => Promise<void>) {
    const original = service[method];
    (service as Record<keyof T, unknown>)[method] = replacement;
    try {
      await run();
    } finally {
      (service as Record<keyof T, unknown>)[method] = original;
    }
  }

  it("a throwing resolver answers INTERNAL_SERVER_ERROR and the server keeps serving", async () => {
    const events = server.app.services.events;
    const bug = () => {
      throw new TypeError("fault: resolver bug");
    };
    await withPatched(events, "list", bug, async () => {
      const result = await server.gql("{ events(first: 3) { totalCount } }");
      expect(result.errors?.[0]?.extensions.code).toBe("INTERNAL_SERVER_ERROR");
      expect(result.errors?.[0]?.message).toBe("Unexpected error.");
      expect((await server.gql(ROOMS)).errors).toBeUndefined();
    });
    expect((await server.gql("{ events(first: 3) { totalCount } }")).errors).toBeUndefined();
  });

  it("a non-null field that resolves to null is INTERNAL_SERVER_ERROR, logged with the request id, over HTTP and WebSocket", async () => {
    const events = server.app.services.events;
    const broken = async () => ({ totalCount: null, edges: [], pageInfo: { hasNextPage: false, hasPreviousPage: false } });
    const client = wsClient(server);
    try {
      await withPatched(events, "list", broken, async () => {
        for (const query of ["{ events(first: 3) { totalCount } }", "query Q($n: Int) { events(first: $n) { totalCount } }"]) {
          const response = await server.post({ query, variables: { n: 3 } });
          // An execution error: data (null) and errors, HTTP 200 (GraphQL over HTTP).
          expect(response.status).toBe(200);
          const body = await response.json();
          expect(body.data).toBeNull();
          expect(body.errors).toHaveLength(1);
          expect(body.errors[0]).toMatchObject({
            message: "Unexpected error.",
            path: ["events", "totalCount"],
            extensions: { code: "INTERNAL_SERVER_ERROR", statusCode: 500 },
          });
          const requestId = body.errors[0].extensions.requestId;
          expect(
            server.logs.some((line) => line.includes(requestId) && line.includes("Cannot return null for non-nullable field")),
          ).toBe(true);
        }
        const overSocket = await wsOnce(client, "{ events(first: 3) { totalCount } }");
        expect(overSocket.errors?.[0]).toMatchObject({
          message: "Unexpected error.",
          extensions: { code: "INTERNAL_SERVER_ERROR" },
        });
        const requestId = overSocket.errors![0]!.extensions.requestId;
        expect(
          server.logs.some((line) => line.includes(requestId) && line.includes("Cannot return null for non-nullable field")),
        ).toBe(true);
      });
      // Documents that do not parse or validate keep their codes.
      expect((await server.gql("{ events(first: 3) { totalCount ")).errors?.[0]?.extensions.code).toBe("GRAPHQL_PARSE_FAILED");
      expect((await server.gql("{ events(first: 3) { nope } }")).errors?.[0]?.extensions.code).toBe("GRAPHQL_VALIDATION_FAILED");
      expect((await wsOnce(client, "{ events(first: 3) { nope } }")).errors?.[0]?.extensions.code).toBe(
        "GRAPHQL_VALIDATION_FAILED",
      );
    } finally {
      await client.dispose();
    }
  });

  it("a subscription source that throws mid-stream ends that subscription with an error, nothing else", async () => {
    const user = await createUser(server);
    const rooms = server.app.services.rooms;
    const original = rooms.roomEvents.bind(rooms);
    async function* failing(...args: Parameters<typeof original>) {
      const source = (await original(...args))[Symbol.asyncIterator]();
      try {
        const first = await source.next();
        if (!first.done) yield first.value;
        throw new TypeError("fault: subscription source failed");
      } finally {
        await source.return?.();
      }
    }
    const subscribe = (client: ReturnType<typeof wsClient>) =>
      new Promise<{ events: unknown[]; error?: unknown }>((resolve) => {
        const events: unknown[] = [];
        const stop = client.subscribe(
          { query: 'subscription { roomEvents(room: "general") { __typename } }' },
          {
            next: (value) => {
              events.push(value);
              if (events.length === 1 && !failingNow) {
                stop();
                resolve({ events });
              }
            },
            error: (error) => resolve({ events, error }),
            complete: () => resolve({ events }),
          },
        );
      });
    let failingNow = true;
    const client = wsClient(server, { authorization: `Bearer ${user.accessToken}` });
    try {
      await withPatched(rooms, "roomEvents", failing, async () => {
        const outcome = await subscribe(client);
        expect(outcome.events).toHaveLength(1);
        const errors = outcome.error as { message: string; extensions?: { code?: string } }[];
        expect(errors).toHaveLength(1);
        expect(errors[0]).toMatchObject({ message: "Unexpected error.", extensions: { code: "INTERNAL_SERVER_ERROR" } });
        expect(server.logs.some((line) => line.includes("fault: subscription source failed"))).toBe(true);
      });
      // The same socket and the server carry on.
      failingNow = false;
      expect((await subscribe(client)).events).toHaveLength(1);
      expect((await server.gql(ROOMS)).errors).toBeUndefined();
      expect((await fetch(`${server.origin}/health`)).status).toBe(200);
    } finally {
      await client.dispose();
    }
  });

  it("an event whose execution fails reaches the subscriber with the error masked, and the stream goes on", async () => {
    const user = await createUser(server);
    const rooms = server.app.services.rooms;
    const original = rooms.roomEvents.bind(rooms);
    async function* withBrokenEvent(...args: Parameters<typeof original>) {
      // A MessagePosted without its message: executing it fails on the non-null field.
      yield { kind: "MessagePosted", roomId: "none", message: null };
      yield* await original(...args);
    }
    const client = wsClient(server, { authorization: `Bearer ${user.accessToken}` });
    try {
      await withPatched(rooms, "roomEvents", withBrokenEvent, async () => {
        const results = await new Promise<
          { data?: unknown; errors?: { message: string; extensions: Record<string, unknown> }[] }[]
        >((resolve, reject) => {
          const received: never[] = [];
          const stop = client.subscribe(
            { query: 'subscription { roomEvents(room: "general") { __typename ... on MessagePosted { message { id } } } }' },
            {
              next: (value) => {
                received.push(value as never);
                if (received.length === 2) {
                  stop();
                  resolve(received);
                }
              },
              error: reject,
              complete: () => reject(new Error("completed early")),
            },
          );
        });
        const [broken, next] = results;
        expect(broken!.errors).toHaveLength(1);
        expect(broken!.errors![0]).toMatchObject({
          message: "Unexpected error.",
          extensions: { code: "INTERNAL_SERVER_ERROR", statusCode: 500 },
        });
        expect(broken!.errors![0]!.extensions.requestId).toEqual(expect.any(String));
        expect(server.logs.some((line) => line.includes("Cannot return null for non-nullable field"))).toBe(true);
        expect(next).toEqual({ data: { roomEvents: { __typename: "MemberJoined" } } });
      });
    } finally {
      await client.dispose();
    }
  });
});

describe("errors nothing caught, inside the real server process", () => {
  let db: TestDatabase;
  let server: ServerProcess;
  let origin: string;
  let pid: number;
  const fixture = fileURLToPath(new URL("./fixtures/processFaults.mjs", import.meta.url));
  beforeAll(async () => {
    db = await createTestDatabase();
    server = spawnServer({
      NODE_ENV: "test",
      HOST: "127.0.0.1",
      PORT: "0",
      DATA_DIR: db.dataDir,
      JWT_SECRET: TEST_JWT_SECRET,
      NODE_OPTIONS: `--import ${fixture}`,
      ...(db.url ? { DATABASE_URL: db.url } : {}),
    });
    const ready = await server.waitFor(/ready at (http:\/\/\S+)\/graphql/, 110_000);
    origin = /ready at (http:\/\/[^/\s"]+)/.exec(ready)![1]!;
    pid = Number(/fault fixture armed in pid (\d+)/.exec(server.output())![1]);
  }, 120_000);
  afterAll(async () => {
    if (server?.child.exitCode === null) {
      server.child.kill("SIGTERM");
      await server.exited;
    }
    await db?.drop();
  });

  it("logs an unhandled rejection and keeps serving", async () => {
    process.kill(pid, "SIGUSR2");
    await server.waitFor(/unhandled promise rejection/);
    expect(server.output()).toContain("a promise nobody awaited was rejected");
    expect(server.child.exitCode).toBeNull();
    expect((await fetch(`${origin}/health`)).status).toBe(200);
    const rooms = await fetch(`${origin}/graphql`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ query: ROOMS }),
    });
    expect((await rooms.json()).data.rooms.length).toBeGreaterThan(0);
  });

  it("logs an uncaught exception as fatal, then shuts down gracefully with exit code 1", async () => {
    process.kill(pid, "SIGHUP");
    expect(await server.exited).toBe(1);
    const output = server.output();
    expect(output).toMatch(/"level":60.*uncaught exception/);
    expect(output).toContain("an exception nobody caught");
    expect(output).toMatch(/"msg":"bye"/);
  });
});
