// Events: the Event node, the `events` connection and `eventsPage`, organizer CRUD and
// attendance. Rules live in services/events; this file maps GraphQL to them.
import type { GraphQLResolveInfo } from "graphql";
import type { Event as EventRow } from "../generated/prisma/client.js";
import { EventKind } from "../generated/prisma/enums.js";
import { AppError } from "../errors.js";
import { viewerDependent } from "../graphql/viewerDependent.js";
import { builder } from "./builder.js";
import { decodeIdOf } from "./globalId.js";
import { SortDirectionEnum } from "./pagination.js";
import { selectedFieldsAt } from "./selection.js";
import { User } from "./users.js";

export const EventKindEnum = builder.enumType(EventKind, { name: "EventKind" });

export const UserConnection = builder.connectionObject({ type: User, name: "UserConnection" }, { name: "UserEdge" });

export const Event = builder.loadableNode("Event", {
  id: { resolve: (event: EventRow) => event.id },
  load: (ids: string[], { services }) => services.events.byIds(ids),
  fields: (t) => ({
    title: t.exposeString("title"),
    description: t.exposeString("description", { nullable: true }),
    kind: t.expose("kind", { type: EventKindEnum }),
    startsAt: t.expose("startsAt", { type: "DateTime" }),
    endsAt: t.expose("endsAt", { type: "DateTime" }),
    timezone: t.exposeString("timezone", { description: 'IANA name, e.g. "America/Argentina/Buenos_Aires"' }),
    city: t.exposeString("city"),
    venue: t.exposeString("venue", { nullable: true }),
    // Returning the id batches every organizer of a page into one User load.
    organizer: t.field({ type: User, resolve: (event) => event.organizerId }),
    // Not cached across a request's mutations: attendEvent/unattendEvent show fresh numbers.
    attendeeCount: t.loadable({
      type: "Int",
      loaderOptions: { cache: false },
      load: (ids: string[], { services }) => services.events.attendeeCounts(ids),
      resolve: (event) => event.id,
    }),
    viewerIsAttending: t.loadable({
      type: "Boolean",
      description: "false when not signed in",
      extensions: viewerDependent,
      loaderOptions: { cache: false },
      load: async (ids: string[], { viewer, services }) =>
        viewer ? services.events.attending(viewer.id, ids) : ids.map(() => false),
      resolve: (event) => event.id,
    }),
    // Batched per query path (all events of a page share the arguments): constant queries.
    attendees: t.loadable({
      type: UserConnection,
      description: "Oldest attendance first; first at most 100 (default 20).",
      args: { first: t.arg.int(), after: t.arg.string() },
      byPath: true,
      loaderOptions: { cache: false },
      load: (ids: string[], { services }, args) => services.events.attendeePages(ids, args),
      resolve: (event) => event.id,
    }),
    createdAt: t.expose("createdAt", { type: "DateTime" }),
    updatedAt: t.expose("updatedAt", { type: "DateTime" }),
  }),
});

/**
 * The columns each Event field reads. Lists read only the columns their selection needs (a page of
 * 20 events costs Prisma per column and row); a field missing here makes them read whole rows.
 */
export const EVENT_FIELD_COLUMNS: Record<string, readonly (keyof EventRow)[]> = {
  __typename: [],
  id: ["id"],
  title: ["title"],
  description: ["description"],
  kind: ["kind"],
  startsAt: ["startsAt"],
  endsAt: ["endsAt"],
  timezone: ["timezone"],
  city: ["city"],
  venue: ["venue"],
  organizer: ["organizerId"],
  attendeeCount: ["id"],
  viewerIsAttending: ["id"],
  attendees: ["id"],
  createdAt: ["createdAt"],
  updatedAt: ["updatedAt"],
};

const columnsByFields = new WeakMap<ReadonlySet<string>, (keyof EventRow)[] | undefined>();

/** The columns the events selected at `path` below this field need; undefined means every column. */
function eventColumnsAt(info: GraphQLResolveInfo, path: readonly string[]) {
  const fields = selectedFieldsAt(info, path);
  if (!columnsByFields.has(fields)) {
    const columns = [...fields].map((field) => EVENT_FIELD_COLUMNS[field]);
    columnsByFields.set(fields, columns.every(Boolean) ? [...new Set(columns.flatMap((c) => c!))] : undefined);
  }
  return columnsByFields.get(fields);
}

const EventConnection = builder.connectionObject({ type: Event, name: "EventConnection" }, { name: "EventEdge" });

const EventSortFieldEnum = builder.enumType("EventSortField", { values: ["STARTS_AT", "CREATED_AT", "TITLE"] as const });

const EventOrder = builder.inputType("EventOrder", {
  fields: (t) => ({
    field: t.field({ type: EventSortFieldEnum, required: true }),
    direction: t.field({ type: SortDirectionEnum, required: true, defaultValue: "ASC" }),
  }),
});

const EventFilter = builder.inputType("EventFilter", {
  fields: (t) => ({
    city: t.string({ description: "Case-insensitive exact match" }),
    kinds: t.field({ type: [EventKindEnum], description: "Any of these kinds (an empty list restricts nothing)" }),
    startsAfter: t.field({ type: "DateTime", description: "startsAt >= startsAfter" }),
    startsBefore: t.field({ type: "DateTime", description: "startsAt < startsBefore" }),
    search: t.string({ description: "Case-insensitive substring of title or description" }),
    organizerId: t.id(),
  }),
});

