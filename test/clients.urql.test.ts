// A frontend's view of the API: @urql/core with its default settings (queries as GET within the
// URL limit, so the CSRF header is sent, as README says a browser app must) and a graphql-ws
// subscription exchange over `ws`. Two dancers register, sign in, page through events, join the
// general room and talk.
import { randomUUID } from "node:crypto";
import { cacheExchange, Client, fetchExchange, gql, subscriptionExchange, type OperationResult } from "@urql/core";
import { createClient as createWsClient, type Client as WsClient } from "graphql-ws";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import WebSocket from "ws";
import { CSRF_HEADER } from "../src/graphql/csrfHeader.js";
import { startTestServer, type TestServer } from "./helpers/server.js";

interface Frontend {
  client: Client;
  socket: WsClient;
  token: string | null;
  close(): Promise<void>;
}

/** One browser tab's GraphQL stack: HTTP for queries and mutations, a socket for subscriptions. */
function frontend(server: TestServer): Frontend {
  const app: Frontend = {} as Frontend;
  app.token = null;
  app.socket = createWsClient({
    url: server.url.replace(/^http/, "ws"),
    webSocketImpl: WebSocket,
    lazy: true,
    retryAttempts: 0,
    connectionParams: () => (app.token ? { authorization: `Bearer ${app.token}` } : {}),
  });
  app.client = new Client({
    url: server.url,
    exchanges: [
      cacheExchange,
      fetchExchange,
      subscriptionExchange({
        forwardSubscription: (request) => ({
          subscribe: (sink) => ({ unsubscribe: app.socket.subscribe({ ...request, query: request.query ?? "" }, sink) }),
        }),
      }),
    ],
    requestPolicy: "network-only",
    fetchOptions: () => ({
      headers: { [CSRF_HEADER]: "1", ...(app.token ? { authorization: `Bearer ${app.token}` } : {}) },
    }),
  });
  app.close = () => app.socket.dispose() as Promise<void>;
  return app;
}

const REGISTER = gql`
  mutation Register($input: RegisterInput!) {
    register(input: $input) { accessToken user { id displayName role } }
  }
`;
const LOGIN = gql`
  mutation Login($input: LoginInput!) {
    login(input: $input) { accessToken user { id role } }
  }
`;
const CREATE_EVENT = gql`
  mutation CreateEvent($input: CreateEventInput!) {
    createEvent(input: $input) { id title city startsAt organizer { displayName } }
  }
`;
const EVENTS = gql`
  query Events($first: Int!, $after: String, $filter: EventFilter) {
    events(first: $first, after: $after, filter: $filter, orderBy: { field: STARTS_AT, direction: ASC }) {
      totalCount
      pageInfo { hasNextPage endCursor }
      edges { cursor node { id title startsAt viewerIsAttending attendeeCount } }
    }
  }
`;
const ATTEND = gql`
  mutation Attend($id: ID!) { attendEvent(id: $id) { id viewerIsAttending attendeeCount } }
`;
const ROOM_EVENTS = gql`
  subscription RoomEvents($room: String!) {
    roomEvents(room: $room) {
      __typename
      ... on MessagePosted { message { id text clientMessageId author { displayName } } }
      ... on MemberJoined { memberCount user { displayName } }
      ... on MemberLeft { memberCount user { displayName } }
    }
  }
`;
const SEND = gql`
  mutation Send($input: SendMessageInput!) {
    sendMessage(input: $input) { messageId clientMessageId timestamp }
  }
`;
const HISTORY = gql`
  query History($slug: String!) {
    room(slug: $slug) { memberCount messages(last: 10) { edges { node { text author { displayName } } } } }
  }
`;

const ok = <T>(result: OperationResult<T>): T => {
  expect(result.error, result.error?.message).toBeUndefined();
  return result.data!;
};

/** Collects a subscription's events; `next(match)` waits for the first one (from now on) that matches. */
function collect(app: Frontend, room: string) {
  const events: any[] = [];
  const waiters: { match: (e: any) => boolean; resolve: (e: any) => void }[] = [];
  const subscription = app.client.subscription(ROOM_EVENTS, { room }).subscribe((result) => {
    if (result.error) throw result.error;
    const event = result.data!.roomEvents;
    events.push(event);
    for (const waiter of waiters.splice(0)) {
      if (waiter.match(event)) waiter.resolve(event);
      else waiters.push(waiter);
    }
  });
  return {
    events,
    unsubscribe: () => subscription.unsubscribe(),
    next(match: (e: any) => boolean, what: string): Promise<any> {
      const seen = events.find(match);
      if (seen) return Promise.resolve(seen);
      return new Promise((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error(`no room event: ${what}; got ${JSON.stringify(events)}`)), 15_000);
        waiters.push({
          match,
          resolve: (e) => {
            clearTimeout(timer);
            resolve(e);
          },
        });
      });
    },
  };
}

