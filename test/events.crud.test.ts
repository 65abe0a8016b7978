// Creating, changing and deleting events (validation, the permission matrix), attendance and
// Relay global ids, through real HTTP.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { encodeGlobalId } from "../src/schema/globalId.js";
import { codes, onlyError } from "./helpers/events.js";
import { startTestServer, type GraphQLResponse, type TestServer } from "./helpers/server.js";
import { createUser, type TestUser } from "./helpers/users.js";

let server: TestServer;
let user: TestUser;
let owner: TestUser;
let otherOrganizer: TestUser;
let admin: TestUser;

beforeAll(async () => {
  server = await startTestServer();
  [user, owner, otherOrganizer, admin] = await Promise.all([
    createUser(server, { role: "USER" }),
    createUser(server, { role: "ORGANIZER" }),
    createUser(server, { role: "ORGANIZER" }),
    createUser(server, { role: "ADMIN" }),
  ]);
});
afterAll(() => server?.stop());

const EVENT_FIELDS = `id title description kind startsAt endsAt timezone city venue
  organizer { id } attendeeCount viewerIsAttending createdAt updatedAt`;
const CREATE = `mutation ($input: CreateEventInput!) { createEvent(input: $input) { ${EVENT_FIELDS} } }`;
const UPDATE = `mutation ($id: ID!, $input: UpdateEventInput!) { updateEvent(id: $id, input: $input) { ${EVENT_FIELDS} } }`;
const DELETE = `mutation ($id: ID!) { deleteEvent(id: $id) }`;
const ATTEND = `mutation ($id: ID!) { attendEvent(id: $id) { id attendeeCount viewerIsAttending } }`;
const UNATTEND = `mutation ($id: ID!) { unattendEvent(id: $id) { id attendeeCount viewerIsAttending } }`;
const EVENT = `query ($id: ID!) { event(id: $id) { ${EVENT_FIELDS} } }`;

const valid = {
  title: "Milonga de los Domingos",
  description: "Tandas clásicas",
  kind: "MILONGA",
  startsAt: "2027-03-14T21:00:00.000Z",
  endsAt: "2027-03-15T02:00:00.000Z",
  timezone: "America/Argentina/Buenos_Aires",
  city: "Buenos Aires",
  venue: "Salon Canning",
};

const as = (who: TestUser | null) => (who ? { token: who.accessToken } : {});

async function createEvent(by: TestUser = owner, input: Record<string, unknown> = {}) {
  const result = await server.gql(CREATE, { input: { ...valid, ...input } }, as(by));
  expect(result.errors).toBeUndefined();
  return result.data.createEvent;
}

const missingEventId = encodeGlobalId("Event", "00000000-0000-7000-8000-000000000000");

