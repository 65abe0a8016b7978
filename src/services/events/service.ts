// Events: listing (cursor connection and page numbers), organizer CRUD and attendance.
// Callers pass database ids; decoding global ids is the GraphQL layer's job.
import type { DirectSql } from "../../db/client.js";
import { forbidden, notFound } from "../../errors.js";
import { Prisma, type Attendance, type Event, type PrismaClient } from "../../generated/prisma/client.js";
import type { Role } from "../../generated/prisma/enums.js";
import { parseInput } from "../../validation.js";
import type { PublicUser, UserService } from "../users/index.js";
import { dateKey } from "../pagination/cursor.js";
import { keysetConnection, pageRequest, type Connection, type ConnectionArgs, type KeysetOrder } from "../pagination/keyset.js";
import { column, keysetClauses, orderBySql } from "../pagination/keysetSql.js";
import { numberedPage, offsetWindow, type NumberedPage, type PageArgs } from "../pagination/offset.js";
import { eventCondition } from "./filter.js";
import { eventOrder, type EventOrderInput } from "./ordering.js";
import { eventSchema, type EventFilter, type EventInput, type EventPatch } from "./validation.js";

export const MAX_PAGE_SIZE = 100;
export const DEFAULT_PAGE_SIZE = 20;
const pageSizes = { defaultSize: DEFAULT_PAGE_SIZE, max: MAX_PAGE_SIZE };

/** Who is acting: the signed-in user's id and role. */
export interface Actor {
  id: string;
  role: Role;
}

export interface EventListArgs {
  filter?: EventFilter | null;
  orderBy?: EventOrderInput | null;
  /**
   * The columns the caller will read from each row; unset reads whole rows. The id and the sort
   * key are always read. Rows are typed as whole events: read nothing else from them.
   */
  columns?: readonly EventColumn[];
}

export type EventColumn = keyof Event;

const EVENT_COLUMNS = Object.values(Prisma.EventScalarFieldEnum);

/** The select list for `columns` plus `always`; every column when columns is unset. */
function selectList(columns: readonly EventColumn[] | undefined, ...always: EventColumn[]): Prisma.Sql {
  const wanted = columns ? new Set([...columns, ...always]) : null;
  return Prisma.join(EVENT_COLUMNS.filter((name) => !wanted || wanted.has(name)).map(column), ", ");
}

type AttendanceWithUser = Attendance & { user: PublicUser };

/** Attendees oldest first; a cursor belongs to the attendee list of one event. */
const attendeeOrder = (eventId: string): KeysetOrder<AttendanceWithUser, Date> => ({
  name: `attendees:${eventId}`,
  field: "createdAt",
  direction: "asc",
  codec: dateKey,
  keyOf: (attendance) => attendance.createdAt,
  tieBreaker: "userId",
  tieBreakerOf: (attendance) => attendance.userId,
});

const isForeignKeyViolation = (error: unknown) => (error as { code?: string } | null)?.code === "P2003";

