// What a client sees when its request is wrong, over HTTP and over the WebSocket: malformed
// requests are 400 BAD_REQUEST whatever the client accepts, error bodies carry no server
// internals, variables that do not fit their type are BAD_USER_INPUT, and a socket's
// authorization must be a string.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { CSRF_HEADER } from "../src/graphql/csrfHeader.js";
import { wsClient, wsOnce } from "./helpers/graphqlWs.js";
import { startTestServer, type GraphQLResponse, type TestServer } from "./helpers/server.js";
import { connectWs } from "./helpers/ws.js";

let server: TestServer;
beforeAll(async () => {
  server = await startTestServer();
});
afterAll(() => server?.stop());

const ACCEPTS = ["application/json", "application/graphql-response+json"] as const;
const ROOMS = encodeURIComponent("{ rooms { slug } }");

async function answer(response: Response) {
  const body = (await response.json()) as GraphQLResponse;
  expect(body.errors).toHaveLength(1);
  return { status: response.status, error: body.errors![0]!, body };
}

/** A 400 BAD_REQUEST, consistent in status and body, with nothing but our own extensions. */
function expectBadRequest({ status, error }: Awaited<ReturnType<typeof answer>>) {
  expect(status).toBe(400);
  expect(error.extensions).toMatchObject({ code: "BAD_REQUEST", statusCode: 400 });
  expect(Object.keys(error.extensions).sort()).toEqual(["code", "requestId", "statusCode", "timestamp"]);
}

const post = (body: string, accept: string, headers: Record<string, string> = {}) =>
  fetch(server.url, { method: "POST", headers: { "content-type": "application/json", accept, ...headers }, body });

describe("malformed requests: HTTP 400 BAD_REQUEST", () => {
  it.each(ACCEPTS)("a GET whose variables or extensions are not JSON (Accept: %s)", async (accept) => {
    for (const name of ["variables", "extensions"]) {
      const result = await answer(
        await fetch(`${server.url}?query=${ROOMS}&${name}=${encodeURIComponent("{bad")}`, { headers: { accept } }),
      );
      expectBadRequest(result);
      expect(result.error.message).toBe(`The "${name}" parameter is not valid JSON.`);
    }
    expect(server.logs.join("")).not.toMatch(/unexpected error while handling a GraphQL operation/);
  });

  it.each(ACCEPTS)("a multipart POST whose operations or map are not JSON (Accept: %s)", async (accept) => {
    for (const fields of [
      { operations: "notjson", map: "x" },
      { operations: JSON.stringify({ query: "{ rooms { slug } }" }), map: "x" },
      { map: "{}" },
    ]) {
      const form = new FormData();
      for (const [name, value] of Object.entries(fields)) form.set(name, value);
      const result = await answer(
        await fetch(server.url, { method: "POST", headers: { accept, [CSRF_HEADER]: "1" }, body: form }),
      );
      expectBadRequest(result);
      expect(result.error.message).toMatch(/^(Missing multipart form field|Multipart form field)/);
    }
  });

  it.each(ACCEPTS)("a request without a query (Accept: %s)", async (accept) => {
    expectBadRequest(await answer(await fetch(`${server.url}?operationName=x`, { headers: { accept } })));
    expectBadRequest(await answer(await post('{"query":null}', accept)));
    expectBadRequest(
      await answer(
        await post(JSON.stringify({ extensions: { persistedQuery: { version: 1, sha256Hash: "0".repeat(64) } } }), accept),
      ),
    );
  });

  it("a document that does not parse or validate keeps 200 for application/json (GraphQL over HTTP)", async () => {
    for (const [query, code] of [
      ["{", "GRAPHQL_PARSE_FAILED"],
      ["{ nope }", "GRAPHQL_VALIDATION_FAILED"],
    ] as const) {
      const json = await answer(await post(JSON.stringify({ query }), "application/json"));
      expect([json.status, json.error.extensions.code]).toEqual([200, code]);
      const graphqlResponse = await answer(await post(JSON.stringify({ query }), "application/graphql-response+json"));
      expect([graphqlResponse.status, graphqlResponse.error.extensions.code]).toEqual([400, code]);
    }
  });
});

