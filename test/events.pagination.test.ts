// The events connection and eventsPage over a few hundred generated events: full walks in both
// directions under every order and with filters (each event exactly once, in the promised
// order), page flags, cursors, limits and page numbers.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Event } from "../src/generated/prisma/client.js";
import { BASE_TIME, codes, eventGlobalId, insertEvents, onlyError, sortEvents } from "./helpers/events.js";
import { startTestServer, type TestServer } from "./helpers/server.js";
import { createUser, type TestUser } from "./helpers/users.js";

const EVENT_COUNT = 300;
let server: TestServer;
let organizers: TestUser[];
let events: Event[];

beforeAll(async () => {
  server = await startTestServer();
  organizers = await Promise.all([1, 2, 3].map(() => createUser(server, { role: "ORGANIZER" })));
  events = await insertEvents(
    server,
    organizers.map((o) => o.rawId),
    EVENT_COUNT,
  );
});
afterAll(() => server?.stop());

const EVENTS = `query ($first: Int, $after: String, $last: Int, $before: String, $filter: EventFilter, $orderBy: EventOrder) {
  events(first: $first, after: $after, last: $last, before: $before, filter: $filter, orderBy: $orderBy) {
    totalCount
    edges { cursor node { id } }
    pageInfo { hasNextPage hasPreviousPage startCursor endCursor }
  }
}`;

interface Page {
  totalCount: number;
  edges: { cursor: string; node: { id: string } }[];
  pageInfo: { hasNextPage: boolean; hasPreviousPage: boolean; startCursor: string | null; endCursor: string | null };
}

async function eventsPage(variables: Record<string, unknown>): Promise<Page> {
  const result = await server.gql(EVENTS, variables);
  expect(result.errors).toBeUndefined();
  const page = result.data.events as Page;
  expect(page.pageInfo.startCursor).toBe(page.edges[0]?.cursor ?? null);
  expect(page.pageInfo.endCursor).toBe(page.edges.at(-1)?.cursor ?? null);
  return page;
}

/** Every id seen walking first/after to the end, checking the page flags on the way. */
async function walkForward(size: number, variables: Record<string, unknown> = {}): Promise<string[]> {
  const seen: string[] = [];
  let after: string | null = null;
  for (;;) {
    const page = await eventsPage({ ...variables, first: size, after });
    expect(page.edges.length).toBeLessThanOrEqual(size);
    expect(page.pageInfo.hasPreviousPage).toBe(after !== null && seen.length > 0);
    seen.push(...page.edges.map((e) => e.node.id));
    if (!page.pageInfo.hasNextPage) return seen;
    expect(page.edges).toHaveLength(size);
    after = page.pageInfo.endCursor;
  }
}

/** Every id seen walking last/before back to the start, in list order. */
async function walkBackward(size: number, variables: Record<string, unknown> = {}): Promise<string[]> {
  let seen: string[] = [];
  let before: string | null = null;
  for (;;) {
    const page = await eventsPage({ ...variables, last: size, before });
    expect(page.edges.length).toBeLessThanOrEqual(size);
    expect(page.pageInfo.hasNextPage).toBe(before !== null && seen.length > 0);
    seen = [...page.edges.map((e) => e.node.id), ...seen];
    if (!page.pageInfo.hasPreviousPage) return seen;
    expect(page.edges).toHaveLength(size);
    before = page.pageInfo.startCursor;
  }
}

const ids = (list: Event[]) => list.map(eventGlobalId);

