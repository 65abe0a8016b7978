// Relay cursor connections on keyset ("seek") pagination, for any Prisma model: the sort key
// plus a unique tie-break column give every row one fixed position, so full walks forward
// (first/after) or backward (last/before) see each row exactly once under any order.
// The caller applies its own filter; this module only adds the window, order and limit.
import { z } from "zod";
import { parseInput, schemaPer } from "../../validation.js";
import { decodeCursor, encodeCursor, type CursorPosition, type KeyCodec } from "./cursor.js";

export type SortDirection = "asc" | "desc";

/** A Prisma `where` fragment; callers AND it with their filter. */
export type WhereFragment = Record<string, unknown>;
export type OrderByFragment = Record<string, SortDirection>;

/** One sort order a list can be walked in. The sort column must be NOT NULL. */
export interface KeysetOrder<Row, V> {
  /** Written into cursors: a cursor made under another order (or list) is refused. */
  name: string;
  /** Model field of the sort key. */
  field: string;
  direction: SortDirection;
  codec: KeyCodec<V>;
  keyOf(row: Row): V;
  /** Unique model field breaking ties (a uuid column), sorted in the same direction. */
  tieBreaker: string;
  tieBreakerOf(row: Row): string;
}

export interface ConnectionArgs {
  first?: number | null;
  after?: string | null;
  last?: number | null;
  before?: string | null;
}

export interface PageInfo {
  hasNextPage: boolean;
  hasPreviousPage: boolean;
  startCursor: string | null;
  endCursor: string | null;
}

export interface Connection<Node> {
  edges: { cursor: string; node: Node }[];
  pageInfo: PageInfo;
  /** What the caller's filter matches, across all pages (computed only when asked for). */
  totalCount: () => Promise<number>;
}

/**
 * One side of the window, for sources that write SQL: rows whose (sort key, tie-breaker) pair
 * compares to (key, id) by `op`, as a row comparison: `(key, tieBreaker) > (k, id)`.
 */
export interface KeysetBound<V = unknown> {
  op: ">" | ">=" | "<" | "<=";
  key: V;
  id: string;
}

/** The same query twice: as Prisma fragments, and as bounds and a direction for SQL sources. */
export interface KeysetQuery {
  where: WhereFragment;
  orderBy: OrderByFragment[];
  take: number;
  bounds: KeysetBound[];
  direction: SortDirection;
}

export interface KeysetSource<Row> {
  /** Rows matching the caller's filter AND `where`, in `orderBy`, at most `take`. */
  findMany(query: KeysetQuery): Promise<Row[]>;
  count(): Promise<number>;
}

export interface PageSizeLimits {
  /** Page size when neither first nor last is given. */
  defaultSize: number;
  max: number;
}

const flip = (direction: SortDirection): SortDirection => (direction === "asc" ? "desc" : "asc");

const pageArgsSchema = schemaPer((max: number) => {
  const size = z
    .int()
    .min(0, { message: `must be between 0 and ${max}` })
    .max(max, { message: `must be between 0 and ${max}` })
    .nullish();
  return z
    .object({ first: size, last: size })
    .refine((a) => a.first == null || a.last == null, { path: ["last"], message: "cannot be combined with first" });
});

/** Validates first/last (integers in 0..max, not both at once): the page size and walk direction. */
export function pageRequest(args: ConnectionArgs, limits: PageSizeLimits): { size: number; backward: boolean } {
  const { first, last } = parseInput(pageArgsSchema(limits.max), { first: args.first, last: args.last });
  return last != null ? { size: last, backward: true } : { size: first ?? limits.defaultSize, backward: false };
}

/** Rows strictly past `position` when walking in `direction` (inclusive: at or past it). */
function beyond<V>(position: CursorPosition<V>, direction: SortDirection, inclusive = false): KeysetBound<V> {
  const op = direction === "asc" ? ">" : "<";
  return { op: inclusive ? `${op}=` : op, key: position.key, id: position.id };
}