describe("createEvent", () => {
  it("stores the event for its organizer and returns it", async () => {
    const event = await createEvent(owner);
    expect(event).toMatchObject({ ...valid, organizer: { id: owner.id }, attendeeCount: 0, viewerIsAttending: false });
    expect(Buffer.from(event.id, "base64").toString()).toMatch(/^Event:/);
    expect((await server.gql(EVENT, { id: event.id })).data.event).toEqual(event);
  });

  it("trims text and stores a blank description or venue as null", async () => {
    const event = await createEvent(owner, { title: "  Práctica  ", city: " Paris ", description: "   ", venue: "" });
    expect(event).toMatchObject({ title: "Práctica", city: "Paris", description: null, venue: null });
  });

  it("accepts every boundary length", async () => {
    await createEvent(owner, { title: "abc", description: "d".repeat(5000), city: "c", venue: "v".repeat(120) });
    await createEvent(owner, { title: "t".repeat(120), city: "c".repeat(80), description: null, venue: null, timezone: "UTC" });
  });

  it.each([
    ["title", { title: "ab" }],
    ["title", { title: "   ab   " }],
    ["title", { title: "t".repeat(121) }],
    ["description", { description: "d".repeat(5001) }],
    ["city", { city: "" }],
    ["city", { city: "   " }],
    ["city", { city: "c".repeat(81) }],
    ["venue", { venue: "v".repeat(121) }],
    ["timezone", { timezone: "Mars/Olympus" }],
    ["timezone", { timezone: "+01:00" }],
    ["timezone", { timezone: "" }],
    ["endsAt", { endsAt: valid.startsAt }],
    ["endsAt", { endsAt: "2027-03-14T20:59:59.999Z" }],
  ])("refuses a bad %s (%j): BAD_USER_INPUT naming the field", async (field, input) => {
    const error = onlyError(await server.gql(CREATE, { input: { ...valid, ...input } }, as(owner)));
    expect(error.extensions).toMatchObject({ code: "BAD_USER_INPUT", issues: [{ path: `input.${field}` }] });
    expect(error.message).toContain(`input.${field}`);
  });

  it("names every offending field at once", async () => {
    const error = onlyError(
      await server.gql(
        CREATE,
        { input: { ...valid, title: "x", city: "", timezone: "Nowhere/City", endsAt: valid.startsAt } },
        as(owner),
      ),
    );
    expect(error.extensions.issues.map((i: { path: string }) => i.path).sort()).toEqual([
      "input.city",
      "input.endsAt",
      "input.timezone",
      "input.title",
    ]);
  });

  it("refuses a DateTime without a time zone or not a date at all", async () => {
    for (const startsAt of ["2027-03-14T21:00:00", "next friday"]) {
      expect(codes(await server.gql(CREATE, { input: { ...valid, startsAt } }, as(owner)))).toEqual(["BAD_USER_INPUT"]);
    }
  });

  it("refuses a day the calendar does not have instead of rolling it into the next month", async () => {
    for (const startsAt of ["2027-02-29T21:00:00.000Z", "2027-04-31T21:00:00.000Z"]) {
      expect(codes(await server.gql(CREATE, { input: { ...valid, startsAt } }, as(owner)))).toEqual(["BAD_USER_INPUT"]);
    }
    const leapDay = await server.gql(
      CREATE,
      { input: { ...valid, startsAt: "2028-02-29T21:00:00.000Z", endsAt: "2028-03-01T02:00:00.000Z" } },
      as(owner),
    );
    expect(leapDay.data.createEvent.startsAt).toBe("2028-02-29T21:00:00.000Z");
  });
});

describe("updateEvent", () => {
  it("changes only the given fields and clears an optional one with null", async () => {
    const event = await createEvent(owner);
    const result = await server.gql(UPDATE, { id: event.id, input: { title: "Milonga Nueva", venue: null } }, as(owner));
    expect(result.errors).toBeUndefined();
    expect(result.data.updateEvent).toMatchObject({
      ...event,
      title: "Milonga Nueva",
      venue: null,
      updatedAt: expect.any(String),
    });
    expect(Date.parse(result.data.updateEvent.updatedAt)).toBeGreaterThanOrEqual(Date.parse(event.updatedAt));
  });

  it("validates the merged event: moving startsAt past endsAt is refused, moving both is fine", async () => {
    const event = await createEvent(owner);
    const late = "2027-03-15T03:00:00.000Z";
    const refused = onlyError(await server.gql(UPDATE, { id: event.id, input: { startsAt: late } }, as(owner)));
    expect(refused.extensions).toMatchObject({
      code: "BAD_USER_INPUT",
      issues: [{ path: "input.endsAt", message: "must be after startsAt" }],
    });
    expect((await server.gql(EVENT, { id: event.id })).data.event.startsAt).toBe(valid.startsAt);

    const moved = await server.gql(
      UPDATE,
      { id: event.id, input: { startsAt: late, endsAt: "2027-03-15T05:00:00.000Z" } },
      as(owner),
    );
    expect(moved.data.updateEvent).toMatchObject({ startsAt: late, endsAt: "2027-03-15T05:00:00.000Z" });
  });

  it("refuses null for a required field and bad values like create does", async () => {
    const event = await createEvent(owner);
    for (const [field, value] of [
      ["title", null],
      ["city", null],
      ["timezone", "Europe/Atlantis"],
      ["title", "no"],
    ] as const) {
      const error = onlyError(await server.gql(UPDATE, { id: event.id, input: { [field]: value } }, as(owner)));
      expect(error.extensions).toMatchObject({ code: "BAD_USER_INPUT", issues: [{ path: `input.${field}` }] });
    }
  });

  it("never stores an event ending before it starts, even under concurrent updates", async () => {
    // 21:00–02:00. Alone, each change is valid; together they are not: one must be refused.
    const event = await createEvent(owner);
    const [a, b] = await Promise.all([
      server.gql(UPDATE, { id: event.id, input: { startsAt: "2027-03-15T01:00:00.000Z" } }, as(owner)),
      server.gql(UPDATE, { id: event.id, input: { endsAt: "2027-03-14T23:00:00.000Z" } }, as(admin)),
    ]);
    expect([...codes(a), ...codes(b)]).toEqual(["BAD_USER_INPUT"]);
    const stored = (await server.gql(EVENT, { id: event.id })).data.event;
    expect(Date.parse(stored.endsAt)).toBeGreaterThan(Date.parse(stored.startsAt));
  });
});

