// Query limits, introspection, field suggestions, body size and execution timeout, through real
// HTTP requests and graphql-ws sockets.
import { parse, validate } from "graphql";
import pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { QUERY_LIMITS, type QueryLimits } from "../src/graphql/queryLimits.js";
import { schema } from "../src/schema/index.js";
import { measure } from "./fixtures/measureQueries.js";
import { INTROSPECTION, REFERENCE_OPERATIONS } from "./fixtures/referenceQueries.js";
import { wsClient, wsOnce } from "./helpers/graphqlWs.js";
import { startTestServer, TEST_JWT_SECRET, type GraphQLResponse, type TestServer } from "./helpers/server.js";
import { countServiceCalls } from "./helpers/serviceCalls.js";
import { createUser } from "./helpers/users.js";
import { hasPostgres } from "./helpers/services.js";

const aliases = (n: number, field = "rooms { slug }") => Array.from({ length: n }, (_, i) => `a${i}: ${field}`).join(" ");

/** Abusive documents, each over exactly one limit. */
const ABUSE: Record<keyof QueryLimits, { query: string; variables?: Record<string, unknown>; code: string }> = {
  depth: {
    // room → messages → edges → node → room → messages → edges → node → room → slug: depth 10
    query: '{ room(slug: "general") { messages { edges { node { room { messages { edges { node { room { slug } } } } } } } } } }',
    code: "GRAPHQL_VALIDATION_FAILED",
  },
  cost: {
    // 100 events × 100 attendees each
    query: "{ events(first: 100) { edges { node { attendees(first: 100) { edges { node { id displayName } } } } } } }",
    code: "GRAPHQL_VALIDATION_FAILED",
  },
  aliases: { query: `{ ${aliases(QUERY_LIMITS.aliases + 1)} }`, code: "GRAPHQL_VALIDATION_FAILED" },
  tokens: { query: `{ rooms { ${"slug ".repeat(QUERY_LIMITS.tokens)} } }`, code: "GRAPHQL_PARSE_FAILED" },
  directives: {
    query: `{ rooms { ${aliases(QUERY_LIMITS.directives + 1, "slug @include(if: true)")} } }`,
    code: "GRAPHQL_VALIDATION_FAILED",
  },
};

/** The same 100 × 100 cost as ABUSE.cost, but with the page sizes sent as variables. */
const COST_BY_VARIABLES = {
  query:
    "query ($events: Int, $attendees: Int) { events(first: $events) { edges { node { attendees(first: $attendees) { edges { node { id displayName } } } } } } }",
  variables: { events: 100, attendees: 100 },
};

const limitNames = Object.keys(QUERY_LIMITS) as (keyof QueryLimits)[];

/** Calls a request makes before any resolver: authenticating the caller. */
const beforeResolvers = (call: string) => call === "identity.viewerFromAuthorization";

describe("our own operations fit the limits", () => {
  it.each(Object.entries(REFERENCE_OPERATIONS))("%s is valid and within every limit", (_name, { query, variables }) => {
    expect(validate(schema, parse(query))).toEqual([]);
    const measured = measure(schema, query, variables);
    for (const limit of limitNames) expect(measured[limit], limit).toBeLessThanOrEqual(QUERY_LIMITS[limit]);
  });

  it("each abusive document is over the limit it targets", () => {
    for (const limit of limitNames) {
      const { query, variables } = ABUSE[limit];
      expect(measure(schema, query, variables)[limit], limit).toBeGreaterThan(QUERY_LIMITS[limit]);
    }
    expect(measure(schema, COST_BY_VARIABLES.query, COST_BY_VARIABLES.variables).cost).toBeGreaterThan(QUERY_LIMITS.cost);
  });
});

