// Text holding the NUL character (U+0000) is valid GraphQL but cannot be stored or compared by
// PostgreSQL. Wherever it reaches the database it is the client's input: BAD_USER_INPUT, and
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

const NUL = "tan\u0000go";
const as = (who: TestUser) => ({ token: who.accessToken });

function expectRefused(result: GraphQLResponse, message = /NUL character/) {
  expect(result.errors).toHaveLength(1);
  expect(result.errors![0]).toMatchObject({ extensions: { code: "BAD_USER_INPUT" } });
  expect(result.errors![0]!.message).toMatch(message);
}

describe("text with a NUL character", () => {
  it("in an events filter or eventsPage search", async () => {
    const LIST = `query ($filter: EventFilter) { events(first: 2, filter: $filter) { edges { node { id } } } }`;
    expectRefused(await server.gql(LIST, { filter: { search: NUL } }));
    expectRefused(await server.gql(LIST, { filter: { city: NUL } }));
    expectRefused(await server.gql(`query ($s: String) { eventsPage(filter: { search: $s }) { total } }`, { s: NUL }));
  });

  it("in a cursor's sort key is an invalid cursor", async () => {
    const cursor = Buffer.from(JSON.stringify(["event:TITLE:ASC", NUL, "00000000-0000-7000-8000-000000000000"])).toString("base64url");
    const result = await server.gql(`query ($c: String) { events(first: 2, after: $c, orderBy: { field: TITLE }) { edges { node { id } } } }`, { c: cursor });
    expectRefused(result, /after: is not a valid cursor/);
  });

  it("in a new event, account, room or message stores nothing", async () => {
    const MINE = `query ($id: ID) { eventsPage(filter: { organizerId: $id }) { total } }`;
    const event = { kind: "MILONGA", startsAt: "2027-03-14T21:00:00.000Z", endsAt: "2027-03-15T02:00:00.000Z", timezone: "Europe/Paris", city: "Paris" };
    expectRefused(await server.gql(`mutation ($i: CreateEventInput!) { createEvent(input: $i) { id } }`, { i: { ...event, title: NUL } }, as(organizer)));
    expect((await server.gql<any>(MINE, { id: organizer.id })).data.eventsPage.total).toBe(0);

    const email = `nul-${Date.now()}@example.com`;
    const REGISTER = `mutation ($i: RegisterInput!) { register(input: $i) { user { id } } }`;
    expectRefused(await server.gql(REGISTER, { i: { email, password: "a long enough password", displayName: NUL } }));
    expect((await server.gql(REGISTER, { i: { email, password: "a long enough password", displayName: "Tango" } })).errors).toBeUndefined();

    expectRefused(await server.gql(CREATE_ROOM, { input: { slug: `nul-${Date.now()}`, name: NUL } }, as(organizer)));
    const room = await createRoom(server, organizer.accessToken);
    expectRefused(await server.gql(SEND_MESSAGE, { input: { room, text: NUL } }, as(organizer)));
    const messages = await server.gql<any>(`query ($slug: String!) { room(slug: $slug) { messages(first: 5) { edges { node { id } } } } }`, { slug: room }, as(organizer));
    expect(messages.data.room.messages.edges).toEqual([]);
  });
});
