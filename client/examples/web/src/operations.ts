// The page's own operations (the kit brings the session, socket, room stream and send ones):
// typed by hand with the kit's TypedDocumentString, so session.request() checks the variables
// and the result it returns.
import { operations, type RoomMessage } from "@mundo-tango/client";

const { TypedDocumentString } = operations;
const typed = <TResult, TVariables>(query: string) => new TypedDocumentString<TResult, TVariables>(query);

export interface EventSummary {
  id: string;
  title: string;
  city: string;
  kind: string;
  startsAt: string;
}

export interface EventsPage {
  events: { edges: { node: EventSummary }[]; pageInfo: { hasNextPage: boolean; endCursor: string | null } };
}

export const EventsDocument = typed<EventsPage, { first: number; after: string | null }>(`
  query WebEvents($first: Int!, $after: String) {
    events(first: $first, after: $after) {
      edges { node { id title city kind startsAt } }
      pageInfo { hasNextPage endCursor }
    }
  }
`);

export interface RoomSummary {
  slug: string;
  name: string;
  memberCount: number;
}

export const RoomsDocument = typed<{ rooms: RoomSummary[] }, Record<string, never>>(`
  query WebRooms { rooms { slug name memberCount } }
`);

export interface Member {
  id: string;
  displayName: string;
}

export interface RoomView {
  room: {
    name: string;
    memberCount: number;
    members: Member[];
    messages: { edges: { node: RoomMessage }[] };
  } | null;
}

/** The room as it is when the page opens it: its newest messages (oldest first) and its members. */
export const RoomDocument = typed<RoomView, { slug: string; last: number }>(`
  query WebRoom($slug: String!, $last: Int!) {
    room(slug: $slug) {
      name
      memberCount
      members { id displayName }
      messages(last: $last) {
        edges { node { id text clientMessageId createdAt author { id displayName } } }
      }
    }
  }
`);
