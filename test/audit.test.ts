// The audit trail: every mutation call leaves a row (who, what, target, outcome, request id,
// client IP, time) without any secret, and ADMIN pages through it with auditLog.
import { createClient } from "graphql-ws";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import WebSocket from "ws";
import { createRoom, SEND_MESSAGE } from "./helpers/rooms.js";
import { startTestServer, type GraphQLResponse, type TestServer } from "./helpers/server.js";
import { createUser, type TestUser } from "./helpers/users.js";

let server: TestServer;
let admin: TestUser;
let user: TestUser;

beforeAll(async () => {
  server = await startTestServer();
  admin = await createUser(server, { role: "ADMIN" });
  user = await createUser(server);
});
afterAll(() => server?.stop());

/** Audit rows are written in the background; flush() waits for the ones recorded so far. */
async function auditRows(requestId: string) {
  await server.app.services.audit.flush();
  return server.app.services.prisma.auditLog.findMany({ where: { requestId }, orderBy: { createdAt: "asc" } });
}

const ENTRY_FIELDS = "id createdAt operation outcome targetId userId user { id } requestId clientIp";
const AUDIT_LOG = `query Audit($first: Int, $after: String, $filter: AuditLogFilter) {
  auditLog(first: $first, after: $after, filter: $filter) {
    totalCount
    pageInfo { hasNextPage hasPreviousPage startCursor endCursor }
    edges { cursor node { ${ENTRY_FIELDS} } }
  }
}`;

describe("recording", () => {
  it("records a successful sign-in: anonymous caller, the signed-in user as target, no secret", async () => {
    const response = await server.post(
      {
        query: "mutation Login($input: LoginInput!) { login(input: $input) { accessToken refreshToken } }",
        variables: { input: { email: user.email, password: user.password } },
      },
      { "x-request-id": "audit-login-ok" },
    );
    const body = await response.json();
    expect(body.errors).toBeUndefined();

    const rows = await auditRows("audit-login-ok");
    expect(rows).toHaveLength(1);
    expect(rows[0]).toMatchObject({ operation: "login", outcome: "OK", userId: null, targetId: user.id });
    expect(rows[0]!.clientIp).toMatch(/127\.0\.0\.1$/);
    expect(Date.now() - rows[0]!.createdAt.getTime()).toBeLessThan(60_000);

    const stored = JSON.stringify(rows);
    for (const secret of [user.password, body.data.login.accessToken, body.data.login.refreshToken]) {
      expect(stored).not.toContain(secret);
    }
  });

  it("records a sent message with the message as its target (the receipt's messageId)", async () => {
    const organizer = await createUser(server, { role: "ORGANIZER" });
    const room = await createRoom(server, organizer.accessToken);
    const response = await server.post(
      { query: SEND_MESSAGE, variables: { input: { room, text: "audited" } } },
      { authorization: `Bearer ${organizer.accessToken}`, "x-request-id": "audit-send" },
    );
    const body = (await response.json()) as GraphQLResponse;
    expect(body.errors).toBeUndefined();
    expect(await auditRows("audit-send")).toMatchObject([
      { operation: "sendMessage", outcome: "OK", targetId: body.data.sendMessage.messageId },
    ]);
  });

  it("records a failed sign-in with its error code and without the password tried", async () => {
    const wrong = "definitely-not-the-password";
    await server.post(
      {
        query: "mutation Login($input: LoginInput!) { login(input: $input) { accessToken } }",
        variables: { input: { email: user.email, password: wrong } },
      },
      { "x-request-id": "audit-login-bad" },
    );
    const rows = await auditRows("audit-login-bad");
    expect(rows).toHaveLength(1);
    expect(rows[0]).toMatchObject({ operation: "login", outcome: "UNAUTHENTICATED", userId: null, targetId: null });
    expect(JSON.stringify(rows)).not.toContain(wrong);
  });

  it("records who called, the id argument as target, and a refusal", async () => {
    const mutation = `mutation Promote($id: ID!) { setUserRole(id: $id, role: ORGANIZER) { id role } }`;
    await server.post(
      { query: mutation, variables: { id: admin.id } },
      { authorization: `Bearer ${user.accessToken}`, "x-request-id": "audit-forbidden" },
    );
    expect(await auditRows("audit-forbidden")).toMatchObject([
      { operation: "setUserRole", outcome: "FORBIDDEN", userId: user.rawId, targetId: admin.id },
    ]);

    const other = await createUser(server);
    await server.post(
      { query: mutation, variables: { id: other.id } },
      { authorization: `Bearer ${admin.accessToken}`, "x-request-id": "audit-promote" },
    );
    expect(await auditRows("audit-promote")).toMatchObject([
      { operation: "setUserRole", outcome: "OK", userId: admin.rawId, targetId: other.id },
    ]);
  });

  it("records each root field of a multi-field mutation on its own", async () => {
    await server.post({ query: 'mutation Two { a: logout(refreshToken: "x") b: logoutAll }' }, { "x-request-id": "audit-two" });
    const rows = await auditRows("audit-two");
    expect(rows.map((r) => [r.operation, r.outcome]).sort()).toEqual([
      ["logout", "OK"],
      ["logoutAll", "UNAUTHENTICATED"],
    ]);
  });

  it("records mutations made over the WebSocket", async () => {
    const client = createClient({
      url: server.url.replace(/^http/, "ws"),
      webSocketImpl: WebSocket,
      connectionParams: { authorization: `Bearer ${admin.accessToken}` },
      retryAttempts: 0,
    });
    const target = await createUser(server);
    try {
      await new Promise<void>((resolve, reject) =>
        client.subscribe(
          { query: `mutation { setUserActive(id: "${target.id}", isActive: true) { id } }` },
          { next: () => undefined, error: reject, complete: resolve },
        ),
      );
    } finally {
      await client.dispose();
    }
    await server.app.services.audit.flush();
    const rows = await server.app.services.prisma.auditLog.findMany({
      where: { operation: "setUserActive", targetId: target.id },
    });
    expect(rows).toHaveLength(1);
    expect(rows[0]).toMatchObject({ outcome: "OK", userId: admin.rawId });
    expect(rows[0]!.requestId).toBeTypeOf("string");
  });

  it("writes nothing for queries", async () => {
    const response = await server.post({ query: "{ rooms { slug } }" }, { "x-request-id": "audit-query" });
    expect((await response.json()).data.rooms.length).toBeGreaterThan(0);
    expect(await auditRows("audit-query")).toHaveLength(0);
  });
});

