// GraphQL over HTTP compliance: graphql-http's server audits against a running server with every
// protection on (production settings: CORS allow-list, CSRF prevention, query limits, body limit,
// execution timeout, suggestions hidden). Introspection is switched on because the audits query
// `__type`. Like any non-browser client, the audit's fetch sends the CSRF header, which GET
// requests (no preflight) need.
import { auditServer, type AuditFail } from "graphql-http";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { CSRF_HEADER } from "../src/graphql/csrfHeader.js";
import { startTestServer, TEST_JWT_SECRET, type TestServer } from "./helpers/server.js";

/** graphql-http 1.23's server audits. */
const AUDIT_COUNT = 61;

let server: TestServer;
beforeAll(async () => {
  server = await startTestServer({
    env: {
      NODE_ENV: "production",
      JWT_SECRET: TEST_JWT_SECRET,
      INTROSPECTION: "true",
      CORS_ORIGINS: "https://app.mundotango.test",
    },
  });
});
afterAll(() => server?.stop());

const withCsrfHeader: typeof fetch = (input, init = {}) => {
  const headers = new Headers(init.headers);
  headers.set(CSRF_HEADER, "1");
  return fetch(input, { ...init, headers });
};

describe("GraphQL over HTTP (graphql-http audits)", () => {
  it(`passes all ${AUDIT_COUNT} audits with every protection on`, async () => {
    const results = await auditServer({ url: server.url, fetchFn: withCsrfHeader });
    const report = results
      .filter((result): result is AuditFail => result.status !== "ok")
      .map((f) => `${f.status} ${f.id} ${f.name}: ${f.reason} (HTTP ${f.response.status})`);
    if (report.length > 0) console.error(`failing audits:\n${report.join("\n")}`);
    expect(report).toEqual([]);
    expect(results.filter((r) => r.status === "ok")).toHaveLength(AUDIT_COUNT);
  });

  it("refuses a cross-site browser GET without the CSRF header, serves a plain GET", async () => {
    const url = `${server.url}?query=${encodeURIComponent("{ __typename }")}`;
    const plain = await fetch(url, { headers: { accept: "application/graphql-response+json" } });
    expect(plain.status).toBe(200);
    const foreign = await fetch(url, {
      headers: { accept: "application/graphql-response+json", origin: "https://evil.example" },
    });
    expect(foreign.status).toBe(403);
    const refused = await fetch(url, {
      headers: { accept: "application/graphql-response+json", "sec-fetch-site": "cross-site" },
    });
    expect(refused.status).toBe(403);
    const body = await refused.json();
    expect(body.errors[0].extensions).toMatchObject({ code: "FORBIDDEN", statusCode: 403 });
    expect(body.errors[0].message).toContain(CSRF_HEADER);

    const allowed = await fetch(url, {
      headers: { accept: "application/graphql-response+json", "sec-fetch-site": "cross-site", [CSRF_HEADER]: "1" },
    });
    expect(allowed.status).toBe(200);
    expect((await allowed.json()).data).toEqual({ __typename: "Query" });
  });

  it("refuses a form-encoded POST without the CSRF header", async () => {
    const refused = await fetch(server.url, {
      method: "POST",
      headers: { "content-type": "application/x-www-form-urlencoded" },
      body: `query=${encodeURIComponent("{ __typename }")}`,
    });
    expect(refused.status).toBe(403);
    expect((await refused.json()).errors[0].extensions.code).toBe("FORBIDDEN");
  });
});

