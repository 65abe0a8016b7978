// Rooms in tests: the GraphQL documents the room tests share, and shortcuts that go through the
// real API (HTTP) like a client would.
import { randomUUID } from "node:crypto";
import { expect } from "vitest";
import type { TestServer } from "./server.js";
import type { Result } from "./ws.js";

export const CREATE_ROOM = /* GraphQL */ `
  mutation CreateRoom($input: CreateRoomInput!) {
    createRoom(input: $input) { id slug name description memberCount createdAt }
  }
`;

export const SEND_MESSAGE = /* GraphQL */ `
  mutation Send($input: SendMessageInput!) {
    sendMessage(input: $input) { messageId clientMessageId timestamp }
  }
`;

export const ROOM_EVENTS = /* GraphQL */ `
  subscription RoomEvents($room: String!, $since: ID, $excludeSelf: Boolean! = false) {
    roomEvents(room: $room, since: $since, excludeSelf: $excludeSelf) {
      __typename
      ... on MessagePosted { message { id text clientMessageId author { id } room { slug } } }
      ... on MemberJoined { user { id } memberCount at }
      ... on MemberLeft { user { id } memberCount at }
    }
  }
`;

export const ROOM_PRESENCE = /* GraphQL */ `
  query Presence($slug: String!) { room(slug: $slug) { memberCount members { id } } }
`;

export const ROOM_STATS = /* GraphQL */ `
  query Stats { roomStats { connections subscriptions rooms { slug memberCount subscriptionCount } } }
`;

export const uniqueSlug = (prefix = "room") => `${prefix}-${randomUUID().slice(0, 8)}`;

/** Creates a room as `organizerToken`; returns its slug. */
export async function createRoom(server: TestServer, organizerToken: string, slug = uniqueSlug()): Promise<string> {
  const res = await server.gql(CREATE_ROOM, { input: { slug, name: `Room ${slug}` } }, { token: organizerToken });
  expect(res.errors).toBeUndefined();
  return slug;
}

export interface Receipt {
  messageId: string;
  clientMessageId: string | null;
  timestamp: string;
}

/** Sends over HTTP and expects a receipt. */
export async function sendMessage(
  server: TestServer,
  token: string,
  input: { room: string; text: string; clientMessageId?: string },
): Promise<Receipt> {
  const res = await server.gql<{ sendMessage: Receipt }>(SEND_MESSAGE, { input }, { token });
  expect(res.errors).toBeUndefined();
  return res.data!.sendMessage;
}

/** The room event of a subscription result. */
export const eventOf = (result: Result) => {
  expect(result.errors).toBeUndefined();
  return (result.data as { roomEvents: Record<string, any> }).roomEvents;
};

export const isEvent = (typename: string, userId?: string) => (result: Result) => {
  const event = (result.data as { roomEvents?: Record<string, any> } | undefined)?.roomEvents;
  return event?.__typename === typename && (userId === undefined || event.user?.id === userId);
};