describe("events: full walks", () => {
  it("lists STARTS_AT ASC by default and counts every event", async () => {
    const page = await eventsPage({ first: 5 });
    expect(page.totalCount).toBe(EVENT_COUNT);
    expect(page.edges.map((e) => e.node.id)).toEqual(ids(sortEvents(events).slice(0, 5)));
    expect(page.pageInfo).toMatchObject({ hasNextPage: true, hasPreviousPage: false });
  });

  it("defaults to the first 20 when neither first nor last is given", async () => {
    const page = await eventsPage({});
    expect(page.edges.map((e) => e.node.id)).toEqual(ids(sortEvents(events).slice(0, 20)));
  });

  for (const field of ["STARTS_AT", "CREATED_AT", "TITLE"] as const) {
    for (const direction of ["ASC", "DESC"] as const) {
      it(`walks ${field} ${direction} forward and backward: every event once, in order`, async () => {
        const expected = ids(sortEvents(events, field, direction));
        const orderBy = { field, direction };
        const forward = await walkForward(17, { orderBy });
        const backward = await walkBackward(17, { orderBy });
        expect(new Set(forward).size).toBe(EVENT_COUNT);
        expect(forward).toEqual(expected);
        expect(backward).toEqual(expected);
      });
    }
  }

  it("takes ties on the sort key apart by id (the data has many)", () => {
    const starts = new Set(events.map((e) => e.startsAt.getTime()));
    const titles = new Set(events.map((e) => e.title));
    const created = new Set(events.map((e) => e.createdAt.getTime()));
    expect(starts.size).toBeLessThan(EVENT_COUNT / 3);
    expect(titles.size).toBeLessThan(EVENT_COUNT / 2);
    expect(created.size).toBeLessThan(EVENT_COUNT / 3);
  });

  it("turns around mid-walk: before the start of page 3 is page 2", async () => {
    const orderBy = { field: "TITLE", direction: "DESC" };
    const page1 = await eventsPage({ orderBy, first: 10 });
    const page2 = await eventsPage({ orderBy, first: 10, after: page1.pageInfo.endCursor });
    const page3 = await eventsPage({ orderBy, first: 10, after: page2.pageInfo.endCursor });
    const back = await eventsPage({ orderBy, last: 10, before: page3.pageInfo.startCursor });
    expect(back.edges).toEqual(page2.edges);
    expect(back.pageInfo).toMatchObject({ hasPreviousPage: true, hasNextPage: true });
  });

  it("pages inside a window given by both after and before", async () => {
    const sorted = ids(sortEvents(events));
    const all = await walkForward(100);
    expect(all).toEqual(sorted);
    const page = await eventsPage({ first: 100 });
    const after = page.edges[9]!.cursor;
    const before = page.edges[30]!.cursor;
    const inside = await eventsPage({ first: 5, after, before });
    expect(inside.edges.map((e) => e.node.id)).toEqual(sorted.slice(10, 15));
    expect(inside.pageInfo).toMatchObject({ hasNextPage: true, hasPreviousPage: true });
    const tail = await eventsPage({ last: 5, after, before });
    expect(tail.edges.map((e) => e.node.id)).toEqual(sorted.slice(25, 30));
    const whole = await eventsPage({ first: 100, after, before });
    expect(whole.edges.map((e) => e.node.id)).toEqual(sorted.slice(10, 30));
    expect(whole.pageInfo.hasNextPage).toBe(false);
  });

  it("answers first: 0 with no edges and whether any exist", async () => {
    const page = await eventsPage({ first: 0 });
    expect(page.edges).toEqual([]);
    expect(page.pageInfo).toMatchObject({ hasNextPage: true, hasPreviousPage: false, startCursor: null });
    expect(page.totalCount).toBe(EVENT_COUNT);
  });
});