const EventPage = builder
  .objectRef<{ items: EventRow[]; page: number; pageSize: number; total: number; hasMore: boolean }>("EventPage")
  .implement({
    description: "Offset pagination for clients that want page numbers.",
    fields: (t) => ({
      items: t.field({ type: [Event], resolve: (page) => page.items }),
      page: t.exposeInt("page"),
      pageSize: t.exposeInt("pageSize"),
      total: t.exposeInt("total"),
      hasMore: t.exposeBoolean("hasMore"),
    }),
  });

// Required-ness differs between create and update, so each input spells its fields out.
const CreateEventInput = builder.inputType("CreateEventInput", {
  fields: (t) => ({
    title: t.string({ required: true }),
    description: t.string(),
    kind: t.field({ type: EventKindEnum, required: true }),
    startsAt: t.field({ type: "DateTime", required: true }),
    endsAt: t.field({ type: "DateTime", required: true }),
    timezone: t.string({ required: true }),
    city: t.string({ required: true }),
    venue: t.string(),
  }),
});

const UpdateEventInput = builder.inputType("UpdateEventInput", {
  description: "Absent fields keep their value; null clears description or venue.",
  fields: (t) => ({
    title: t.string(),
    description: t.string(),
    kind: t.field({ type: EventKindEnum }),
    startsAt: t.field({ type: "DateTime" }),
    endsAt: t.field({ type: "DateTime" }),
    timezone: t.string(),
    city: t.string(),
    venue: t.string(),
  }),
});

/** decodeIdOf, with the failure naming the argument it came from (extensions.issues). */
function decodeIdArg(typename: "User" | "Event", id: string, path: string): string {
  try {
    return decodeIdOf(typename, id);
  } catch (error) {
    if (!(error instanceof AppError)) throw error;
    throw new AppError(error.code, error.message, { issues: [{ path, message: error.message }] });
  }
}

type FilterArg = typeof EventFilter.$inferInput | null | undefined;
const serviceFilter = (filter: FilterArg) =>
  filter && { ...filter, organizerId: filter.organizerId && decodeIdArg("User", filter.organizerId, "filter.organizerId") };

builder.queryFields((t) => ({
  event: t.field({
    type: Event,
    nullable: true,
    args: { id: t.arg.id({ required: true }) },
    resolve: (_root, { id }) => decodeIdArg("Event", id, "id"),
  }),
  events: t.field({
    type: EventConnection,
    description: "Cursor pagination both ways; first/last at most 100 (default: first 20). Default order STARTS_AT ASC.",
    args: {
      ...t.arg.connectionArgs(),
      filter: t.arg({ type: EventFilter }),
      orderBy: t.arg({ type: EventOrder }),
    },
    resolve: (_root, args, { services }, info) =>
      services.events.list({ ...args, filter: serviceFilter(args.filter), columns: eventColumnsAt(info, ["edges", "node"]) }),
  }),
  eventsPage: t.field({
    type: EventPage,
    description: "Page numbers from 1; pageSize 1..100.",
    args: {
      page: t.arg.int({ required: true, defaultValue: 1 }),
      pageSize: t.arg.int({ required: true, defaultValue: 20 }),
      filter: t.arg({ type: EventFilter }),
      orderBy: t.arg({ type: EventOrder }),
    },
    resolve: (_root, args, { services }, info) =>
      services.events.page({ ...args, filter: serviceFilter(args.filter), columns: eventColumnsAt(info, ["items"]) }),
  }),
}));

builder.mutationFields((t) => ({
  createEvent: t.field({
    type: Event,
    args: { input: t.arg({ type: CreateEventInput, required: true }) },
    directives: { auth: { requires: "ORGANIZER" } },
    resolve: (_root, { input }, { viewer, services }) => services.events.create(viewer!.id, input),
  }),
  updateEvent: t.field({
    type: Event,
    description: "The event's organizer or an ADMIN only.",
    args: { id: t.arg.id({ required: true }), input: t.arg({ type: UpdateEventInput, required: true }) },
    directives: { auth: { requires: "ORGANIZER" } },
    resolve: (_root, { id, input }, { viewer, services }) =>
      services.events.update(viewer!, decodeIdArg("Event", id, "id"), input),
  }),
  deleteEvent: t.boolean({
    description: "The event's organizer or an ADMIN only.",
    args: { id: t.arg.id({ required: true }) },
    directives: { auth: { requires: "ORGANIZER" } },
    resolve: (_root, { id }, { viewer, services }) => services.events.delete(viewer!, decodeIdArg("Event", id, "id")),
  }),
  attendEvent: t.field({
    type: Event,
    description: "Idempotent.",
    args: { id: t.arg.id({ required: true }) },
    directives: { auth: {} },
    resolve: (_root, { id }, { viewer, services }) => services.events.attend(viewer!.id, decodeIdArg("Event", id, "id")),
  }),
  unattendEvent: t.field({
    type: Event,
    description: "Idempotent.",
    args: { id: t.arg.id({ required: true }) },
    directives: { auth: {} },
    resolve: (_root, { id }, { viewer, services }) => services.events.unattend(viewer!.id, decodeIdArg("Event", id, "id")),
  }),
}));