describe("permissions", () => {
  const matrix: { who: () => TestUser | null; name: string; create: string | null; change: string | null }[] = [
    { name: "anonymous", who: () => null, create: "UNAUTHENTICATED", change: "UNAUTHENTICATED" },
    { name: "a USER", who: () => user, create: "FORBIDDEN", change: "FORBIDDEN" },
    { name: "another ORGANIZER", who: () => otherOrganizer, create: null, change: "FORBIDDEN" },
    { name: "the owner", who: () => owner, create: null, change: null },
    { name: "an ADMIN", who: () => admin, create: null, change: null },
  ];

  for (const { name, who, create, change } of matrix) {
    it(`${name}: create ${create ?? "OK"}, update/delete of the owner's event ${change ?? "OK"}`, async () => {
      const created = await server.gql(CREATE, { input: valid }, as(who()));
      expect(codes(created)).toEqual(create ? [create] : []);
      if (!create) expect(created.data.createEvent.organizer.id).toBe(who()!.id);

      const event = await createEvent(owner);
      const updated = await server.gql(UPDATE, { id: event.id, input: { title: "Changed title" } }, as(who()));
      expect(codes(updated)).toEqual(change ? [change] : []);
      const deleted = await server.gql(DELETE, { id: event.id }, as(who()));
      expect(codes(deleted)).toEqual(change ? [change] : []);

      const stored = (await server.gql(EVENT, { id: event.id })).data.event;
      if (change) expect(stored).toEqual(event);
      else {
        expect(updated.data.updateEvent).toMatchObject({ title: "Changed title", organizer: { id: owner.id } });
        expect(deleted.data.deleteEvent).toBe(true);
        expect(stored).toBeNull();
      }
    });
  }

  it("answers NOT_FOUND for a well-formed id of no event (to those allowed to ask)", async () => {
    for (const query of [UPDATE, DELETE]) {
      const result = await server.gql(query, { id: missingEventId, input: { title: "Whatever" } }, as(admin));
      expect(codes(result)).toEqual(["NOT_FOUND"]);
    }
    for (const query of [ATTEND, UNATTEND])
      expect(codes(await server.gql(query, { id: missingEventId }, as(user)))).toEqual(["NOT_FOUND"]);
  });

  it("answers BAD_USER_INPUT for garbage ids and ids of another type", async () => {
    for (const id of ["garbage", "", owner.id, Buffer.from("Event:123").toString("base64")]) {
      for (const query of [UPDATE, DELETE]) {
        const error = onlyError(await server.gql(query, { id, input: { title: "Whatever" } }, as(owner)));
        expect(error.extensions).toMatchObject({ code: "BAD_USER_INPUT", issues: [{ path: "id" }] });
      }
      expect(codes(await server.gql(ATTEND, { id }, as(user)))).toEqual(["BAD_USER_INPUT"]);
    }
  });

  it("deleting an event removes its attendances too", async () => {
    const event = await createEvent(owner);
    await server.gql(ATTEND, { id: event.id }, as(user));
    expect(codes(await server.gql(DELETE, { id: event.id }, as(owner)))).toEqual([]);
    const left = await server.app.services.prisma.attendance.count({ where: { userId: user.rawId } });
    expect(left).toBe(0);
    expect(codes(await server.gql(DELETE, { id: event.id }, as(owner)))).toEqual(["NOT_FOUND"]);
  });
});