describe("events: filters", () => {
  const cases: { name: string; filter: Record<string, unknown>; matches: (e: Event) => boolean }[] = [
    {
      name: "city, case-insensitively",
      filter: { city: "buenos AIRES" },
      matches: (e) => e.city.toLowerCase() === "buenos aires",
    },
    {
      name: "city with an underscore taken literally",
      filter: { city: "BUENOS_aires" },
      matches: (e) => e.city === "Buenos_Aires",
    },
    { name: "kinds", filter: { kinds: ["MILONGA", "PRACTICA"] }, matches: (e) => e.kind === "MILONGA" || e.kind === "PRACTICA" },
    {
      name: "date window (startsAfter inclusive, startsBefore exclusive)",
      filter: {
        startsAfter: new Date(BASE_TIME + 60 * 3_600_000).toISOString(),
        startsBefore: new Date(BASE_TIME + 180 * 3_600_000).toISOString(),
      },
      matches: (e) => e.startsAt.getTime() >= BASE_TIME + 60 * 3_600_000 && e.startsAt.getTime() < BASE_TIME + 180 * 3_600_000,
    },
    {
      name: "search in title, case-insensitively",
      filter: { search: "MILONGA 1" },
      matches: (e) => e.title.startsWith("milonga 1"),
    },
    {
      name: "search with % taken literally",
      filter: { search: "100%" },
      matches: (e) => e.description?.includes("100%") ?? false,
    },
    { name: "search with _ taken literally", filter: { search: "SALON_" }, matches: (e) => e.description === "salon_grande" },
    {
      name: "search matching description or title",
      filter: { search: "o" },
      matches: (e) => e.title.includes("o") || (e.description?.toLowerCase().includes("o") ?? false),
    },
  ];

  for (const { name, filter, matches } of cases) {
    it(`filters by ${name}, walking both ways`, async () => {
      const expected = ids(sortEvents(events.filter(matches)));
      expect(expected.length).toBeGreaterThan(0);
      expect(expected.length).toBeLessThan(EVENT_COUNT);
      expect(await walkForward(11, { filter })).toEqual(expected);
      expect(await walkBackward(11, { filter })).toEqual(expected);
      expect((await eventsPage({ filter, first: 1 })).totalCount).toBe(expected.length);
    });
  }

  it("filters by organizer (a global User id)", async () => {
    const organizer = organizers[1]!;
    const expected = ids(
      sortEvents(
        events.filter((e) => e.organizerId === organizer.rawId),
        "CREATED_AT",
        "DESC",
      ),
    );
    const filter = { organizerId: organizer.id };
    expect(await walkForward(13, { filter, orderBy: { field: "CREATED_AT", direction: "DESC" } })).toEqual(expected);
  });

  it("composes filters with AND, under any order", async () => {
    const organizer = organizers[0]!;
    const filter = {
      city: "buenos aires",
      kinds: ["MILONGA", "PRACTICA", "CLASS", "FESTIVAL"],
      search: "a",
      organizerId: organizer.id,
    };
    const matches = (e: Event) =>
      e.city.toLowerCase() === "buenos aires" &&
      ["MILONGA", "PRACTICA", "CLASS", "FESTIVAL"].includes(e.kind) &&
      (e.title.includes("a") || (e.description?.toLowerCase().includes("a") ?? false)) &&
      e.organizerId === organizer.rawId;
    const expected = ids(sortEvents(events.filter(matches), "TITLE", "ASC"));
    expect(expected.length).toBeGreaterThan(0);
    const orderBy = { field: "TITLE", direction: "ASC" };
    expect(await walkForward(3, { filter, orderBy })).toEqual(expected);
    expect(await walkBackward(3, { filter, orderBy })).toEqual(expected);
  });

  it("treats an empty kinds list and blank text as no restriction", async () => {
    const page = await eventsPage({ first: 1, filter: { kinds: [], search: "  ", city: "" } });
    expect(page.totalCount).toBe(EVENT_COUNT);
  });

  it("returns an empty connection when nothing matches", async () => {
    const page = await eventsPage({ first: 10, filter: { search: "no such words" } });
    expect(page).toMatchObject({
      totalCount: 0,
      edges: [],
      pageInfo: { hasNextPage: false, hasPreviousPage: false, startCursor: null, endCursor: null },
    });
  });

  it("refuses an organizerId that is not a User id, naming the field", async () => {
    for (const organizerId of ["garbage", eventGlobalId(events[0]!)]) {
      const error = onlyError(await server.gql(EVENTS, { first: 1, filter: { organizerId } }));
      expect(error.extensions).toMatchObject({ code: "BAD_USER_INPUT", issues: [{ path: "filter.organizerId" }] });
    }
  });

  it("refuses an over-long search and malformed dates", async () => {
    const long = onlyError(await server.gql(EVENTS, { first: 1, filter: { search: "x".repeat(201) } }));
    expect(long.extensions).toMatchObject({ code: "BAD_USER_INPUT", issues: [{ path: "filter.search" }] });
    expect(codes(await server.gql(EVENTS, { first: 1, filter: { startsAfter: "tomorrow" } }))).toEqual(["BAD_USER_INPUT"]);
  });
});

describe("events: arguments and cursors", () => {
  it.each([
    [{ first: 101 }, "first"],
    [{ last: 101 }, "last"],
    [{ first: -1 }, "first"],
    [{ last: -5 }, "last"],
    [{ first: 5, last: 5 }, "last"],
  ])("refuses %j naming %s", async (variables, path) => {
    const error = onlyError(await server.gql(EVENTS, variables));
    expect(error.extensions).toMatchObject({ code: "BAD_USER_INPUT", issues: [{ path }] });
  });

  it("refuses huge page sizes as BAD_USER_INPUT, not as a query-cost rejection", async () => {
    const selection = "edges { node { id title organizer { displayName } attendeeCount attendees(first: 10) { totalCount } } }";
    const literal = onlyError(await server.gql(`{ events(first: 100000) { ${selection} } }`));
    expect(literal.extensions).toMatchObject({ code: "BAD_USER_INPUT", issues: [{ path: "first" }] });
    const variable = onlyError(await server.gql(`query ($n: Int) { events(last: $n) { ${selection} } }`, { n: 100000 }));
    expect(variable.extensions).toMatchObject({ code: "BAD_USER_INPUT", issues: [{ path: "last" }] });
  });

  it("accepts first and last of exactly 100", async () => {
    expect((await eventsPage({ first: 100 })).edges).toHaveLength(100);
    expect((await eventsPage({ last: 100 })).edges).toHaveLength(100);
  });

  it("refuses a malformed cursor as BAD_USER_INPUT", async () => {
    const valid = (await eventsPage({ first: 1 })).pageInfo.endCursor!;
    const [name, , id] = JSON.parse(Buffer.from(valid, "base64url").toString());
    const forged = (value: unknown) => Buffer.from(JSON.stringify(value)).toString("base64url");
    for (const after of [
      "garbage",
      "",
      forged({ a: 1 }),
      forged([name, "not a date", id]),
      forged([name, 12, id]),
      forged([name, new Date().toISOString(), "not-a-uuid"]),
    ]) {
      const error = onlyError(await server.gql(EVENTS, { first: 1, after }));
      expect(error.extensions).toMatchObject({ code: "BAD_USER_INPUT", issues: [{ path: "after" }] });
    }
    const error = onlyError(await server.gql(EVENTS, { last: 1, before: "garbage" }));
    expect(error.extensions).toMatchObject({ code: "BAD_USER_INPUT", issues: [{ path: "before" }] });
  });

  it("refuses a cursor made under another order", async () => {
    const fromStartsAt = (await eventsPage({ first: 1 })).pageInfo.endCursor;
    for (const orderBy of [{ field: "TITLE" }, { field: "STARTS_AT", direction: "DESC" }, { field: "CREATED_AT" }]) {
      const error = onlyError(await server.gql(EVENTS, { first: 1, after: fromStartsAt, orderBy }));
      expect(error.extensions.code).toBe("BAD_USER_INPUT");
      expect(error.message).toMatch(/another sort order/);
    }
  });

  it("keeps a cursor valid after its event is deleted (the position stays)", async () => {
    const [extra] = await insertEvents(server, [organizers[0]!.rawId], 1, 99);
    const index = sortEvents([...events, extra!]).findIndex((e) => e.id === extra!.id);
    const upToExtra = await eventsPage({ first: index + 1 });
    expect(upToExtra.edges.at(-1)!.node.id).toBe(eventGlobalId(extra!));
    await server.app.services.prisma.event.delete({ where: { id: extra!.id } });
    const next = await eventsPage({ first: 5, after: upToExtra.pageInfo.endCursor });
    expect(next.edges.map((e) => e.node.id)).toEqual(ids(sortEvents(events).slice(index, index + 5)));
    expect(next.pageInfo.hasPreviousPage).toBe(index > 0);
  });
});

