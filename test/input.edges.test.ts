// Input at the edges of what the database can hold: text with NUL (PostgreSQL text cannot hold
// it) or a lone UTF-16 surrogate (it would be stored changed, as U+FFFD), instants outside years
// 0001–9999, cursors with keys no row can have. Each is the client's input: BAD_USER_INPUT, and
// nothing is stored.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { CREATE_ROOM, createRoom, SEND_MESSAGE } from "./helpers/rooms.js";
import { startTestServer, type GraphQLResponse, type TestServer } from "./helpers/server.js";
import { createUser, type TestUser } from "./helpers/users.js";

let server: TestServer;
let organizer: TestUser;

beforeAll(async () => {
  server = await startTestServer();
  organizer = await createUser(server, { role: "ORGANIZER" });
});
afterAll(() => server?.stop());

const as = (who: TestUser) => ({ token: who.accessToken });
const cursorOf = (parts: unknown[]) => Buffer.from(JSON.stringify(parts)).toString("base64url");
const SOME_UUID = "00000000-0000-7000-8000-000000000000";
const LIST = `query ($filter: EventFilter, $after: String, $orderBy: EventOrder) {
  events(first: 2, filter: $filter, after: $after, orderBy: $orderBy) { edges { node { id } } } }`;
const MINE = `query ($id: ID) { eventsPage(filter: { organizerId: $id }) { total } }`;
const CREATE_EVENT = `mutation ($i: CreateEventInput!) { createEvent(input: $i) { id } }`;
const EVENT = {
  title: "Milonga",
  kind: "MILONGA",
  startsAt: "2027-03-14T21:00:00.000Z",
  endsAt: "2027-03-15T02:00:00.000Z",
  timezone: "Europe/Paris",
  city: "Paris",
};

function expectRefused(result: GraphQLResponse, message: RegExp) {
  expect(result.errors?.length).toBeGreaterThan(0);
  for (const error of result.errors!) {
    expect(error).toMatchObject({ extensions: { code: "BAD_USER_INPUT" } });
    expect(error.message).toMatch(message);
  }
  expect(result.data ?? null).toBeNull();
}

describe.each([
  ["a NUL character", "tan\u0000go"],
  ["a lone surrogate", "tan\ud800go"],
  ["a lone low surrogate", "\udfffgo"],
])("text with %s", (_name, text) => {
  const ILL_FORMED = /must be well-formed Unicode text without NUL characters/;

  it("in a filter is refused", async () => {
    expectRefused(await server.gql(LIST, { filter: { search: text } }), ILL_FORMED);
    expectRefused(await server.gql(LIST, { filter: { city: text } }), ILL_FORMED);
  });

  it("in a new event, account, room or message stores nothing", async () => {
    const creator = await createUser(server, { role: "ORGANIZER" });
    expectRefused(await server.gql(CREATE_EVENT, { i: { ...EVENT, title: text } }, as(creator)), ILL_FORMED);
    expect((await server.gql<any>(MINE, { id: creator.id })).data.eventsPage.total).toBe(0);

    const email = `edge-${Date.now()}-${Math.random()}@example.com`;
    const REGISTER = `mutation ($i: RegisterInput!) { register(input: $i) { user { id } } }`;
    expectRefused(
      await server.gql(REGISTER, { i: { email, password: "a long enough password", displayName: text } }),
      ILL_FORMED,
    );
    expect(
      (await server.gql(REGISTER, { i: { email, password: "a long enough password", displayName: "Tango" } })).errors,
    ).toBeUndefined();

    expectRefused(
      await server.gql(CREATE_ROOM, { input: { slug: `edge-${Date.now()}`, name: text } }, as(organizer)),
      ILL_FORMED,
    );
    const room = await createRoom(server, organizer.accessToken);
    expectRefused(await server.gql(SEND_MESSAGE, { input: { room, text } }, as(organizer)), ILL_FORMED);
    expectRefused(
      await server.gql(SEND_MESSAGE, { input: { room, text: "hello", clientMessageId: text } }, as(organizer)),
      ILL_FORMED,
    );
    const messages = await server.gql<any>(
      `query ($slug: String!) { room(slug: $slug) { messages(first: 5) { edges { node { id } } } } }`,
      { slug: room },
      as(organizer),
    );
    expect(messages.data.room.messages.edges).toEqual([]);
  });
});

it("NUL written as a literal in the document is refused too (a lone surrogate escape does not parse)", async () => {
  const result = await server.gql(`{ eventsPage(filter: { search: "tan\\u0000go" }) { total } }`, {});
  expectRefused(result, /a string in the document must be well-formed Unicode text without NUL characters/);
  const surrogate = await server.gql(`{ eventsPage(filter: { search: "tan\\ud800go" }) { total } }`, {});
  expect(surrogate.errors?.[0]?.extensions?.code).toBe("GRAPHQL_PARSE_FAILED");
});

describe("a cursor key no row can have", () => {
  const INVALID_CURSOR = /after: is not a valid cursor/;

  it("text with NUL, or an instant outside years 0001–9999, is an invalid events cursor", async () => {
    expectRefused(
      await server.gql(LIST, { after: cursorOf(["event:TITLE:ASC", "tan\u0000go", SOME_UUID]), orderBy: { field: "TITLE" } }),
      INVALID_CURSOR,
    );
    for (const key of ["0000-12-31T23:00:00.000Z", "+010000-01-01T00:00:00.000Z"]) {
      expectRefused(await server.gql(LIST, { after: cursorOf(["event:STARTS_AT:ASC", key, SOME_UUID]) }), INVALID_CURSOR);
    }
  });

  it("a sequence number beyond int8 is an invalid messages cursor", async () => {
    const room = await createRoom(server, organizer.accessToken);
    const MESSAGES = `query ($slug: String!, $after: String) { room(slug: $slug) { messages(first: 2, after: $after) { edges { node { id } } } } }`;
    const valid = await server.gql(
      MESSAGES,
      { slug: room, after: cursorOf(["messages", "9223372036854775807", SOME_UUID]) },
      as(organizer),
    );
    expect(valid.errors).toBeUndefined();
    const beyond = await server.gql(
      MESSAGES,
      { slug: room, after: cursorOf(["messages", "9223372036854775808", SOME_UUID]) },
      as(organizer),
    );
    expect(beyond.errors?.[0]).toMatchObject({ extensions: { code: "BAD_USER_INPUT" } });
  });
});

describe("an instant outside years 0001–9999 in UTC", () => {
  const OUT_OF_RANGE = /outside the supported range \(years 0001 to 9999 in UTC\)/;

  it("is refused in filters", async () => {
    for (const startsAfter of ["0000-01-01T00:00:00Z", "0001-01-01T00:00:00+01:00", "9999-12-31T23:59:59-14:00"]) {
      expectRefused(await server.gql(LIST, { filter: { startsAfter } }), OUT_OF_RANGE);
    }
    expect(
      (await server.gql(LIST, { filter: { startsAfter: "0001-01-01T00:00:00Z", startsBefore: "9999-12-31T23:59:59.999Z" } }))
        .errors,
    ).toBeUndefined();
  });

  it("is refused for an event, and nothing is stored", async () => {
    const creator = await createUser(server, { role: "ORGANIZER" });
    const late = { ...EVENT, startsAt: "9999-12-31T23:00:00-14:00", endsAt: "9999-12-31T23:30:00-14:00" };
    expectRefused(await server.gql(CREATE_EVENT, { i: late }, as(creator)), OUT_OF_RANGE);
    expect((await server.gql<any>(MINE, { id: creator.id })).data.eventsPage.total).toBe(0);
  });
});