export function createEventService({
  prisma,
  sql,
  users: { byIds: usersByIds },
}: {
  prisma: PrismaClient;
  sql: DirectSql;
  users: UserService;
}) {
  async function find(id: string): Promise<Event> {
    const event = await prisma.event.findUnique({ where: { id } });
    if (!event) throw notFound("Event");
    return event;
  }

  function assertCanManage(actor: Actor, event: Event): void {
    if (actor.role !== "ADMIN" && actor.id !== event.organizerId) {
      throw forbidden("Only the event's organizer or an admin can change it");
    }
  }

  /** Rows in `ids` order; a missing id gives null. */
  async function byIds(ids: readonly string[]): Promise<(Event | null)[]> {
    const rows = await prisma.event.findMany({ where: { id: { in: [...ids] } } });
    const byId = new Map(rows.map((row) => [row.id, row]));
    return ids.map((id) => byId.get(id) ?? null);
  }

  async function count(condition: Prisma.Sql): Promise<number> {
    const [row] = await sql<{ count: number }>(Prisma.sql`SELECT count(*)::int AS "count" FROM "Event" WHERE ${condition}`);
    return row!.count;
  }

  // Lists read through the driver directly (db/directSql.ts): a page of events runs on most
  // requests, and Prisma's client costs more per statement than the statement does.
  function list(args: ConnectionArgs & EventListArgs): Promise<Connection<Event>> {
    const condition = eventCondition(args.filter);
    const order = eventOrder(args.orderBy);
    const select = selectList(args.columns, "id", order.field as EventColumn);
    return keysetConnection(
      args,
      order,
      {
        findMany: (query) => {
          const { window, orderAndLimit } = keysetClauses(order, query);
          return sql<Event>(Prisma.sql`SELECT ${select} FROM "Event" WHERE ${condition} AND ${window} ${orderAndLimit}`);
        },
        count: () => count(condition),
      },
      pageSizes,
    );
  }

  async function page(args: PageArgs & EventListArgs): Promise<NumberedPage<Event>> {
    const { skip, take } = offsetWindow(args, MAX_PAGE_SIZE);
    const condition = eventCondition(args.filter);
    const order = eventOrder(args.orderBy);
    const select = selectList(args.columns, "id");
    const [items, total] = await Promise.all([
      sql<Event>(
        Prisma.sql`SELECT ${select} FROM "Event" WHERE ${condition} ${orderBySql(order, order.direction)} OFFSET ${skip} LIMIT ${take}`,
      ),
      count(condition),
    ]);
    return numberedPage(args, items, total);
  }

  /** Creates an event organized by `organizerId` (the seed calls this too). */
  function create(organizerId: string, input: EventInput): Promise<Event> {
    const data = parseInput(eventSchema, input, ["input"]);
    return prisma.event.create({ data: { ...data, organizerId } });
  }

  /** Applies `patch` if `actor` organizes the event or is an ADMIN; checks the merged event. */
  function update(actor: Actor, id: string, patch: EventPatch): Promise<Event> {
    return prisma.$transaction(async (tx) => {
      // Lock the row so two concurrent updates cannot each pass the startsAt < endsAt check
      // on their own view and together store an event that ends before it starts.
      await tx.$queryRaw`SELECT 1 FROM "Event" WHERE "id" = ${id}::uuid FOR UPDATE`;
      const current = await tx.event.findUnique({ where: { id } });
      if (!current) throw notFound("Event");
      assertCanManage(actor, current);
      const merged: Record<string, unknown> = { ...current };
      for (const [field, value] of Object.entries(patch)) if (value !== undefined) merged[field] = value;
      const data = parseInput(eventSchema, merged, ["input"]);
      return tx.event.update({ where: { id }, data });
    });
  }

  async function remove(actor: Actor, id: string): Promise<boolean> {
    assertCanManage(actor, await find(id));
    const { count } = await prisma.event.deleteMany({ where: { id } });
    if (count === 0) throw notFound("Event");
    return true;
  }

  /** Idempotent: attending twice keeps one attendance. */
  async function attend(userId: string, eventId: string): Promise<Event> {
    const event = await find(eventId);
    try {
      await prisma.attendance.createMany({ data: [{ eventId, userId }], skipDuplicates: true });
    } catch (error) {
      if (isForeignKeyViolation(error)) throw notFound("Event"); // deleted in the meantime
      throw error;
    }
    return event;
  }

  /** Idempotent: leaving an event one does not attend changes nothing. */
  async function unattend(userId: string, eventId: string): Promise<Event> {
    const event = await find(eventId);
    await prisma.attendance.deleteMany({ where: { eventId, userId } });
    return event;
  }

  /**
   * Attendee counts in `eventIds` order, in one grouped query. Raw SQL: on a page of events this
   * runs per request, and Prisma's groupBy costs more in the client than the statement does
   * (so does its $queryRaw: the statement goes to the driver directly).
   */
  async function attendeeCounts(eventIds: readonly string[]): Promise<number[]> {
    const groups = await sql<{ eventId: string; count: number }>(Prisma.sql`
      SELECT "eventId", count(*)::int AS "count" FROM "Attendance"
      WHERE "eventId" = ANY(${[...eventIds]}::uuid[]) GROUP BY "eventId"`);
    const counts = new Map(groups.map((group) => [group.eventId, group.count]));
    return eventIds.map((id) => counts.get(id) ?? 0);
  }

  /** Whether `userId` attends each of `eventIds`, in one query. */
  async function attending(userId: string, eventIds: readonly string[]): Promise<boolean[]> {
    const rows = await prisma.attendance.findMany({
      where: { userId, eventId: { in: [...eventIds] } },
      select: { eventId: true },
    });
    const attended = new Set(rows.map((row) => row.eventId));
    return eventIds.map((id) => attended.has(id));
  }

  /** The users attending an event, oldest attendance first. */
  function attendees(eventId: string, args: ConnectionArgs): Promise<Connection<PublicUser>> {
    return keysetConnection(
      args,
      attendeeOrder(eventId),
      {
        findMany: ({ where, orderBy, take }) =>
          prisma.attendance.findMany({
            where: { AND: [{ eventId }, where as Prisma.AttendanceWhereInput] },
            orderBy,
            take,
            include: { user: { omit: { passwordHash: true } } },
          }),
        count: () => prisma.attendance.count({ where: { eventId } }),
      },
      pageSizes,
      (attendance) => attendance.user,
    );
  }

  /**
   * The first attendee page of many events in two queries whatever their number: a LATERAL
   * join takes `first + 1` attendances per event (Prisma's nested `take` would read every
   * attendance and cut in memory), then their users. totalCount is one grouped count for all.
   */
  async function firstAttendeePages(
    eventIds: readonly string[],
    args: { first?: number | null },
  ): Promise<Connection<PublicUser>[]> {
    const { size } = pageRequest(args, pageSizes);
    const attendances = await sql<{ eventId: string; userId: string; createdAt: Date }>(Prisma.sql`
      SELECT a."eventId", a."userId", a."createdAt"
      FROM unnest(${[...new Set(eventIds)]}::uuid[]) AS e("id")
      CROSS JOIN LATERAL (
        SELECT "eventId", "userId", "createdAt" FROM "Attendance"
        WHERE "eventId" = e."id"
        ORDER BY "createdAt" ASC, "userId" ASC
        LIMIT ${size + 1}
      ) a
      ORDER BY a."eventId", a."createdAt" ASC, a."userId" ASC`);
    const users = await usersByIds([...new Set(attendances.map((a) => a.userId))]);
    const userById = new Map(users.map((user) => [user.id, user]));
    const byEvent = new Map<string, AttendanceWithUser[]>();
    for (const attendance of attendances) {
      const user = userById.get(attendance.userId);
      if (!user) continue; // the account went away between the two queries
      const list = byEvent.get(attendance.eventId) ?? [];
      list.push({ ...attendance, user });
      byEvent.set(attendance.eventId, list);
    }
    let counts: Promise<number[]> | undefined;
    return Promise.all(
      eventIds.map((eventId, index) =>
        keysetConnection(
          { first: size },
          attendeeOrder(eventId),
          {
            // Already fetched above for exactly this page: first `size + 1` rows, no cursor.
            findMany: async () => byEvent.get(eventId) ?? [],
            count: async () => (await (counts ??= attendeeCounts(eventIds)))[index]!,
          },
          pageSizes,
          (attendance) => attendance.user,
        ),
      ),
    );
  }

  /**
   * Attendee pages for a list of events, batched. A cursor belongs to one event's list, so with
   * `after` each event pages on its own (and an event the cursor is not from gets BAD_USER_INPUT).
   */
  async function attendeePages(eventIds: readonly string[], args: { first?: number | null; after?: string | null }) {
    if (args.after == null) return firstAttendeePages(eventIds, args);
    const settled = await Promise.allSettled(eventIds.map((eventId) => attendees(eventId, args)));
    return settled.map((result) => (result.status === "fulfilled" ? result.value : (result.reason as Error)));
  }

  return {
    find,
    byIds,
    list,
    page,
    create,
    update,
    delete: remove,
    attend,
    unattend,
    attendeeCounts,
    attending,
    attendees,
    attendeePages,
  };
}

export type EventService = ReturnType<typeof createEventService>;