describe("eventsPage", () => {
  const PAGE = `query ($page: Int, $pageSize: Int, $filter: EventFilter, $orderBy: EventOrder) {
    eventsPage(page: $page, pageSize: $pageSize, filter: $filter, orderBy: $orderBy) { items { id } page pageSize total hasMore }
  }`;

  it("pages through every event by number under any order", async () => {
    for (const orderBy of [undefined, { field: "TITLE", direction: "DESC" }, { field: "CREATED_AT", direction: "ASC" }]) {
      const expected = ids(sortEvents(events, orderBy?.field as any, orderBy?.direction as any));
      const seen: string[] = [];
      for (let page = 1; ; page += 1) {
        const result = await server.gql(PAGE, { page, pageSize: 23, orderBy });
        expect(result.errors).toBeUndefined();
        const data = result.data.eventsPage;
        expect(data).toMatchObject({ page, pageSize: 23, total: EVENT_COUNT });
        seen.push(...data.items.map((i: { id: string }) => i.id));
        if (!data.hasMore) break;
      }
      expect(seen).toEqual(expected);
    }
  });

  it("defaults to page 1 of 20 and applies filters to items and total", async () => {
    const all = (await server.gql(PAGE, {})).data.eventsPage;
    expect(all).toMatchObject({ page: 1, pageSize: 20, total: EVENT_COUNT, hasMore: true });
    expect(all.items.map((i: { id: string }) => i.id)).toEqual(ids(sortEvents(events).slice(0, 20)));

    const expected = ids(sortEvents(events.filter((e) => e.kind === "MARATHON")));
    const last = Math.ceil(expected.length / 5);
    const page = (await server.gql(PAGE, { page: last, pageSize: 5, filter: { kinds: ["MARATHON"] } })).data.eventsPage;
    expect(page).toMatchObject({ total: expected.length, hasMore: false });
    expect(page.items.map((i: { id: string }) => i.id)).toEqual(expected.slice((last - 1) * 5));
  });

  it("returns no items past the end", async () => {
    for (const page of [16, 2_147_483_647]) {
      const result = await server.gql(PAGE, { page, pageSize: 20 });
      expect(result.errors).toBeUndefined();
      expect(result.data.eventsPage).toMatchObject({ items: [], total: EVENT_COUNT, hasMore: false });
    }
  });

  it.each([
    [{ page: 0 }, "page"],
    [{ page: -3 }, "page"],
    [{ pageSize: 0 }, "pageSize"],
    [{ pageSize: 101 }, "pageSize"],
  ])("refuses %j naming %s", async (variables, path) => {
    const error = onlyError(await server.gql(PAGE, variables));
    expect(error.extensions).toMatchObject({ code: "BAD_USER_INPUT", issues: [{ path }] });
  });

  it("accepts pageSize 1 and 100", async () => {
    expect((await server.gql(PAGE, { pageSize: 1 })).data.eventsPage.items).toHaveLength(1);
    expect((await server.gql(PAGE, { pageSize: 100 })).data.eventsPage.items).toHaveLength(100);
  });
});
