// How the load side talks to our server: GraphQL over HTTP, sendMessage from a rotating pool of
// senders, and roomEvents subscribers over graphql-ws.
import type { BenchUser } from "./db.js";
import { openGraphqlWsSubscriber, openMany, type FrameListener } from "./clients.js";
import { tokensFor } from "./tokens.js";

export const ROOM_EVENTS = /* GraphQL */ `
  subscription RoomEvents($room: String!) {
    roomEvents(room: $room) { __typename ... on MessagePosted { message { id text createdAt author { displayName } } } }
  }
`;

const SEND_MESSAGE = /* GraphQL */ `
  mutation Send($input: SendMessageInput!) { sendMessage(input: $input) { messageId } }
`;

/** Sockets our server accepts per user (WS_MAX_SOCKETS_PER_USER default). */
export const SOCKETS_PER_USER = 20;

export async function gql<T = unknown>(
  url: string,
  query: string,
  variables?: Record<string, unknown>,
  token?: string,
): Promise<T> {
  const res = await fetch(url, {
    method: "POST",
    headers: { "content-type": "application/json", ...(token ? { authorization: `Bearer ${token}` } : {}) },
    body: JSON.stringify({ query, variables }),
  });
  const body = (await res.json()) as { data?: T; errors?: { message: string; extensions?: { code?: string } }[] };
  if (body.errors?.length)
    throw new Error(`GraphQL error from ${url}: ${body.errors.map((e) => `${e.extensions?.code}: ${e.message}`).join("; ")}`);
  return body.data!;
}

/**
 * Senders rotate over many users so no one exceeds sendMessage's production limit (20 per 10 s
 * per user): the bench runs ours unmodified rather than with a weakened limit.
 */
export class SenderPool {
  private next = 0;
  private constructor(
    private readonly users: BenchUser[],
    private readonly tokens: string[],
  ) {}
  static async of(users: BenchUser[]) {
    return new SenderPool(users, await tokensFor(users));
  }
  take() {
    const i = this.next++ % this.users.length;
    return { user: this.users[i]!, token: this.tokens[i]! };
  }
}

export async function sendMessage(url: string, senders: SenderPool, room: string, text: string) {
  await gql(url, SEND_MESSAGE, { input: { room, text } }, senders.take().token);
}

/** `count` sockets, SOCKETS_PER_USER per user, socket i in room roomOf(i). */
export async function openOurSubscribers(opts: {
  url: string;
  users: BenchUser[];
  count: number;
  roomOf: (i: number) => string;
  onFrame: FrameListener;
}) {
  const needed = Math.ceil(opts.count / SOCKETS_PER_USER);
  if (needed > opts.users.length) throw new Error(`need ${needed} users for ${opts.count} sockets, have ${opts.users.length}`);
  const tokens = await tokensFor(opts.users.slice(0, needed));
  const wsUrl = `${opts.url.replace(/^http/, "ws")}/graphql`;
  return openMany(opts.count, 50, (i) =>
    openGraphqlWsSubscriber(wsUrl, {
      token: tokens[Math.floor(i / SOCKETS_PER_USER)],
      query: ROOM_EVENTS,
      variables: { room: opts.roomOf(i) },
      onFrame: opts.onFrame,
    }),
  );
}