interface AttendeePage {
  totalCount: number;
  edges: { cursor: string; node: { id: string } }[];
  pageInfo: { hasNextPage: boolean; hasPreviousPage: boolean; endCursor: string | null };
}

describe("attendance", () => {
  const ATTENDEES = `query ($id: ID!, $first: Int, $after: String) { event(id: $id) {
    attendeeCount viewerIsAttending
    attendees(first: $first, after: $after) { totalCount edges { cursor node { id displayName } } pageInfo { hasNextPage hasPreviousPage endCursor } }
  } }`;

  it("is idempotent and counts reflect it at once", async () => {
    const event = await createEvent(owner);
    for (let i = 0; i < 2; i++) {
      const result = await server.gql(ATTEND, { id: event.id }, as(user));
      expect(result.data.attendEvent).toEqual({ id: event.id, attendeeCount: 1, viewerIsAttending: true });
    }
    const other = await server.gql(ATTEND, { id: event.id }, as(admin));
    expect(other.data.attendEvent).toMatchObject({ attendeeCount: 2, viewerIsAttending: true });

    for (let i = 0; i < 2; i++) {
      const result = await server.gql(UNATTEND, { id: event.id }, as(user));
      expect(result.data.unattendEvent).toEqual({ id: event.id, attendeeCount: 1, viewerIsAttending: false });
    }
    expect((await server.gql(ATTENDEES, { id: event.id }, as(admin))).data.event).toMatchObject({
      attendeeCount: 1,
      viewerIsAttending: true,
      attendees: { totalCount: 1, edges: [{ node: { id: admin.id } }] },
    });
  });

  it("shows fresh counts between mutations of one request", async () => {
    const event = await createEvent(owner);
    const result = await server.gql(
      `mutation ($id: ID!) {
        a: attendEvent(id: $id) { attendeeCount viewerIsAttending }
        b: unattendEvent(id: $id) { attendeeCount viewerIsAttending }
        c: attendEvent(id: $id) { attendeeCount viewerIsAttending attendees { totalCount } }
      }`,
      { id: event.id },
      as(user),
    );
    expect(result.data).toEqual({
      a: { attendeeCount: 1, viewerIsAttending: true },
      b: { attendeeCount: 0, viewerIsAttending: false },
      c: { attendeeCount: 1, viewerIsAttending: true, attendees: { totalCount: 1 } },
    });
  });

  it("needs a signed-in user; viewerIsAttending is false for anonymous readers", async () => {
    const event = await createEvent(owner);
    expect(codes(await server.gql(ATTEND, { id: event.id }))).toEqual(["UNAUTHENTICATED"]);
    expect(codes(await server.gql(UNATTEND, { id: event.id }))).toEqual(["UNAUTHENTICATED"]);
    await server.gql(ATTEND, { id: event.id }, as(user));
    expect((await server.gql(ATTENDEES, { id: event.id })).data.event).toMatchObject({
      attendeeCount: 1,
      viewerIsAttending: false,
    });
    expect((await server.gql(ATTENDEES, { id: event.id }, as(owner))).data.event.viewerIsAttending).toBe(false);
  });

  it("lists attendees oldest attendance first, page by page", async () => {
    const event = await createEvent(owner);
    const people = await Promise.all(Array.from({ length: 5 }, () => createUser(server)));
    for (const person of people) await server.gql(ATTEND, { id: event.id }, as(person));

    const seen: string[] = [];
    let after: string | null = null;
    for (let page = 0; ; page++) {
      const result: GraphQLResponse = await server.gql(ATTENDEES, { id: event.id, first: 2, after });
      expect(result.errors).toBeUndefined();
      const connection: AttendeePage = result.data.event.attendees;
      expect(connection.totalCount).toBe(5);
      expect(connection.pageInfo.hasPreviousPage).toBe(page > 0);
      seen.push(...connection.edges.map((e) => e.node.id));
      if (!connection.pageInfo.hasNextPage) break;
      after = connection.pageInfo.endCursor;
    }
    // Oldest first, and equal attendance times (same millisecond) in user id order.
    const stored = await server.app.services.prisma.attendance.findMany({
      where: { userId: { in: people.map((p) => p.rawId) } },
    });
    const expected = stored
      .sort((a, b) => a.createdAt.getTime() - b.createdAt.getTime() || (a.userId < b.userId ? -1 : 1))
      .map((a) => encodeGlobalId("User", a.userId));
    expect(seen).toEqual(expected);
    expect(new Set(seen)).toEqual(new Set(people.map((p) => p.id)));
  });

  it("refuses an attendee cursor of another event, or over 100 attendees at once", async () => {
    const [one, two] = [await createEvent(owner), await createEvent(owner)];
    await server.gql(ATTEND, { id: one.id }, as(user));
    const cursor = (await server.gql(ATTENDEES, { id: one.id })).data.event.attendees.edges[0].cursor;
    const foreign = onlyError(await server.gql(ATTENDEES, { id: two.id, after: cursor }));
    expect(foreign.extensions).toMatchObject({ code: "BAD_USER_INPUT", issues: [{ path: "after" }] });
    const tooMany = onlyError(await server.gql(ATTENDEES, { id: one.id, first: 101 }));
    expect(tooMany.extensions).toMatchObject({ code: "BAD_USER_INPUT", issues: [{ path: "first" }] });
  });
});