describe("auditLog", () => {
  it("is for ADMIN only", async () => {
    const anonymous = await server.gql(AUDIT_LOG);
    expect(anonymous.data).toBeNull();
    expect(anonymous.errors![0]!.extensions.code).toBe("UNAUTHENTICATED");

    const asUser = await server.gql(AUDIT_LOG, {}, { token: user.accessToken });
    expect(asUser.data).toBeNull();
    expect(asUser.errors![0]!.extensions.code).toBe("FORBIDDEN");
  });

  it("pages through every entry newest first, without gaps or repeats", async () => {
    await server.app.services.audit.flush();
    const all = await server.app.services.prisma.auditLog.findMany({ orderBy: [{ createdAt: "desc" }, { id: "desc" }] });
    expect(all.length).toBeGreaterThanOrEqual(5);

    const seen: string[] = [];
    let after: string | null = null;
    let pages = 0;
    for (;;) {
      const result: GraphQLResponse = await server.gql(AUDIT_LOG, { first: 2, after }, { token: admin.accessToken });
      expect(result.errors).toBeUndefined();
      const connection: any = result.data.auditLog;
      // The admin's own auditLog queries are not mutations: the total stays put while paging.
      expect(connection.totalCount).toBe(all.length);
      expect(connection.pageInfo.hasPreviousPage).toBe(after !== null);
      expect(connection.pageInfo.endCursor).toBe(connection.edges.at(-1)?.cursor ?? null);
      seen.push(...connection.edges.map((e: any) => e.node.id));
      pages++;
      if (!connection.pageInfo.hasNextPage) break;
      after = connection.pageInfo.endCursor;
    }
    expect(seen).toEqual(all.map((row) => row.id));
    expect(pages).toBe(Math.ceil(all.length / 2));
  });

  it("shows an entry as stored, with the caller as a User", async () => {
    const result = await server.gql(
      AUDIT_LOG,
      { first: 1, filter: { operation: "setUserRole", outcome: "OK" } },
      { token: admin.accessToken },
    );
    const [edge] = result.data.auditLog.edges;
    expect(edge.node).toMatchObject({
      operation: "setUserRole",
      outcome: "OK",
      userId: admin.id,
      user: { id: admin.id },
      requestId: "audit-promote",
    });
    expect(Number.isNaN(Date.parse(edge.node.createdAt))).toBe(false);
  });

  it("filters by user, operation, outcome and time", async () => {
    const query = (filter: Record<string, unknown>) =>
      server.gql(AUDIT_LOG, { first: 100, filter }, { token: admin.accessToken }).then((r) => {
        expect(r.errors).toBeUndefined();
        return r.data.auditLog.edges.map((e: any) => e.node);
      });

    const failedLogins = await query({ operation: "login", outcome: "UNAUTHENTICATED" });
    expect(failedLogins.length).toBeGreaterThanOrEqual(1);
    expect(failedLogins.every((n: any) => n.operation === "login" && n.outcome === "UNAUTHENTICATED")).toBe(true);

    const byUser = await query({ userId: user.id });
    expect(byUser.map((n: any) => n.requestId)).toContain("audit-forbidden");
    expect(byUser.every((n: any) => n.userId === user.id)).toBe(true);

    const future = new Date(Date.now() + 3_600_000).toISOString();
    expect(await query({ since: future })).toEqual([]);
    expect((await query({ until: future })).length).toBeGreaterThanOrEqual(5);
  });

  it("rejects a bad cursor, a page size out of 1..100 and a malformed user id", async () => {
    for (const variables of [
      { after: "bm90LWEtY3Vyc29y" },
      { after: "" },
      { first: 0 },
      { first: 101 },
      { filter: { userId: "nope" } },
      { filter: { userId: "" } },
    ]) {
      const result = await server.gql(AUDIT_LOG, variables, { token: admin.accessToken });
      expect(result.errors![0]!.extensions.code).toBe("BAD_USER_INPUT");
    }
  });

  it("shows a mutation answered just before, without any wait", async () => {
    const set = await server.gql(
      "mutation Role($id: ID!) { setUserRole(id: $id, role: USER) { id } }",
      { id: user.id },
      { token: admin.accessToken, headers: { "x-request-id": "audit-read-after-write" } },
    );
    expect(set.errors).toBeUndefined();
    const result = await server.gql(AUDIT_LOG, { first: 1, filter: { operation: "setUserRole" } }, { token: admin.accessToken });
    expect(result.data.auditLog.edges[0].node.requestId).toBe("audit-read-after-write");
  });
});