describe("error bodies carry no internals", () => {
  it.each(ACCEPTS)("invalid JSON does not echo the body back (Accept: %s)", async (accept) => {
    const cutOff = '{"query":"mutation { login(input: { email: \\"a@b.c\\", password: \\"hunter2-secret';
    const response = await post(cutOff, accept);
    const text = await response.clone().text();
    expect(text).not.toContain("hunter2");
    const result = await answer(response);
    expectBadRequest(result);
    expect(result.error.message).toBe("POST body sent invalid JSON.");
  });

  it("over the WebSocket, errors carry no `http` extension", async () => {
    const client = wsClient(server);
    try {
      const result = await wsOnce(client, "query ($n: Int!) { events(first: $n) { totalCount } }", { n: "x" });
      expect(result.errors![0]!.extensions).toMatchObject({ code: "BAD_USER_INPUT", statusCode: 400 });
      expect(result.errors![0]!.extensions).not.toHaveProperty("http");
    } finally {
      await client.dispose();
    }
  });
});

describe("variables that do not fit their type: BAD_USER_INPUT", () => {
  const cases = [
    [
      "query ($n: Int!) { events(first: $n) { totalCount } }",
      { n: null },
      /^Variable "\$n" of non-null type "Int!" must not be null\.$/,
    ],
    ["query ($n: Int!) { events(first: $n) { totalCount } }", {}, /^Variable "\$n" of required type "Int!" was not provided\.$/],
    [
      "query ($b: Boolean!) { rooms @include(if: $b) { slug } }",
      { b: null },
      /^Variable "\$b" of non-null type "Boolean!" must not be null\.$/,
    ],
    // Not compiled by graphql-jit (a non-null variable with a default): the same answer.
    [
      "query ($n: Int! = 5) { events(first: $n) { totalCount } }",
      { n: null },
      /^Variable "\$n" of non-null type "Int!" must not be null\.$/,
    ],
  ] as const;

  it.each(cases)("over HTTP: %s with %j", async (query, variables, message) => {
    const response = await server.post({ query, variables });
    expect(response.status).toBe(400);
    const { errors } = (await response.json()) as GraphQLResponse;
    expect(errors![0]!.message).toMatch(message);
    expect(errors![0]).toMatchObject({
      locations: [{ line: 1, column: 8 }],
      extensions: { code: "BAD_USER_INPUT", statusCode: 400 },
    });
  });

  it("over the WebSocket", async () => {
    const client = wsClient(server);
    try {
      for (const [query, variables, message] of cases) {
        const result = await wsOnce(client, query, variables);
        expect(result.errors![0]!.message).toMatch(message);
        expect(result.errors![0]!.extensions).toMatchObject({ code: "BAD_USER_INPUT", statusCode: 400 });
      }
    } finally {
      await client.dispose();
    }
  });

  it("a document that misuses a variable stays GRAPHQL_VALIDATION_FAILED; a good value runs (compiled)", async () => {
    for (const query of ["query ($n: Int) { rooms { slug } }", "query ($b: Boolean) { rooms @include(if: $b) { slug } }"]) {
      const result = await server.gql(query, {});
      expect(result.errors![0]!.extensions.code).toBe("GRAPHQL_VALIDATION_FAILED");
    }
    const ok = await server.gql("query ($n: Int!) { events(first: $n) { totalCount } }", { n: 1 });
    expect(ok.errors).toBeUndefined();
    const included = await server.gql("query ($b: Boolean!) { rooms @include(if: $b) { slug } }", { b: true });
    expect(included.errors).toBeUndefined();
  });
});

describe("WebSocket authorization connection param", () => {
  const outcome = async (connectionParams: Record<string, unknown>) => {
    const socket = connectWs(server, { connectionParams });
    try {
      return await Promise.race([socket.connected.then(() => "connected"), socket.closed.then(({ code }) => code)]);
    } finally {
      await socket.dispose();
    }
  };

  it("refuses one that is present but not a string, like a malformed token (4403)", async () => {
    for (const authorization of [12345, {}, [], true, "garbage"]) {
      expect(await outcome({ authorization }), JSON.stringify(authorization)).toBe(4403);
    }
    expect(await outcome({ Authorization: 12345 })).toBe(4403);
  });

  it("takes an absent or null one as anonymous", async () => {
    for (const params of [{}, { authorization: null }, { authorization: undefined }]) {
      expect(await outcome(params), JSON.stringify(params)).toBe("connected");
    }
  });
});