describe("global ids", () => {
  const NODE = `query ($id: ID!) { node(id: $id) { __typename id ... on Event { title } ... on User { displayName } } }`;

  it("resolves Event ids through node and event, User ids through node and user", async () => {
    const event = await createEvent(owner);
    expect((await server.gql(NODE, { id: event.id })).data.node).toEqual({
      __typename: "Event",
      id: event.id,
      title: event.title,
    });
    expect((await server.gql(NODE, { id: owner.id })).data.node).toMatchObject({ __typename: "User", id: owner.id });
    expect((await server.gql(`query ($id: ID!) { user(id: $id) { id } }`, { id: owner.id })).data.user).toEqual({ id: owner.id });
  });

  it("reads the uuid in an id case-insensitively everywhere, as updateEvent does", async () => {
    const event = await createEvent(owner);
    const uuid = Buffer.from(event.id, "base64").toString("utf8").slice("Event:".length);
    const upper = encodeGlobalId("Event", uuid.toUpperCase());
    expect((await server.gql(EVENT, { id: upper })).data.event).toMatchObject({ id: event.id, title: event.title });
    expect((await server.gql(NODE, { id: upper })).data.node).toMatchObject({ id: event.id });
  });

  it("gives null for a well-formed id of nothing", async () => {
    expect((await server.gql(NODE, { id: missingEventId })).data.node).toBeNull();
    expect((await server.gql(EVENT, { id: missingEventId })).data.event).toBeNull();
  });

  it("gives BAD_USER_INPUT, never INTERNAL_SERVER_ERROR, for garbage or an id of another type", async () => {
    const event = await createEvent(owner);
    const cases: [string, string][] = [
      [NODE, "garbage"],
      [NODE, Buffer.from("Planet:00000000-0000-7000-8000-000000000000").toString("base64")],
      [NODE, Buffer.from("Event:not-a-uuid").toString("base64")],
      [EVENT, owner.id],
      [EVENT, "%%%"],
      [`query ($id: ID!) { user(id: $id) { id } }`, event.id],
    ];
    for (const [query, id] of cases) {
      expect(codes(await server.gql(query, { id }))).toEqual(["BAD_USER_INPUT"]);
    }
  });

  it("names an event only by its own text: not with junk around it; padding is optional", async () => {
    const event = await createEvent(owner);
    for (const id of [`${event.id}$$$`, ` ${event.id} `, `${event.id.replace(/=+$/, "")}!`]) {
      expect(codes(await server.gql(EVENT, { id })), id).toEqual(["BAD_USER_INPUT"]);
    }
    expect(owner.id).toMatch(/=$/); // "User:<uuid>" is 41 bytes: base64 pads it
    const unpadded = owner.id.replace(/=+$/, "");
    expect((await server.gql(`query ($id: ID!) { user(id: $id) { id } }`, { id: unpadded })).data.user).toEqual({ id: owner.id });
  });

  it("does not echo a huge id back in full", async () => {
    const error = onlyError(await server.gql(EVENT, { id: "A".repeat(50_000) }));
    expect(error.extensions?.code).toBe("BAD_USER_INPUT");
    expect(error.message.length).toBeLessThan(200);
  });
});