describe("writing", () => {
  const entry = (operation: string, userId: string | null) => ({
    userId,
    operation,
    targetId: null,
    outcome: "OK",
    requestId: `audit-batch-${operation}`,
    clientIp: "203.0.113.9",
    createdAt: new Date(),
  });

  it("stores a target id holding a NUL character (which PostgreSQL text refuses) with U+FFFD in its place", async () => {
    // Over the API such an argument is refused before anything runs (useWellFormedText); the
    // writer still never loses an entry to it.
    server.app.services.audit.record([{ ...entry("nulTarget", admin.rawId), targetId: "nul\u0000id", requestId: "audit-nul" }]);
    await server.app.services.audit.flush();
    expect(await auditRows("audit-nul")).toMatchObject([
      { operation: "nulTarget", targetId: "nul\uFFFDid", userId: admin.rawId },
    ]);
  });

  it("writes entries recorded together, and an entry the database refuses costs only itself", async () => {
    const before = server.logs.length;
    const unknownUser = "00000000-0000-7000-8000-000000000000";
    server.app.services.audit.record([entry("batchA", user.rawId), entry("batchB", unknownUser)]);
    server.app.services.audit.record([entry("batchC", null)]);
    await server.app.services.audit.flush();

    const rows = await server.app.services.prisma.auditLog.findMany({ where: { requestId: { startsWith: "audit-batch-" } } });
    expect(rows.map((r) => r.operation).sort()).toEqual(["batchA", "batchC"]);
    expect(rows.find((r) => r.operation === "batchA")).toMatchObject({
      userId: user.rawId,
      clientIp: "203.0.113.9",
      targetId: null,
    });
    const failure = server.logs.slice(before).find((line) => line.includes("could not write audit log entries"));
    expect(failure).toContain("batchB");
    expect(failure).not.toContain("batchA");
  });
});
