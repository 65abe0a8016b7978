// Queries and single-field mutations run compiled by graphql-jit (useCompiledExecution). What clients see must
// not change with it: errors keep their locations and path, variables that do not coerce are
// refused as graphql-js refuses them (400, the scalar's own message), and a variable leaving out
// an input field that has a default still gets the default.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createRoom } from "./helpers/rooms.js";
import { startTestServer, type GraphQLResponse, type TestServer } from "./helpers/server.js";
import { createUser } from "./helpers/users.js";

let server: TestServer;
beforeAll(async () => {
  server = await startTestServer();
});
afterAll(() => server?.stop());

describe("compiled execution", () => {
  it("keeps locations and path on resolver errors", async () => {
    const result = await server.gql("{\n  rooms { slug }\n  me { id }\n}");
    expect(result.errors).toHaveLength(1);
    expect(result.errors![0]).toMatchObject({
      path: ["me"],
      locations: [{ line: 3, column: 3 }],
      extensions: { code: "UNAUTHENTICATED" },
    });
    expect(result.data.rooms.length).toBeGreaterThan(0);
  });

  it("refuses a variable that does not coerce with 400 and the scalar's own message", async () => {
    const query = "query ($s: DateTime) { events(first: 1, filter: { startsAfter: $s }) { totalCount } }";
    const response = await server.post({ query, variables: { s: "not-a-date" } });
    expect(response.status).toBe(400);
    const body = (await response.json()) as GraphQLResponse;
    expect(body.data).toBeUndefined();
    expect(body.errors![0]!.extensions.code).toBe("BAD_USER_INPUT");
    expect(body.errors![0]!.message).toMatch(
      /^Variable "\$s" got invalid value "not-a-date"; DateTime must be an ISO-8601 string/,
    );
    expect(body.errors![0]).toMatchObject({ locations: [{ line: 1, column: 8 }] });

    // The same document with a good value runs (compiled and cached per document).
    for (const s of ["2026-01-01T00:00:00Z", "2027-01-01T00:00:00Z"]) {
      const ok = await server.gql(query, { s });
      expect(ok.errors).toBeUndefined();
      expect(typeof ok.data.events.totalCount).toBe("number");
    }
  });

  it("applies an input field's default when a variable leaves it out", async () => {
    const result = await server.gql("query ($o: EventOrder) { events(first: 1, orderBy: $o) { totalCount } }", {
      o: { field: "TITLE" },
    });
    expect(result.errors).toBeUndefined();
  });

  it("stops a mutation at a root field whose non-null result failed: later fields never run", async () => {
    const organizer = await createUser(server, { role: "ORGANIZER" });
    const room = await createRoom(server, organizer.accessToken);
    const result = await server.gql(
      `mutation ($room: String!) {
        a: attendEvent(id: "bogus") { id }
        b: sendMessage(input: { room: $room, text: "must not be stored" }) { messageId }
      }`,
      { room },
      { token: organizer.accessToken },
    );
    expect(result.data).toBeNull();
    expect(result.errors).toHaveLength(1);
    const messages = await server.gql(
      `query ($slug: String!) { room(slug: $slug) { messages(first: 5) { edges { node { id } } } } }`,
      { slug: room },
    );
    expect(messages.data.room.messages.edges).toEqual([]);
  });

  it("applies a non-null variable's default when the request leaves it out", async () => {
    const result = await server.gql("query ($first: Int! = 2) { events(first: $first) { edges { node { id } } } }", {});
    expect(result.errors).toBeUndefined();
    expect(result.data.events.edges.length).toBeLessThanOrEqual(2);
  });
});
