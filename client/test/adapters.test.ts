// The urql and Apollo adapters on a real server process (out of this process, so the test can
// turn the client's clock back without touching the server's): the app's queries carry the
// session's token; a token the client believes fresh but the server finds expired (clock skew)
// is refreshed once and the query retried; subscriptions go over the kit's socket.
import { randomUUID } from "node:crypto";
import { ApolloClient, HttpLink, InMemoryCache, gql as apolloGql } from "@apollo/client";
import { cacheExchange, Client as UrqlClient, fetchExchange, gql as urqlGql } from "@urql/core";
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from "vitest";
import { apolloLink } from "../src/apollo.js";
import { urqlExchanges } from "../src/urql.js";
import { createTestDatabase, type TestDatabase } from "../../test/helpers/database.js";
import {
  call,
  instanceEnv,
  newRoom,
  registeredUser,
  SEND,
  startInstance,
  stopInstance,
  type Instance,
} from "./helpers/instances.js";
import { device, type Device } from "./helpers/kit.js";

const EVENTUALLY = { timeout: 15_000, interval: 50 };
const ME = "query Me { me { id displayName } }";
const ROOM_EVENTS =
  "subscription Room($room: String!) { roomEvents(room: $room) { __typename ... on MessagePosted { message { text } } } }";
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe("the urql and Apollo adapters", () => {
  let db: TestDatabase;
  let server: Instance;
  let url: string;
  let room: string;
  const devices: Device[] = [];
  const realNow = Date.now.bind(Date);

  beforeAll(async () => {
    db = await createTestDatabase();
    server = await startInstance(instanceEnv(db, { ACCESS_TOKEN_TTL: "3s" }));
    url = server.url;
    room = await newRoom(url, "adapters");
  }, 120_000);
  afterEach(async () => {
    vi.restoreAllMocks();
    await Promise.all(devices.splice(0).map((d) => d.dispose()));
  });
  afterAll(async () => {
    if (server) await stopInstance(server);
    await db?.drop();
  });

  async function signedInDevice() {
    const input = { email: `app-${randomUUID()}@example.test`, password: `pw-${randomUUID()}`, displayName: "App" };
    const d = device({ url });
    devices.push(d);
    await d.session.register(input);
    return d;
  }

  /**
   * Once the token expired for the server (3 s, plus the 5 s of clock skew it tolerates), the
   * client's clock is turned back: it believes the token fresh and sends it.
   */
  async function skewedClockAfterExpiry() {
    await sleep(8_300);
    vi.spyOn(Date, "now").mockImplementation(() => realNow() - 20_000);
  }

  async function post(text: string) {
    await call(url, SEND, { input: { room, text } }, (await registeredUser(url, "Writer")).token);
  }

  it("urql: authExchange with the session's token, one refresh and retry after TOKEN_EXPIRED, subscriptions on the kit's socket", async () => {
    const app = await signedInDevice();
    const client = new UrqlClient({
      url,
      exchanges: [cacheExchange, ...urqlExchanges(app), fetchExchange],
      requestPolicy: "network-only",
      fetchOptions: () => ({ headers: { "x-graphql-yoga-csrf": "1", "x-forwarded-for": "10.9.9.9" } }),
    });
    const first = await client.query(urqlGql(ME), {}).toPromise();
    expect(first.error).toBeUndefined();
    expect(first.data.me.displayName).toBe("App");

    await skewedClockAfterExpiry();
    const afterExpiry = await client.query(urqlGql(ME), {}).toPromise();
    expect(afterExpiry.error).toBeUndefined();
    expect(afterExpiry.data.me.id).toBe(first.data.me.id);
    expect(app.requests.filter((r) => r.operation === "Refresh")).toHaveLength(1);
    vi.restoreAllMocks();

    const events: string[] = [];
    const { unsubscribe } = client.subscription(urqlGql(ROOM_EVENTS), { room }).subscribe((result) => {
      const event = result.data?.roomEvents;
      if (event) events.push(event.__typename === "MessagePosted" ? event.message.text : event.__typename);
    });
    await vi.waitFor(() => expect(events).toEqual(["MemberJoined"]), EVENTUALLY);
    expect(app.realtime.status).toBe("connected");
    await post("hola urql");
    await vi.waitFor(() => expect(events).toEqual(["MemberJoined", "hola urql"]), EVENTUALLY);
    unsubscribe();
  });

  it("Apollo: auth link with the session's token, one refresh and retry after TOKEN_EXPIRED, subscriptions on the kit's socket", async () => {
    const app = await signedInDevice();
    const client = new ApolloClient({
      link: apolloLink({ ...app, httpLink: new HttpLink({ uri: url, headers: { "x-forwarded-for": "10.9.9.8" } }) }),
      cache: new InMemoryCache(),
    });
    const first = await client.query<{ me: { id: string; displayName: string } }>({
      query: apolloGql(ME),
      fetchPolicy: "network-only",
    });
    expect(first.data?.me.displayName).toBe("App");

    await skewedClockAfterExpiry();
    const afterExpiry = await client.query<{ me: { id: string } }>({ query: apolloGql(ME), fetchPolicy: "network-only" });
    expect(afterExpiry.error).toBeUndefined();
    expect(afterExpiry.data?.me.id).toBe(first.data?.me.id);
    expect(app.requests.filter((r) => r.operation === "Refresh")).toHaveLength(1);
    vi.restoreAllMocks();

    const events: string[] = [];
    const subscription = client
      .subscribe<{ roomEvents: { __typename: string; message?: { text: string } } }>({
        query: apolloGql(ROOM_EVENTS),
        variables: { room },
      })
      .subscribe({
        next: (result) => {
          const event = result.data?.roomEvents;
          if (event) events.push(event.__typename === "MessagePosted" ? event.message!.text : event.__typename);
        },
      });
    await vi.waitFor(() => expect(events).toEqual(["MemberJoined"]), EVENTUALLY);
    expect(app.realtime.status).toBe("connected");
    await post("hola apollo");
    await vi.waitFor(() => expect(events).toEqual(["MemberJoined", "hola apollo"]), EVENTUALLY);
    subscription.unsubscribe();
    client.stop();
  });
});