describe("query limits on a running server (development settings)", () => {
  let server: TestServer;
  let counter: ReturnType<typeof countServiceCalls>;
  const statements: string[] = [];
  let stopListening: () => void = () => undefined;
  beforeAll(async () => {
    server = await startTestServer({ env: { NODE_ENV: "development" } });
    stopListening = server.app.services.db.onStatement((sql) => statements.push(sql));
    counter = countServiceCalls(server);
  });
  afterAll(async () => {
    counter?.restore();
    stopListening();
    await server?.stop();
  });
  const resetCounts = () => {
    counter.reset();
    statements.splice(0);
  };

  it("serves the deepest feed at the largest page size, and GraphiQL's introspection query", async () => {
    const { query, variables } = REFERENCE_OPERATIONS.EVENTS_FEED!;
    const feed = await server.gql(query, variables);
    expect(feed.errors).toBeUndefined();
    expect(feed.data.events.edges).toBeInstanceOf(Array);

    const introspection = await server.gql(INTROSPECTION);
    expect(introspection.errors).toBeUndefined();
    expect(introspection.data.__schema.queryType.name).toBe("Query");
  });

  it("counts resolver data access and SQL statements (control for the tests below)", async () => {
    resetCounts();
    await server.gql("{ events(first: 1) { totalCount } }");
    expect(counter.calls.filter((c) => !beforeResolvers(c)).length).toBeGreaterThan(0);
    expect(statements.length).toBeGreaterThan(0);
  });

  it.each(limitNames)("refuses a document over the %s limit over HTTP with 400, no data and no resolver run", async (limit) => {
    const { query, variables, code } = ABUSE[limit];
    resetCounts();
    const response = await server.post({ query, variables });
    const body = (await response.json()) as GraphQLResponse;
    expect(response.status).toBe(400);
    expect(body).not.toHaveProperty("data");
    expect(body.errors).toHaveLength(1);
    expect(body.errors![0]!.extensions.code).toBe(code);
    if (limit !== "tokens") expect(body.errors![0]!.extensions.limit).toBe(limit);
    expect(body.errors![0]!.message).toMatch(/limit/i);
    expect(counter.calls).toEqual([]);
    expect(statements).toEqual([]);
  });

  it("counts page sizes sent as variables in the cost, before any resolver runs", async () => {
    resetCounts();
    const response = await server.post(COST_BY_VARIABLES);
    const body = (await response.json()) as GraphQLResponse;
    expect(body.data ?? null).toBeNull();
    expect(body.errors?.[0]?.extensions).toMatchObject({ code: "GRAPHQL_VALIDATION_FAILED", limit: "cost" });
    expect(response.status).toBe(400);
    expect(counter.calls.filter((c) => !beforeResolvers(c))).toEqual([]);
    expect(statements).toEqual([]);

    const small = await server.gql(COST_BY_VARIABLES.query, { events: 5, attendees: 5 });
    expect(small.errors).toBeUndefined();
  });

  it.each(limitNames)("refuses a document over the %s limit over graphql-ws, no resolver run", async (limit) => {
    const { query, variables, code } = ABUSE[limit];
    const client = wsClient(server);
    try {
      expect((await wsOnce(client, "{ __typename }")).data).toEqual({ __typename: "Query" });
      resetCounts();
      const result = await wsOnce(client, query, variables);
      expect(result.errors?.[0]?.extensions.code).toBe(code);
      expect(result.data ?? null).toBeNull();
      expect(counter.calls).toEqual([]);
      expect(statements).toEqual([]);
    } finally {
      await client.dispose();
    }
  });

  it("keeps field suggestions and introspection in development", async () => {
    const typo = await server.gql("{ rooms { slugg } }");
    expect(typo.errors?.[0]?.message).toMatch(/Did you mean "slug"\?/);
    const type = await server.gql('{ __type(name: "Room") { name } }');
    expect(type.data.__type.name).toBe("Room");
  });

  it("refuses a body over MAX_BODY_BYTES with 413 PAYLOAD_TOO_LARGE, declared or streamed", async () => {
    const big = JSON.stringify({ query: "{ rooms { slug } }", variables: { pad: "x".repeat(150_000) } });
    const declared = await fetch(server.url, { method: "POST", headers: { "content-type": "application/json" }, body: big });
    expect(declared.status).toBe(413);
    const body = (await declared.json()) as GraphQLResponse;
    expect(body.errors![0]!.extensions).toMatchObject({ code: "PAYLOAD_TOO_LARGE", statusCode: 413, maxBytes: 100_000 });
    expect(body.errors![0]!.message).toMatch(/100000-byte limit/);

    // Chunked: no Content-Length to trust, the stream itself is counted.
    const chunks = new ReadableStream({
      start(controller) {
        for (let i = 0; i < big.length; i += 16_384) controller.enqueue(new TextEncoder().encode(big.slice(i, i + 16_384)));
        controller.close();
      },
    });
    const streamed = await fetch(server.url, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: chunks,
      duplex: "half",
    } as RequestInit);
    expect(streamed.status).toBe(413);
    expect(((await streamed.json()) as GraphQLResponse).errors![0]!.extensions.code).toBe("PAYLOAD_TOO_LARGE");
  });
});

