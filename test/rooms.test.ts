// Rooms and messages over HTTP: creating rooms, sending with receipts and idempotent retries,
// history pages in both directions, and the socket-only authenticateConnection.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createRoom, CREATE_ROOM, sendMessage, SEND_MESSAGE, uniqueSlug } from "./helpers/rooms.js";
import { startTestServer, type TestServer } from "./helpers/server.js";
import { createUser, type TestUser } from "./helpers/users.js";

let server: TestServer;
let organizer: TestUser;
let user: TestUser;

beforeAll(async () => {
  server = await startTestServer();
  [organizer, user] = await Promise.all([createUser(server, { role: "ORGANIZER" }), createUser(server)]);
});
afterAll(() => server?.stop());

const codeOf = (res: { errors?: { extensions: Record<string, any> }[] }) => res.errors?.[0]?.extensions.code;

describe("createRoom, rooms, room", () => {
  it("lets an organizer create a room that rooms and room(slug) then show", async () => {
    const slug = uniqueSlug("milonga");
    const res = await server.gql(
      CREATE_ROOM,
      { input: { slug, name: "  Milonga talk ", description: "Where to dance tonight" } },
      { token: organizer.accessToken },
    );
    expect(res.errors).toBeUndefined();
    expect(res.data.createRoom).toMatchObject({
      slug,
      name: "Milonga talk",
      description: "Where to dance tonight",
      memberCount: 0,
    });

    const list = await server.gql("{ rooms { id slug } }");
    expect(list.data.rooms).toContainEqual({ id: res.data.createRoom.id, slug });
    const one = await server.gql("query ($slug: String!) { room(slug: $slug) { id name members { id } } }", { slug });
    expect(one.data.room).toEqual({ id: res.data.createRoom.id, name: "Milonga talk", members: [] });
    expect((await server.gql('{ room(slug: "no-such-room") { id } }')).data.room).toBeNull();
  });

  it("refuses plain users (FORBIDDEN) and anonymous callers (UNAUTHENTICATED)", async () => {
    const input = { slug: uniqueSlug(), name: "Nope" };
    expect(codeOf(await server.gql(CREATE_ROOM, { input }, { token: user.accessToken }))).toBe("FORBIDDEN");
    expect(codeOf(await server.gql(CREATE_ROOM, { input }))).toBe("UNAUTHENTICATED");
  });

  it.each(["A-upper", "-leading-dash", "x", "has space", "ü-umlaut", `a${"b".repeat(63)}`])(
    "refuses the slug %j with BAD_USER_INPUT",
    async (slug) => {
      const res = await server.gql(CREATE_ROOM, { input: { slug, name: "Bad" } }, { token: organizer.accessToken });
      expect(codeOf(res)).toBe("BAD_USER_INPUT");
      expect(res.errors![0]!.extensions.issues).toContainEqual(expect.objectContaining({ path: "input.slug" }));
    },
  );

  it("accepts a 63-character slug and refuses a duplicate with CONFLICT", async () => {
    const slug = uniqueSlug("long").padEnd(63, "z");
    expect(slug).toHaveLength(63);
    await createRoom(server, organizer.accessToken, slug);
    const again = await server.gql(CREATE_ROOM, { input: { slug, name: "Again" } }, { token: organizer.accessToken });
    expect(codeOf(again)).toBe("CONFLICT");
  });
});