describe("a frontend on @urql/core with a graphql-ws subscription exchange", () => {
  let server: TestServer;
  let ana: Frontend;
  let beto: Frontend;
  const city = `Rosario ${randomUUID().slice(0, 8)}`;
  const password = `volcada-${randomUUID()}`;
  const emails = { ana: `ana-${randomUUID()}@example.test`, beto: `beto-${randomUUID()}@example.test` };

  beforeAll(async () => {
    server = await startTestServer();
    ana = frontend(server);
    beto = frontend(server);
  });
  afterAll(async () => {
    await ana?.close();
    await beto?.close();
    await server?.stop();
  });

  it("registers and signs in over GraphQL", async () => {
    for (const [name, app] of [
      ["Ana", ana],
      ["Beto", beto],
    ] as const) {
      const email = name === "Ana" ? emails.ana : emails.beto;
      const registered = ok(await app.client.mutation(REGISTER, { input: { email, password, displayName: name } }).toPromise());
      expect(registered.register.user).toMatchObject({ displayName: name, role: "USER" });
      app.token = registered.register.accessToken;
    }
    // An admin makes Ana an organizer; her next sign-in carries the new role.
    await server.app.services.prisma.user.update({ where: { email: emails.ana }, data: { role: "ORGANIZER" } });
    const login = ok(await ana.client.mutation(LOGIN, { input: { email: emails.ana, password } }).toPromise());
    expect(login.login.user.role).toBe("ORGANIZER");
    ana.token = login.login.accessToken;
  });

  it("publishes events and pages through them with cursors", async () => {
    const titles = ["Milonga del Ángel", "Práctica La Viruta", "Festival de Otoño", "Clase de Vals", "Marathon del Río"];
    const kinds = ["MILONGA", "PRACTICA", "FESTIVAL", "CLASS", "MARATHON"];
    for (const [i, title] of titles.entries()) {
      const startsAt = new Date(Date.UTC(2031, 2, 1 + i, 21));
      const created = ok(
        await ana.client
          .mutation(CREATE_EVENT, {
            input: {
              title,
              kind: kinds[i],
              startsAt: startsAt.toISOString(),
              endsAt: new Date(startsAt.getTime() + 4 * 3600_000).toISOString(),
              timezone: "America/Argentina/Cordoba",
              city,
            },
          })
          .toPromise(),
      );
      expect(created.createEvent).toMatchObject({ title, city, organizer: { displayName: "Ana" } });
    }

    const seen: string[] = [];
    let after: string | null = null;
    let pages = 0;
    do {
      const page: any = ok(await beto.client.query(EVENTS, { first: 2, after, filter: { city } }).toPromise());
      expect(page.events.totalCount).toBe(5);
      seen.push(...page.events.edges.map((edge: any) => edge.node.title));
      after = page.events.pageInfo.hasNextPage ? page.events.pageInfo.endCursor : null;
      pages++;
    } while (after);
    expect(pages).toBe(3);
    expect(seen).toEqual(titles);

    const first: any = ok(await beto.client.query(EVENTS, { first: 1, filter: { city } }).toPromise());
    const attended = ok(await beto.client.mutation(ATTEND, { id: first.events.edges[0].node.id }).toPromise());
    expect(attended.attendEvent).toMatchObject({ viewerIsAttending: true, attendeeCount: 1 });
  });

  it("joins the general room and chats", async () => {
    const anaFeed = collect(ana, "general");
    const joinedAna = await anaFeed.next((e) => e.__typename === "MemberJoined" && e.user.displayName === "Ana", "Ana joined");
    expect(joinedAna.memberCount).toBeGreaterThanOrEqual(1);

    const betoFeed = collect(beto, "general");
    await anaFeed.next((e) => e.__typename === "MemberJoined" && e.user.displayName === "Beto", "Ana sees Beto join");

    const clientMessageId = randomUUID();
    const sent = ok(
      await beto.client
        .mutation(SEND, { input: { room: "general", text: "¿Bailamos esta tanda?", clientMessageId } })
        .toPromise(),
    );
    expect(sent.sendMessage.clientMessageId).toBe(clientMessageId);

    const received = await anaFeed.next((e) => e.__typename === "MessagePosted", "Ana receives Beto's message");
    expect(received.message).toMatchObject({ text: "¿Bailamos esta tanda?", clientMessageId, author: { displayName: "Beto" } });
    expect(received.message.id).toBe(sent.sendMessage.messageId);

    ok(await ana.client.mutation(SEND, { input: { room: "general", text: "¡Claro que sí!" } }).toPromise());
    const reply = await betoFeed.next(
      (e) => e.__typename === "MessagePosted" && e.message.text === "¡Claro que sí!",
      "Beto gets the reply",
    );
    expect(reply.message.author.displayName).toBe("Ana");

    const history: any = ok(await ana.client.query(HISTORY, { slug: "general" }).toPromise());
    expect(history.room.memberCount).toBe(2);
    expect(history.room.messages.edges.map((edge: any) => edge.node.text)).toEqual(["¿Bailamos esta tanda?", "¡Claro que sí!"]);

    betoFeed.unsubscribe();
    await anaFeed.next((e) => e.__typename === "MemberLeft" && e.user.displayName === "Beto", "Ana sees Beto leave");
    anaFeed.unsubscribe();
  });
});