describe("requests refused before any GraphQL work", () => {
  const refusal = async (response: Response) => ({ status: response.status, error: (await response.json()).errors[0] });

  it("carry the code matching their HTTP status", async () => {
    const put = await refusal(
      await fetch(server.url, { method: "PUT", headers: { "content-type": "application/json" }, body: "{}" }),
    );
    expect(put.status).toBe(405);
    expect(put.error.extensions).toMatchObject({ code: "METHOD_NOT_ALLOWED", statusCode: 405 });
    // Without a body or content type too (not a CSRF refusal: only GET and POST are served).
    const del = await refusal(await fetch(server.url, { method: "DELETE" }));
    expect(del.status).toBe(405);
    expect(del.error.extensions).toMatchObject({ code: "METHOD_NOT_ALLOWED", statusCode: 405 });

    const mutationOverGet = await refusal(
      await fetch(`${server.url}?query=${encodeURIComponent("mutation { logoutAll }")}`, {
        headers: { accept: "application/graphql-response+json", [CSRF_HEADER]: "1" },
      }),
    );
    expect(mutationOverGet.status).toBe(405);
    expect(mutationOverGet.error.extensions).toMatchObject({ code: "METHOD_NOT_ALLOWED", statusCode: 405 });

    const batch = await refusal(await server.post([{ query: "{ __typename }" }, { query: "{ __typename }" }]));
    expect(batch.status).toBe(400);
    expect(batch.error.extensions).toMatchObject({ code: "BAD_REQUEST", statusCode: 400 });

    const badJson = await refusal(
      await fetch(server.url, {
        method: "POST",
        headers: { "content-type": "application/json", accept: "application/graphql-response+json" },
        body: "{nope",
      }),
    );
    expect(badJson.status).toBe(400);
    expect(badJson.error.extensions).toMatchObject({ code: "BAD_REQUEST", statusCode: 400 });
  });
});

describe("CORS allow-list (CORS_ORIGINS)", () => {
  const preflight = (origin: string) =>
    fetch(server.url, {
      method: "OPTIONS",
      headers: {
        origin,
        "access-control-request-method": "POST",
        "access-control-request-headers": "content-type,authorization",
      },
    });

  it("answers a listed origin's preflight with that origin only, no credentials", async () => {
    const response = await preflight("https://app.mundotango.test");
    expect(response.headers.get("access-control-allow-origin")).toBe("https://app.mundotango.test");
    expect(response.headers.get("access-control-allow-headers")).toMatch(/authorization/);
    expect(response.headers.get("access-control-allow-headers")).toMatch(new RegExp(CSRF_HEADER));
    expect(response.headers.get("access-control-allow-credentials")).toBeNull();
    expect(response.headers.get("vary")).toMatch(/origin/i);
  });

  it("gives any other origin no CORS headers at all", async () => {
    const response = await preflight("https://evil.example");
    expect(response.headers.get("access-control-allow-origin")).toBeNull();
    const post = await server.post({ query: "{ __typename }" }, { origin: "https://evil.example" });
    expect(post.headers.get("access-control-allow-origin")).toBeNull();
  });

  it("exposes X-Request-Id to a listed origin's scripts", async () => {
    const post = await server.post({ query: "{ __typename }" }, { origin: "https://app.mundotango.test" });
    expect(post.headers.get("access-control-allow-origin")).toBe("https://app.mundotango.test");
    expect(post.headers.get("access-control-expose-headers")).toMatch(/x-request-id/i);
  });

  it("with CORS_ORIGINS empty: any origin in development, none in production", async () => {
    const development = await startTestServer({ env: { NODE_ENV: "development" } });
    try {
      const response = await fetch(development.url, {
        method: "OPTIONS",
        headers: { origin: "http://localhost:5173", "access-control-request-method": "POST" },
      });
      expect(response.headers.get("access-control-allow-origin")).toBe("http://localhost:5173");
    } finally {
      await development.stop();
    }
    const production = await startTestServer({ env: { NODE_ENV: "production", JWT_SECRET: TEST_JWT_SECRET } });
    try {
      const response = await fetch(production.url, {
        method: "OPTIONS",
        headers: { origin: "http://localhost:5173", "access-control-request-method": "POST" },
      });
      expect(response.headers.get("access-control-allow-origin")).toBeNull();
    } finally {
      await production.stop();
    }
  });
});