describe("sendMessage over HTTP", () => {
  let room: string;
  beforeAll(async () => {
    room = await createRoom(server, organizer.accessToken);
  });

  it("stores the trimmed text and returns a receipt naming the stored message", async () => {
    const receipt = await sendMessage(server, user.accessToken, { room, text: "  ¡Hola milongueros!  ", clientMessageId: "c-1" });
    expect(receipt).toMatchObject({ clientMessageId: "c-1" });
    expect(new Date(receipt.timestamp).toISOString()).toBe(receipt.timestamp);
    const node = await server.gql("query ($id: ID!) { node(id: $id) { ... on Message { text author { id } room { slug } } } }", {
      id: receipt.messageId,
    });
    expect(node.data.node).toEqual({ text: "¡Hola milongueros!", author: { id: user.id }, room: { slug: room } });
  });

  it("returns the first receipt for a retry with the same clientMessageId and stores nothing new", async () => {
    const before = await server.gql("query ($slug: String!) { room(slug: $slug) { messages { totalCount } } }", { slug: room });
    const first = await sendMessage(server, user.accessToken, { room, text: "only once", clientMessageId: "retry-1" });
    const concurrent = await Promise.all(
      [1, 2, 3].map(() => sendMessage(server, user.accessToken, { room, text: "only once", clientMessageId: "retry-1" })),
    );
    expect(concurrent).toEqual([first, first, first]);
    const after = await server.gql("query ($slug: String!) { room(slug: $slug) { messages { totalCount } } }", { slug: room });
    expect(after.data.room.messages.totalCount).toBe(before.data.room.messages.totalCount + 1);

    // The same clientMessageId from another author is another message.
    const other = await createUser(server);
    const theirs = await sendMessage(server, other.accessToken, { room, text: "only once", clientMessageId: "retry-1" });
    expect(theirs.messageId).not.toBe(first.messageId);
  });

  it("answers CONFLICT and stores nothing when a clientMessageId is reused with another text or room", async () => {
    const sender = await createUser(server);
    const otherRoom = await createRoom(server, organizer.accessToken);
    const count = async (slug: string) =>
      (await server.gql("query ($slug: String!) { room(slug: $slug) { messages { totalCount } } }", { slug })).data.room.messages
        .totalCount as number;
    const first = await sendMessage(server, sender.accessToken, { room, text: "first words", clientMessageId: "key-1" });
    const before = [await count(room), await count(otherRoom)];

    const send = (input: Record<string, unknown>) => server.gql(SEND_MESSAGE, { input }, { token: sender.accessToken });
    const otherText = await send({ room, text: "other words", clientMessageId: "key-1" });
    expect(codeOf(otherText)).toBe("CONFLICT");
    expect(otherText.errors![0]!.message).toBe('clientMessageId "key-1" was already used for another message');
    expect(codeOf(await send({ room: otherRoom, text: "first words", clientMessageId: "key-1" }))).toBe("CONFLICT");
    expect([await count(room), await count(otherRoom)]).toEqual(before);

    // An exact retry (the text as sent, before trimming too) still gets the first receipt.
    expect(await sendMessage(server, sender.accessToken, { room, text: " first words ", clientMessageId: "key-1" })).toEqual(
      first,
    );
  });

  it("races of the same first send store exactly one message", async () => {
    const sender = await createUser(server);
    const receipts = await Promise.all(
      [1, 2, 3, 4].map(() => sendMessage(server, sender.accessToken, { room, text: "race", clientMessageId: "race-1" })),
    );
    expect(new Set(receipts.map((r) => r.messageId)).size).toBe(1);
  });

  it.each([
    ["empty", ""],
    ["only spaces", "   \n\t "],
    ["2001 characters", "x".repeat(2001)],
  ])("refuses a text that is %s with BAD_USER_INPUT", async (_name, text) => {
    const res = await server.gql(SEND_MESSAGE, { input: { room, text } }, { token: user.accessToken });
    expect(codeOf(res)).toBe("BAD_USER_INPUT");
    expect(res.errors![0]!.extensions.issues).toContainEqual(expect.objectContaining({ path: "input.text" }));
  });

  it("accepts exactly 2000 characters after trimming, counting an emoji as one", async () => {
    await sendMessage(server, user.accessToken, { room, text: `  ${"y".repeat(2000)}  ` });
    await sendMessage(server, user.accessToken, { room, text: "💃".repeat(2000) });
  });

  it("answers NOT_FOUND for an unknown room and UNAUTHENTICATED without a token", async () => {
    expect(
      codeOf(await server.gql(SEND_MESSAGE, { input: { room: "no-such-room", text: "hi" } }, { token: user.accessToken })),
    ).toBe("NOT_FOUND");
    expect(codeOf(await server.gql(SEND_MESSAGE, { input: { room, text: "hi" } }))).toBe("UNAUTHENTICATED");
  });
});

