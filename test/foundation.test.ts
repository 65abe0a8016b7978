import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startTestServer, type TestServer } from "./helpers/server.js";
import { createUser } from "./helpers/users.js";

let server: TestServer;
beforeAll(async () => {
  server = await startTestServer();
});
afterAll(() => server?.stop());

const expectStandardError = (error: any, code: string, statusCode: number) => {
  expect(error.extensions).toMatchObject({ code, statusCode });
  expect(new Date(error.extensions.timestamp).toISOString()).toBe(error.extensions.timestamp);
  expect(typeof error.extensions.requestId).toBe("string");
};

describe("HTTP surface", () => {
  it("serves the `general` room after migration", async () => {
    const result = await server.gql("{ rooms { slug name } }");
    expect(result.errors).toBeUndefined();
    expect(result.data.rooms.map((r: any) => r.slug)).toContain("general");
  });

  it("answers GET for queries and refuses mutations over GET", async () => {
    const get = await fetch(`${server.url}?query=${encodeURIComponent('{ room(slug: "general") { slug } }')}`, {
      headers: { accept: "application/json" },
    });
    expect(get.status).toBe(200);
    expect((await get.json()).data.room.slug).toBe("general");

    const mutation = await fetch(`${server.url}?query=${encodeURIComponent("mutation { __typename }")}`, {
      headers: { accept: "application/json" },
    });
    expect(mutation.status).toBe(405);
  });

  it("has liveness and readiness probes", async () => {
    const health = await fetch(`${server.origin}/health`);
    expect(health.status).toBe(200);
    const ready = await fetch(`${server.origin}/ready`);
    expect(ready.status).toBe(200);
    expect(await ready.json()).toMatchObject({ status: "ok", dependencies: { database: "ok" } });
  });

  it("answers any other path with the JSON 404", async () => {
    const response = await fetch(`${server.origin}/nope`);
    expect(response.status).toBe(404);
    const body = await response.json();
    expect(body).toMatchObject({ success: false, error: { code: "NOT_FOUND", statusCode: 404 } });
    expect(typeof body.error.message).toBe("string");
    expect(Number.isNaN(Date.parse(body.error.timestamp))).toBe(false);
  });

  it("serves subscriptions over WebSocket only: GET and POST (SSE) refuse them, streaming nothing", async () => {
    const user = await createUser(server);
    const query = 'subscription { roomEvents(room: "general") { __typename } }';
    const headers = { accept: "text/event-stream, application/json", authorization: `Bearer ${user.accessToken}` };
    const overGet = await fetch(`${server.url}?query=${encodeURIComponent(query)}`, { headers });
    const overPost = await server.post({ query }, headers);
    for (const response of [overGet, overPost]) {
      // Read to the end: a stream that was opened would never end on its own.
      const body = await response.text();
      expect(body).not.toContain("MemberJoined");
      expect(body).toContain('"code":"BAD_REQUEST"');
      expect(body).toContain("WebSocket");
    }
  });

  it("keeps request batching off", async () => {
    const response = await server.post([{ query: "{ rooms { slug } }" }, { query: "{ rooms { slug } }" }]);
    expect(response.status).toBe(400);
  });

  it("echoes a request id in X-Request-Id and in error extensions", async () => {
    const response = await server.post({ query: "{ nope }" }, { "x-request-id": "req-abc-123" });
    expect(response.headers.get("x-request-id")).toBe("req-abc-123");
    const body = await response.json();
    expect(body.errors[0].extensions.requestId).toBe("req-abc-123");
  });
});

describe("standard errors", () => {
  it("GRAPHQL_PARSE_FAILED for a syntax error", async () => {
    const response = await server.post({ query: "{ rooms { slug " });
    expect(response.status).toBe(400);
    expectStandardError((await response.json()).errors[0], "GRAPHQL_PARSE_FAILED", 400);
  });

  it("GRAPHQL_VALIDATION_FAILED for an unknown field", async () => {
    const response = await server.post({ query: "{ rooms { nope } }" });
    expect(response.status).toBe(400);
    expectStandardError((await response.json()).errors[0], "GRAPHQL_VALIDATION_FAILED", 400);
  });

  it("BAD_USER_INPUT for a malformed global id", async () => {
    const result = await server.gql('{ user(id: "garbage") { id } }');
    expectStandardError(result.errors![0], "BAD_USER_INPUT", 400);
  });

  it("BAD_USER_INPUT for a malformed DateTime variable", async () => {
    const result = await server.gql("query ($f: EventFilter) { events(first: 1, filter: $f) { totalCount } }", {
      f: { startsAfter: "yesterday" },
    });
    expect(result.errors![0].extensions.code).toMatch(/BAD_USER_INPUT|GRAPHQL_VALIDATION_FAILED/);
  });
});

describe("unexpected errors", () => {
  it("are masked as INTERNAL_SERVER_ERROR and logged in full with the request id", async () => {
    const isolated = await startTestServer();
    try {
      // A schema the code does not expect: Prisma fails with an error that names the table.
      await isolated.app.services.prisma.$executeRawUnsafe('DROP TABLE "Attendance"');
      await isolated.app.services.prisma.event.create({
        data: {
          title: "Milonga",
          kind: "MILONGA",
          startsAt: new Date(),
          endsAt: new Date(Date.now() + 3600_000),
          timezone: "UTC",
          city: "Rosario",
          organizer: { create: { email: "o@example.com", passwordHash: "x", displayName: "O" } },
        },
      });
      const failing = await isolated.post(
        { query: "{ events(first: 1) { edges { node { attendeeCount } } } }" },
        { "x-request-id": "req-masked-2" },
      );
      const body = await failing.json();
      const error = body.errors[0];
      expectStandardError(error, "INTERNAL_SERVER_ERROR", 500);
      expect(error.message).toBe("Unexpected error.");
      expect(error.extensions.requestId).toBe("req-masked-2");
      expect(JSON.stringify(body)).not.toMatch(/Attendance|SELECT|relation|stack|prisma/i);
      expect(isolated.logs.join("")).toMatch(/req-masked-2[^\n]*Attendance|Attendance[^\n]*req-masked-2/);
    } finally {
      await isolated.stop();
    }
  });
});