describe("production settings", () => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startTestServer({ env: { NODE_ENV: "production", JWT_SECRET: TEST_JWT_SECRET } });
  });
  afterAll(() => server?.stop());

  it("hides field suggestions", async () => {
    const typo = await server.post({ query: "{ rooms { slugg } }" });
    expect(typo.status).toBe(400);
    const body = (await typo.json()) as GraphQLResponse;
    expect(body.errors![0]!.extensions.code).toBe("GRAPHQL_VALIDATION_FAILED");
    expect(body.errors![0]!.message).toContain('Cannot query field "slugg"');
    expect(body.errors![0]!.message).not.toMatch(/Did you mean/);

    // Unknown enum values, in a literal and in a variable, and unknown input fields.
    const cases = [
      await server.gql('mutation { setUserRole(id: "x", role: ADMN) { id } }'),
      await server.gql('mutation ($role: Role!) { setUserRole(id: "x", role: $role) { id } }', { role: "ADMN" }),
      await server.gql("query ($f: EventFilter) { events(first: 1, filter: $f) { totalCount } }", { f: { cty: "x" } }),
    ];
    for (const result of cases) {
      expect(result.errors).toHaveLength(1);
      expect(result.errors![0]!.message).not.toMatch(/Did you mean|ADMIN|"city"/);
      expect(result.errors![0]!.extensions.code).toMatch(/^(GRAPHQL_VALIDATION_FAILED|BAD_USER_INPUT)$/);
    }
    expect(cases[1]!.errors![0]!.extensions.code).toBe("BAD_USER_INPUT");

    const client = wsClient(server);
    try {
      const result = await wsOnce(client, "{ rooms { slugg } }");
      expect(result.errors?.[0]?.message).toContain('Cannot query field "slugg"');
      expect(result.errors?.[0]?.message).not.toMatch(/Did you mean/);
    } finally {
      await client.dispose();
    }
  });

  it("turns introspection off by default, on both transports", async () => {
    const http = await server.post({ query: INTROSPECTION });
    expect(http.status).toBe(400);
    const body = (await http.json()) as GraphQLResponse;
    expect(body).not.toHaveProperty("data");
    expect(body.errors![0]!.message).toMatch(/introspection/i);

    const client = wsClient(server);
    try {
      const result = await wsOnce(client, '{ __type(name: "Room") { name } }');
      expect(result.errors?.[0]?.message).toMatch(/introspection/i);
      expect((await wsOnce(client, "{ __typename }")).data).toEqual({ __typename: "Query" });
    } finally {
      await client.dispose();
    }
  });

  it("INTROSPECTION=true turns it on in production", async () => {
    const open = await startTestServer({ env: { NODE_ENV: "production", JWT_SECRET: TEST_JWT_SECRET, INTROSPECTION: "true" } });
    try {
      const result = await open.gql(INTROSPECTION);
      expect(result.errors).toBeUndefined();
      expect(result.data.__schema.queryType.name).toBe("Query");
    } finally {
      await open.stop();
    }
  });
});