const prismaOperator = { ">": "gt", ">=": "gte", "<": "lt", "<=": "lte" } as const;

/** A bound as a Prisma fragment. For `>`: key > k OR (key = k AND tieBreaker > id). */
function whereOf<V>(order: KeysetOrder<unknown, V>, bound: KeysetBound): WhereFragment {
  return {
    OR: [
      { [order.field]: { [prismaOperator[bound.op[0] as ">" | "<"]]: bound.key } },
      { [order.field]: bound.key, [order.tieBreaker]: { [prismaOperator[bound.op]]: bound.id } },
    ],
  };
}

function query<V>(order: KeysetOrder<unknown, V>, bounds: KeysetBound[], direction: SortDirection, take: number): KeysetQuery {
  return {
    take,
    bounds,
    direction,
    // Read by Prisma sources only: SQL sources never build them.
    get where() {
      return bounds.length === 0 ? {} : and(bounds.map((bound) => whereOf(order, bound)));
    },
    get orderBy() {
      return orderBy(order, direction);
    },
  };
}

function orderBy<V>(order: KeysetOrder<unknown, V>, direction: SortDirection): OrderByFragment[] {
  return [{ [order.field]: direction }, { [order.tieBreaker]: direction }];
}

function and(fragments: WhereFragment[]): WhereFragment {
  return fragments.length === 1 ? fragments[0]! : { AND: fragments };
}

/** The cursor of one row under `order`. */
export function cursorOf<Row, V>(order: KeysetOrder<Row, V>, row: Row): string {
  return encodeCursor(order.name, order.codec, { key: order.keyOf(row), id: order.tieBreakerOf(row) });
}

/**
 * One page of a Relay connection. Costs one query (limit + 1 rows, so hasNextPage under `first`
 * and hasPreviousPage under `last` need no count), plus one `LIMIT 1` probe when a cursor is
 * given on the other side (hasPreviousPage after `after`, hasNextPage before `before`).
 */
export async function keysetConnection<Row, V, Node = Row>(
  args: ConnectionArgs,
  order: KeysetOrder<Row, V>,
  source: KeysetSource<Row>,
  limits: PageSizeLimits,
  toNode: (row: Row) => Node = (row) => row as unknown as Node,
): Promise<Connection<Node>> {
  const { size, backward } = pageRequest(args, limits);
  const after = args.after != null ? decodeCursor(order.name, order.codec, args.after, "after") : null;
  const before = args.before != null ? decodeCursor(order.name, order.codec, args.before, "before") : null;
  const generic = order as KeysetOrder<unknown, V>;

  const window: KeysetBound[] = [];
  if (after) window.push(beyond(after, order.direction));
  if (before) window.push(beyond(before, flip(order.direction)));
  const walk = backward ? flip(order.direction) : order.direction;

  // The flag for the side the page does not extend to: is anything at or beyond that cursor?
  const oppositeCursor = backward ? before : after;
  const probe = oppositeCursor
    ? source.findMany(
        query(generic, [beyond(oppositeCursor, backward ? order.direction : flip(order.direction), true)], order.direction, 1),
      )
    : Promise.resolve([]);

  const [fetched, beyondOpposite] = await Promise.all([source.findMany(query(generic, window, walk, size + 1)), probe]);
  const hasMore = fetched.length > size;
  const rows = fetched.slice(0, size);
  if (backward) rows.reverse();

  // Cursors are encoded only when asked for (a getter): many clients never select them.
  const edges = rows.map((row) => ({
    get cursor() {
      return cursorOf(order, row);
    },
    node: toNode(row),
  }));
  return {
    edges,
    pageInfo: {
      hasNextPage: backward ? beyondOpposite.length > 0 : hasMore,
      hasPreviousPage: backward ? hasMore : beyondOpposite.length > 0,
      startCursor: edges[0]?.cursor ?? null,
      endCursor: edges.at(-1)?.cursor ?? null,
    },
    totalCount: () => source.count(),
  };
}