describe("Room.messages", () => {
  const PAGE = /* GraphQL */ `
    query Page($slug: String!, $first: Int, $after: String, $last: Int, $before: String) {
      room(slug: $slug) {
        messages(first: $first, after: $after, last: $last, before: $before) {
          totalCount
          edges { cursor node { text } }
          pageInfo { hasNextPage hasPreviousPage startCursor endCursor }
        }
      }
    }
  `;
  let room: string;
  const texts = Array.from({ length: 7 }, (_, i) => `message ${i + 1}`);
  beforeAll(async () => {
    room = await createRoom(server, organizer.accessToken);
    for (const text of texts) await sendMessage(server, user.accessToken, { room, text });
  });

  const page = async (args: Record<string, unknown>) => {
    const res = await server.gql(PAGE, { slug: room, ...args });
    expect(res.errors).toBeUndefined();
    return res.data.room.messages;
  };

  it("walks forward oldest → newest with first/after", async () => {
    const seen: string[] = [];
    let after: string | null = null;
    for (;;) {
      const p: any = await page({ first: 3, after });
      expect(p.totalCount).toBe(7);
      seen.push(...p.edges.map((e: any) => e.node.text));
      if (!p.pageInfo.hasNextPage) break;
      after = p.pageInfo.endCursor;
    }
    expect(seen).toEqual(texts);
  });

  it("walks backward with last/before, each page still oldest → newest", async () => {
    const first = await page({ last: 3 });
    expect(first.edges.map((e: any) => e.node.text)).toEqual(["message 5", "message 6", "message 7"]);
    expect(first.pageInfo).toMatchObject({ hasPreviousPage: true, hasNextPage: false });
    const second = await page({ last: 3, before: first.pageInfo.startCursor });
    expect(second.edges.map((e: any) => e.node.text)).toEqual(["message 2", "message 3", "message 4"]);
    const third = await page({ last: 3, before: second.pageInfo.startCursor });
    expect(third.edges.map((e: any) => e.node.text)).toEqual(["message 1"]);
    expect(third.pageInfo.hasPreviousPage).toBe(false);
  });

  it("refuses a page over 100 and a cursor that is not one", async () => {
    expect(codeOf(await server.gql(PAGE, { slug: room, first: 101 }))).toBe("BAD_USER_INPUT");
    expect(codeOf(await server.gql(PAGE, { slug: room, after: "bm90LWEtY3Vyc29y" }))).toBe("BAD_USER_INPUT");
  });
});

describe("authenticateConnection over HTTP", () => {
  it("is BAD_USER_INPUT: it only works over a WebSocket", async () => {
    const res = await server.gql(
      "mutation ($t: String!) { authenticateConnection(accessToken: $t) }",
      { t: user.accessToken },
      { token: user.accessToken },
    );
    expect(codeOf(res)).toBe("BAD_USER_INPUT");
    expect(res.errors![0]!.message).toMatch(/only over a WebSocket/i);
  });
});

describe("sendMessage's statements", () => {
  it("stores a message and reads its author in one statement, a retry included", async () => {
    const [slug, sender] = await Promise.all([createRoom(server, organizer.accessToken), createUser(server)]);
    await sendMessage(server, sender.accessToken, { room: slug, text: "warms the room and session caches" });
    const statements: string[] = [];
    const stop = server.app.services.db.onStatement((sql) => statements.push(sql));
    try {
      const first = await sendMessage(server, sender.accessToken, { room: slug, text: "uno", clientMessageId: "stmt-1" });
      const retry = await sendMessage(server, sender.accessToken, { room: slug, text: "uno", clientMessageId: "stmt-1" });
      expect(retry.messageId).toBe(first.messageId);
    } finally {
      stop();
    }
    // (Not the audit batch, nor a session status re-read should the status cache expire meanwhile.)
    const messageStatements = statements.filter((sql) => /"(Message|User)"/.test(sql) && !/"(AuditLog|Session)"/.test(sql));
    // First send: the INSERT joined to its author. Retry: the same statement (nothing inserted),
    // then the first message read back by clientMessageId.
    expect(messageStatements).toHaveLength(3);
    expect(messageStatements.filter((sql) => sql.includes('INSERT INTO "Message"'))).toHaveLength(2);
  });
});