describe.skipIf(!hasPostgres)("execution timeout (EXECUTION_TIMEOUT_MS)", () => {
  let server: TestServer;
  let locker: pg.Client;
  beforeAll(async () => {
    server = await startTestServer({ env: { EXECUTION_TIMEOUT_MS: "300" } });
    locker = new pg.Client({ connectionString: server.db.url });
    await locker.connect();
  });
  afterAll(async () => {
    await locker?.end();
    await server?.stop();
  });

  it("aborts an operation stuck on the database with SERVICE_UNAVAILABLE, then serves again", async () => {
    // Another session holds the rooms table: the query waits on the lock past the limit.
    await locker.query("BEGIN");
    await locker.query('LOCK TABLE "Room" IN ACCESS EXCLUSIVE MODE');
    let stuck: Response;
    try {
      stuck = await server.post({ query: "{ rooms { slug } }" });
    } finally {
      await locker.query("ROLLBACK");
    }
    expect(stuck.status).toBe(503);
    const body = (await stuck.json()) as GraphQLResponse;
    expect(body.errors).toHaveLength(1);
    expect(body.errors![0]!.extensions).toMatchObject({
      code: "SERVICE_UNAVAILABLE",
      reason: "EXECUTION_TIMEOUT",
      timeoutMs: 300,
    });
    expect(body.errors![0]!.message).toMatch(/300 ms/);

    const after = await server.gql("{ rooms { slug } }");
    expect(after.errors).toBeUndefined();
    expect(after.data.rooms.length).toBeGreaterThan(0);
  });

  it("does not time mutations: one stuck past the limit answers with what it did", async () => {
    const organizer = await createUser(server, { role: "ORGANIZER" });
    const slug = `timed-${Date.now()}`;
    await locker.query("BEGIN");
    await locker.query('LOCK TABLE "Room" IN ACCESS EXCLUSIVE MODE');
    let created: Promise<GraphQLResponse>;
    try {
      created = server.gql(
        `mutation ($slug: String!) { createRoom(input: { slug: $slug, name: "Timed" }) { slug } }`,
        { slug },
        { token: organizer.accessToken },
      );
      await new Promise((resolve) => setTimeout(resolve, 800)); // well past the 300 ms limit
    } finally {
      await locker.query("ROLLBACK");
    }
    const result = await created;
    expect(result.errors).toBeUndefined();
    expect(result.data.createRoom).toEqual({ slug });
  });

  it("does not time subscriptions: one outlives the limit and still delivers", async () => {
    const listener = await createUser(server);
    const speaker = await createUser(server);
    const client = wsClient(server, { authorization: `Bearer ${listener.accessToken}` });
    try {
      const received = new Promise<string>((resolve, reject) => {
        client.subscribe(
          {
            query:
              'subscription { roomEvents(room: "general", excludeSelf: true) { ... on MessagePosted { message { text } } } }',
          },
          {
            next: (value) => {
              const text = (value.data as any)?.roomEvents?.message?.text;
              if (text) resolve(text);
            },
            error: reject,
            complete: () => reject(new Error("subscription completed")),
          },
        );
      });
      // Outlive the 300 ms execution limit several times over, then post.
      await new Promise((resolve) => setTimeout(resolve, 1_500));
      const sent = await server.gql(
        "mutation ($input: SendMessageInput!) { sendMessage(input: $input) { messageId } }",
        { input: { room: "general", text: "still listening" } },
        { token: speaker.accessToken },
      );
      expect(sent.errors).toBeUndefined();
      expect(await received).toBe("still listening");
    } finally {
      await client.dispose();
    }
  });
});
