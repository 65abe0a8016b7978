// No N+1: listing events with their organizer, attendee count, the viewer's attendance and the
// first attendees costs the same number of SQL statements for 10 events as for 100.
// Statements are counted at the Prisma client (Database.onStatement) of the test server.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { insertEvents } from "./helpers/events.js";
import { startTestServer, type TestServer } from "./helpers/server.js";
import { createUser, type TestUser } from "./helpers/users.js";

let server: TestServer;
let viewer: TestUser;

beforeAll(async () => {
  server = await startTestServer();
  const organizers = await Promise.all([1, 2, 3, 4, 5].map(() => createUser(server, { role: "ORGANIZER" })));
  viewer = await createUser(server);
  const attendeeIds = [viewer.rawId, ...organizers.map((o) => o.rawId)];
  const events = await insertEvents(
    server,
    organizers.map((o) => o.rawId),
    150,
  );
  // Every event has 0..5 attendees (the viewer among them for some), so the counts differ.
  await server.app.services.prisma.attendance.createMany({
    data: events.flatMap((event, index) => attendeeIds.slice(0, index % 7).map((userId) => ({ eventId: event.id, userId }))),
  });
});
afterAll(() => server?.stop());

const LIST = `query ($first: Int, $after: String) {
  events(first: $first, after: $after) {
    totalCount
    edges { node {
      id title organizer { displayName } attendeeCount viewerIsAttending
      attendees(first: 2) { totalCount edges { node { displayName } } }
    } }
    pageInfo { endCursor }
  }
}`;
const PAGE = `query ($pageSize: Int) {
  eventsPage(pageSize: $pageSize) { total items { id organizer { displayName } attendeeCount viewerIsAttending } }
}`;

/** A fresh session per measurement: its first request always loads the session status once. */
async function freshToken(): Promise<string> {
  const session = await server.app.services.auth.login({ email: viewer.email, password: viewer.password });
  return session.accessToken;
}

async function countStatements(query: string, variables: Record<string, unknown>, token?: string) {
  const statements: string[] = [];
  const stop = server.app.services.db.onStatement((sql) => statements.push(sql));
  try {
    const result = await server.gql(query, variables, token ? { token } : {});
    expect(result.errors).toBeUndefined();
    return { statements, data: result.data };
  } finally {
    stop();
  }
}

describe("counting statements", () => {
  it("sees every statement, in a transaction too, and none once stopped", async () => {
    const { prisma } = server.app.services;
    const seen: string[] = [];
    const stop = server.app.services.db.onStatement((sql) => seen.push(sql));
    await prisma.$transaction([prisma.user.count(), prisma.event.count()]);
    await prisma.$queryRaw`SELECT 1 AS "counted"`;
    stop();
    await prisma.$queryRaw`SELECT 2 AS "after"`;
    expect(seen.some((sql) => sql.includes('"User"'))).toBe(true);
    expect(seen.some((sql) => sql.includes('"Event"'))).toBe(true);
    expect(seen.some((sql) => sql.includes('"counted"'))).toBe(true);
    expect(seen.some((sql) => sql.includes('"after"'))).toBe(false);
  });
});

describe("SQL statements per events page", () => {
  it("are the same for 10 and 100 events (anonymous), and few", async () => {
    const small = await countStatements(LIST, { first: 10 });
    const large = await countStatements(LIST, { first: 100 });
    expect(small.data.events.edges).toHaveLength(10);
    expect(large.data.events.edges).toHaveLength(100);
    expect(large.data.events.edges.some((e: any) => e.node.attendees.edges.length === 2)).toBe(true);
    expect(large.statements.length).toBe(small.statements.length);
    // page, count, organizers, attendee counts, first attendees, their users, their counts
    expect(large.statements.length).toBeLessThanOrEqual(7);
  });

  it("are the same for 10 and 100 events when signed in (viewerIsAttending), after a cursor too", async () => {
    const small = await countStatements(LIST, { first: 10 }, await freshToken());
    const large = await countStatements(LIST, { first: 100 }, await freshToken());
    expect(large.statements.length).toBe(small.statements.length);
    expect(large.data.events.edges.filter((e: any) => e.node.viewerIsAttending).length).toBeGreaterThan(0);

    const after = small.data.events.pageInfo.endCursor;
    const smallAfter = await countStatements(LIST, { first: 10, after }, await freshToken());
    const largeAfter = await countStatements(LIST, { first: 100, after }, await freshToken());
    expect(largeAfter.statements.length).toBe(smallAfter.statements.length);
  });

  it("are the same for eventsPage of 10 and 100", async () => {
    const small = await countStatements(PAGE, { pageSize: 10 }, await freshToken());
    const large = await countStatements(PAGE, { pageSize: 100 }, await freshToken());
    expect(large.data.eventsPage.items).toHaveLength(100);
    expect(large.statements.length).toBe(small.statements.length);
  });

  it("counts what it should: one statement per organizer lookup, not per event", async () => {
    const { statements } = await countStatements(LIST, { first: 100 });
    const userLookups = statements.filter((sql) => /FROM ("public"\.)?"User"/.test(sql));
    // Organizers, and the users of the first attendees: two batched lookups.
    expect(userLookups.length).toBe(2);
    expect(statements.join("\n")).not.toContain("passwordHash");
  });
});

describe("columns read per page", () => {
  const eventStatements = (statements: string[]) => statements.filter((sql) => /FROM ("public"\.)?"Event"/.test(sql));

  it("reads only the columns the selection needs, and never a password hash", async () => {
    const { statements } = await countStatements(
      "{ events(first: 5) { edges { node { title organizer { displayName } } } } }",
      {},
    );
    const [page] = eventStatements(statements);
    expect(page).toContain('"title"');
    expect(page).not.toContain('"description"');
    expect(page).not.toContain('"venue"');
    expect(statements.join("\n")).not.toContain("passwordHash");
  });

  it("answers every field through aliases and fragments as a whole-row read does", async () => {
    const fields =
      "id title description kind startsAt endsAt timezone city venue createdAt updatedAt organizer { id } attendeeCount";
    const query = `query {
      events(first: 7, orderBy: { field: CREATED_AT, direction: DESC }) { edges { node { ...Details ... on Node { id } heading: title } } }
      eventsPage(pageSize: 7) { items { ... on Event { ${fields} } } }
    }
    fragment Details on Event { ${fields} }`;
    const { data } = await countStatements(query, {});
    const listed = [...data.events.edges.map((e: any) => e.node), ...data.eventsPage.items];
    expect(listed).toHaveLength(14);
    for (const event of listed) {
      const { data: whole } = await countStatements(`query ($id: ID!) { event(id: $id) { ${fields} } }`, { id: event.id });
      expect(event).toMatchObject(whole.event);
      if ("heading" in event) expect(event.heading).toBe(whole.event.title);
    }
  });

  it("knows the columns of every Event field (a field it does not know makes lists read whole rows)", async () => {
    const { schema } = await import("../src/schema/index.js");
    const { EVENT_FIELD_COLUMNS } = await import("../src/schema/events.js");
    const eventType = schema.getType("Event") as import("graphql").GraphQLObjectType;
    expect(
      Object.keys(EVENT_FIELD_COLUMNS)
        .filter((f) => f !== "__typename")
        .sort(),
    ).toEqual(Object.keys(eventType.getFields()).sort());
  });
});
