// What the HTTP peers share: the events SDL, the SQL and the resolvers. Each request batches
// organizers and attendee counts through DataLoader, as our server does, so every peer sends
// three queries per page. Ids are relay global ids, as ours are.
import DataLoader from "dataloader";
import pg from "pg";

export const typeDefs = /* GraphQL */ `
  type User { id: ID! displayName: String! }
  type Event { id: ID! title: String! organizer: User! attendeeCount: Int! }
  type EventEdge { cursor: String! node: Event! }
  type PageInfo { hasNextPage: Boolean! endCursor: String }
  type EventConnection { edges: [EventEdge!]! pageInfo: PageInfo! }
  type Query { events(first: Int = 20): EventConnection! }
`;

interface EventRow {
  id: string;
  title: string;
  organizerId: string;
}

export const pool = new pg.Pool({ connectionString: process.env.DATABASE_URL, max: 10 });

const globalId = (type: string, id: string) => Buffer.from(`${type}:${id}`).toString("base64");

export function createLoaders() {
  return {
    users: new DataLoader(async (ids: readonly string[]) => {
      const { rows } = await pool.query<{ id: string; displayName: string }>(
        'SELECT id, "displayName" FROM "User" WHERE id = ANY($1::uuid[])',
        [ids],
      );
      const byId = new Map(rows.map((r) => [r.id, r]));
      return ids.map((id) => byId.get(id)!);
    }),
    attendeeCounts: new DataLoader(async (ids: readonly string[]) => {
      const { rows } = await pool.query<{ eventId: string; count: number }>(
        'SELECT "eventId", count(*)::int AS count FROM "Attendance" WHERE "eventId" = ANY($1::uuid[]) GROUP BY "eventId"',
        [ids],
      );
      const byId = new Map(rows.map((r) => [r.eventId, r.count]));
      return ids.map((id) => byId.get(id) ?? 0);
    }),
  };
}

export type Loaders = ReturnType<typeof createLoaders>;
export interface PeerContext {
  loaders: Loaders;
}

export const resolvers = {
  Query: {
    events: async (_: unknown, { first }: { first: number }) => {
      const { rows } = await pool.query<EventRow>(
        'SELECT id, title, "organizerId" FROM "Event" ORDER BY "startsAt", id LIMIT $1',
        [first + 1],
      );
      const page = rows.slice(0, first);
      const edges = page.map((row) => ({ cursor: globalId("Event", row.id), node: row }));
      return { edges, pageInfo: { hasNextPage: rows.length > first, endCursor: edges.at(-1)?.cursor ?? null } };
    },
  },
  Event: {
    id: (row: EventRow) => globalId("Event", row.id),
    organizer: (row: EventRow, _: unknown, ctx: PeerContext) => ctx.loaders.users.load(row.organizerId),
    attendeeCount: (row: EventRow, _: unknown, ctx: PeerContext) => ctx.loaders.attendeeCounts.load(row.id),
  },
  User: { id: (row: { id: string }) => globalId("User", row.id) },
};
