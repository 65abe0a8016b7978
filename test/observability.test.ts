// Response time, per-operation logs and /metrics, through real HTTP requests and sockets.
// Thresholds are set to 0 through the environment instead of making anything slow.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { wsClient, wsOnce } from "./helpers/graphqlWs.js";
import { startTestServer, type TestServer } from "./helpers/server.js";
import { createUser } from "./helpers/users.js";

const METRICS_TOKEN = "metrics-test-token-0123456789";

/** Parsed JSON log lines whose msg matches. */
function logLines(server: TestServer, msg: RegExp): Record<string, any>[] {
  return server.logs.map((line) => JSON.parse(line)).filter((line) => msg.test(String(line.msg)));
}

async function scrape(server: TestServer, token?: string) {
  return fetch(`${server.origin}/metrics`, token ? { headers: { authorization: `Bearer ${token}` } } : {});
}

/** Polls until `check` holds (the server updates presence asynchronously); fails after 10 s. */
async function until(check: () => Promise<boolean>, what: string) {
  const deadline = Date.now() + 10_000;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

/** The value of one sample line, e.g. `name{a="b"} 3`; undefined when absent. */
function sample(text: string, name: string, labels: Record<string, string> = {}): number | undefined {
  for (const line of text.split("\n")) {
    if (!line.startsWith(name)) continue;
    const match = /^([a-zA-Z_:][\w:]*)(\{(.*)\})? (\S+)$/.exec(line);
    if (!match || match[1] !== name) continue;
    const present = Object.fromEntries([...(match[3] ?? "").matchAll(/(\w+)="([^"]*)"/g)].map((m) => [m[1], m[2]]));
    if (Object.entries(labels).every(([k, v]) => present[k] === v)) return Number(match[4]);
  }
  return undefined;
}

describe("with SLOW_OPERATION_MS=0 and METRICS_TOKEN set", () => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startTestServer({
      env: { SLOW_OPERATION_MS: "0", SLOW_OPERATION_ALERT_MS: "600000", METRICS_TOKEN },
    });
  });
  afterAll(() => server?.stop());

  it("sends X-Response-Time with every GraphQL response, failures included", async () => {
    const ok = await server.post({ query: "query Rooms { rooms { slug } }" });
    expect(ok.status).toBe(200);
    expect(ok.headers.get("x-response-time")).toMatch(/^\d+\.\dms$/);

    const parseError = await server.post({ query: "{ rooms {" });
    expect(parseError.status).toBe(400);
    expect(parseError.headers.get("x-response-time")).toMatch(/^\d+\.\dms$/);
  });

  it("sends X-Response-Time from every other route too: health, readiness, metrics, not found", async () => {
    for (const [path, status] of [
      ["/health", 200],
      ["/ready", 200],
      ["/metrics", 401],
      ["/nowhere", 404],
    ] as const) {
      const response = await fetch(new URL(path, server.url));
      expect(response.status, path).toBe(status);
      expect(response.headers.get("x-response-time"), path).toMatch(/^\d+\.\dms$/);
    }
  });

  it("logs a slow-operation warning with name, type, duration, user and request id", async () => {
    const user = await createUser(server);
    const response = await server.post(
      { query: "query WhoAmI { me { id } }", operationName: "WhoAmI" },
      { authorization: `Bearer ${user.accessToken}`, "x-request-id": "obs-who-am-i" },
    );
    expect((await response.json()).data.me.id).toBe(user.id);

    const [line] = logLines(server, /^slow operation: query WhoAmI/).filter((l) => l.requestId === "obs-who-am-i");
    expect(line).toMatchObject({
      level: 40,
      operationName: "WhoAmI",
      operationType: "query",
      transport: "http",
      userId: user.rawId,
      thresholdMs: 0,
    });
    expect(line!.durationMs).toBeTypeOf("number");
    expect(line!.errorCode).toBeUndefined();
  });

  it("logs the error code of a failed operation, and of one that never parsed", async () => {
    await server.post({ query: "query NotSignedIn { me { id } }" }, { "x-request-id": "obs-anon" });
    // Twice: the second time yoga answers from its parser cache.
    await server.post({ query: "query Broken { rooms {" }, { "x-request-id": "obs-broken" });
    await server.post({ query: "query Broken { rooms {" }, { "x-request-id": "obs-broken-again" });
    const lines = logLines(server, /^slow operation/);
    expect(lines.find((l) => l.requestId === "obs-anon")).toMatchObject({
      operationName: "NotSignedIn",
      errorCode: "UNAUTHENTICATED",
      userId: null,
    });
    for (const requestId of ["obs-broken", "obs-broken-again"]) {
      expect(lines.find((l) => l.requestId === requestId)).toMatchObject({
        operationType: null,
        errorCode: "GRAPHQL_PARSE_FAILED",
      });
    }
  });

  it("times operations over the WebSocket too", async () => {
    const client = wsClient(server);
    try {
      const result = await wsOnce(client, "query SocketRooms { rooms { slug } }");
      expect(result.data.rooms.length).toBeGreaterThan(0);
    } finally {
      await client.dispose();
    }
    const [line] = logLines(server, /^slow operation: query SocketRooms/);
    expect(line).toMatchObject({ operationName: "SocketRooms", operationType: "query", transport: "ws" });
    expect(line!.requestId).toBeTypeOf("string");
    expect(line!.durationMs).toBeTypeOf("number");
  });

  it("refuses /metrics without the bearer token, or with a wrong one", async () => {
    for (const response of [await scrape(server), await scrape(server, "wrong-token")]) {
      expect(response.status).toBe(401);
      expect(response.headers.get("www-authenticate")).toMatch(/^Bearer/);
      expect(await response.json()).toMatchObject({ success: false, error: { code: "UNAUTHENTICATED", statusCode: 401 } });
    }
  });

  it("serves Prometheus metrics: operation durations, errors by code, process metrics", async () => {
    await server.post({ query: "query Rooms { rooms { slug } }" });
    await server.post({ query: "query NotSignedIn { me { id } }" });

    const response = await scrape(server, METRICS_TOKEN);
    expect(response.status).toBe(200);
    expect(response.headers.get("content-type")).toMatch(/^text\/plain; version=0\.0\.4/);
    const text = await response.text();

    const rooms = { operation_name: "Rooms", operation_type: "query", transport: "http" };
    expect(sample(text, "mundo_graphql_operation_duration_seconds_count", rooms)).toBeGreaterThanOrEqual(2);
    expect(sample(text, "mundo_graphql_operation_duration_seconds_bucket", { ...rooms, le: "+Inf" })).toBeGreaterThanOrEqual(2);
    expect(
      sample(text, "mundo_graphql_errors_total", { code: "UNAUTHENTICATED", operation_type: "query" }),
    ).toBeGreaterThanOrEqual(1);
    expect(
      sample(text, "mundo_graphql_errors_total", { code: "GRAPHQL_PARSE_FAILED", operation_type: "unknown" }),
    ).toBeGreaterThanOrEqual(1);
    expect(sample(text, "process_cpu_user_seconds_total")).toBeGreaterThan(0);
    expect(sample(text, "nodejs_heap_size_used_bytes")).toBeGreaterThan(0);
    for (const name of [
      "mundo_rate_limit_rejections_total",
      "mundo_messages_sent_total",
      "mundo_graphql_active_subscriptions",
      "mundo_room_members",
    ]) {
      expect(text).toContain(`# TYPE ${name} `);
    }
  });

  it("counts active subscriptions and room members while a client is in a room", async () => {
    const user = await createUser(server);
    const client = wsClient(server, { authorization: `Bearer ${user.accessToken}` });
    const metric = async (name: string, labels: Record<string, string>) =>
      sample(await (await scrape(server, METRICS_TOKEN)).text(), name, labels);
    const subscriptions = () => metric("mundo_graphql_active_subscriptions", { field: "roomEvents" });
    const members = () => metric("mundo_room_members", { room: "general" });
    try {
      const stop = client.subscribe(
        { query: 'subscription InRoom { roomEvents(room: "general") { __typename } }' },
        { next: () => undefined, error: () => undefined, complete: () => undefined },
      );
      await until(async () => (await subscriptions()) === 1, "the subscription to count");
      await until(async () => (await members()) === 1, "the member to count");
      stop();
      await until(async () => (await subscriptions()) === 0, "the subscription to end");
      await until(async () => (await members()) === undefined, "the room to empty");

      // One the resolver refuses (no such room) ends at once; one whose socket closes ends with it.
      const refused = await new Promise<unknown>((resolve) =>
        client.subscribe(
          { query: 'subscription { roomEvents(room: "no-such-room") { __typename } }' },
          { next: resolve, error: resolve, complete: () => undefined },
        ),
      );
      expect(refused).toMatchObject({ errors: [{ extensions: { code: "NOT_FOUND" } }] });
      client.subscribe(
        { query: 'subscription Again { roomEvents(room: "general") { __typename } }' },
        { next: () => undefined, error: () => undefined, complete: () => undefined },
      );
      await until(async () => (await subscriptions()) === 1, "the second subscription to count");
      await client.dispose();
      await until(async () => (await subscriptions()) === 0, "the socket's subscription to end with it");
    } finally {
      await client.dispose();
    }
    const [setup] = logLines(server, /^slow operation: subscription InRoom/);
    expect(setup).toMatchObject({ operationType: "subscription", transport: "ws", userId: user.rawId });
  });

  it("counts rate-limit rejections by field", async () => {
    const login = 'mutation { login(input: { email: "nobody@example.test", password: "wrong-password-1" }) { accessToken } }';
    const codes: string[] = [];
    for (let i = 0; i < 6; i++) codes.push((await server.gql(login)).errors![0]!.extensions.code);
    expect(codes.at(-1)).toBe("RATE_LIMITED");
    const text = await (await scrape(server, METRICS_TOKEN)).text();
    expect(sample(text, "mundo_rate_limit_rejections_total", { field: "Mutation.login" })).toBe(1);
    expect(sample(text, "mundo_graphql_errors_total", { code: "RATE_LIMITED", operation_type: "mutation" })).toBe(1);
  });

  it("counts open WebSocket connections", async () => {
    const before = sample(await (await scrape(server, METRICS_TOKEN)).text(), "mundo_websocket_open_connections");
    const client = wsClient(server);
    try {
      await wsOnce(client, "{ rooms { slug } }");
      const during = sample(await (await scrape(server, METRICS_TOKEN)).text(), "mundo_websocket_open_connections");
      expect(during).toBe(before! + 1);
    } finally {
      await client.dispose();
    }
  });
});

describe("with SLOW_OPERATION_ALERT_MS=0 and no METRICS_TOKEN", () => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startTestServer({ env: { SLOW_OPERATION_MS: "0", SLOW_OPERATION_ALERT_MS: "0" } });
  });
  afterAll(() => server?.stop());

  it("raises an error-level alert with name, type and duration", async () => {
    await server.post({ query: 'mutation SignOut { logout(refreshToken: "not-a-token") }' }, { "x-request-id": "obs-alert" });
    const [line] = logLines(server, /^slow operation alert: mutation SignOut/);
    expect(line).toMatchObject({
      level: 50,
      alert: "slow_operation",
      requestId: "obs-alert",
      operationName: "SignOut",
      operationType: "mutation",
      thresholdMs: 0,
    });
    expect(line!.durationMs).toBeTypeOf("number");
  });

  it("serves /metrics to anyone", async () => {
    const response = await scrape(server);
    expect(response.status).toBe(200);
    expect(await response.text()).toContain("# TYPE mundo_graphql_operation_duration_seconds histogram");
  });
});
