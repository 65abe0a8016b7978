// Live chat rooms: rooms, messages and their receipts, presence, the roomEvents subscription,
// roomStats, and authenticateConnection (re-authenticating a long-lived socket).
import type { GraphQLResolveInfo } from "graphql";
import type { Room as RoomRow } from "../generated/prisma/client.js";
import type { Context } from "../graphql/context.js";
import type {
  MemberEvent,
  MessagePostedEvent,
  MessageReceipt as Receipt,
  PostedMessage as MessageRow,
  RoomEvent as RoomEventShape,
  RoomStat as RoomStatShape,
  RoomStats as RoomStatsShape,
} from "../services/rooms/index.js";
import { MESSAGE_MAX, MESSAGE_PAGE, SLUG_PATTERN } from "../services/rooms/index.js";
import { builder } from "./builder.js";
import { decodeIdOf, encodeGlobalId } from "./globalId.js";
import { User } from "./users.js";

/**
 * memberCount and members of one room agree within one execution: one presence read per room per
 * query, and per event of a subscription (whose context lives as long as the subscription; each
 * event is executed with the event as root value).
 */
const presenceReads = new WeakMap<Context, WeakMap<object, Map<string, Promise<string[]>>>>();
function membersOf(roomId: string, context: Context, info: GraphQLResolveInfo): Promise<string[]> {
  const execution = typeof info.rootValue === "object" && info.rootValue !== null ? (info.rootValue as object) : context;
  let byExecution = presenceReads.get(context);
  if (!byExecution) presenceReads.set(context, (byExecution = new WeakMap()));
  let reads = byExecution.get(execution);
  if (!reads) byExecution.set(execution, (reads = new Map()));
  let read = reads.get(roomId);
  if (!read) reads.set(roomId, (read = context.services.rooms.members(roomId)));
  return read;
}

export const Message = builder.loadableNode("Message", {
  id: { resolve: (message: MessageRow) => message.id },
  load: (ids: string[], { services }) => services.prisma.message.findMany({ where: { id: { in: ids } } }),
  sort: (message) => message.id,
  fields: (t) => ({
    author: t.field({ type: User, resolve: (message) => message.author ?? message.authorId }),
    text: t.exposeString("text", { description: `1 to ${MESSAGE_MAX} characters after trimming` }),
    clientMessageId: t.exposeString("clientMessageId", { nullable: true }),
    createdAt: t.expose("createdAt", { type: "DateTime" }),
  }),
});

export const Room = builder.loadableNode("Room", {
  id: { resolve: (room: RoomRow) => room.id },
  load: (ids: string[], { services }) => services.rooms.byIds(ids),
  sort: (room) => room.id,
  fields: (t) => ({
    slug: t.exposeString("slug", { description: `Matches ${SLUG_PATTERN.source}` }),
    name: t.exposeString("name"),
    description: t.exposeString("description", { nullable: true }),
    memberCount: t.int({
      description: "Distinct users subscribed to roomEvents right now, across all instances",
      resolve: async (room, _args, context, info) => (await membersOf(room.id, context, info)).length,
    }),
    members: t.field({
      type: [User],
      description: "The users counted by memberCount",
      resolve: (room, _args, context, info) => membersOf(room.id, context, info),
    }),
    messages: t.connection(
      {
        type: Message,
        description: `History, oldest → newest in both directions. first/last: 0..${MESSAGE_PAGE.max}, default ${MESSAGE_PAGE.defaultSize}.`,
        resolve: (room, args, { services }) => services.rooms.history(room.id, args),
      },
      { name: "MessageConnection" },
      { name: "MessageEdge" },
    ),
    createdAt: t.expose("createdAt", { type: "DateTime" }),
  }),
});

// Declared here, after Room: the two types refer to each other.
builder.objectField(Message, "room", (t) => t.field({ type: Room, resolve: (message) => message.roomId }));

const MessageReceipt = builder.objectRef<Receipt>("MessageReceipt").implement({
  description: "Delivery confirmation: the server stored the message and fanned it out.",
  fields: (t) => ({
    messageId: t.id({ resolve: (receipt) => encodeGlobalId("Message", receipt.messageId) }),
    clientMessageId: t.exposeString("clientMessageId", { nullable: true }),
    timestamp: t.expose("timestamp", { type: "DateTime" }),
  }),
});

const MessagePosted = builder.objectRef<MessagePostedEvent>("MessagePosted").implement({
  fields: (t) => ({ message: t.field({ type: Message, resolve: (event) => event.message }) }),
});

const memberEvent = (name: "MemberJoined" | "MemberLeft") =>
  builder.objectRef<MemberEvent>(name).implement({
    fields: (t) => ({
      user: t.field({ type: User, resolve: (event) => event.userId }),
      memberCount: t.exposeInt("memberCount", { description: "Members of the room after this change" }),
      at: t.expose("at", { type: "DateTime" }),
    }),
  });
const MemberJoined = memberEvent("MemberJoined");
const MemberLeft = memberEvent("MemberLeft");

const RoomEvent = builder.unionType("RoomEvent", {
  types: [MessagePosted, MemberJoined, MemberLeft],
  resolveType: (event: RoomEventShape) => event.kind,
});

const RoomStat = builder.objectRef<RoomStatShape>("RoomStat").implement({
  fields: (t) => ({
    slug: t.exposeString("slug"),
    memberCount: t.exposeInt("memberCount"),
    subscriptionCount: t.exposeInt("subscriptionCount"),
  }),
});

const RoomStats = builder.objectRef<RoomStatsShape>("RoomStats").implement({
  fields: (t) => ({
    connections: t.exposeInt("connections", { description: "Open WebSocket connections (past connection_init)" }),
    subscriptions: t.exposeInt("subscriptions", { description: "Running subscriptions over WebSocket" }),
    rooms: t.field({
      type: [RoomStat],
      description: "Rooms with at least one roomEvents subscription, by slug",
      resolve: (stats) => stats.rooms,
    }),
  }),
});

const CreateRoomInput = builder.inputType("CreateRoomInput", {
  fields: (t) => ({
    slug: t.string({ required: true }),
    name: t.string({ required: true }),
    description: t.string(),
  }),
});

const SendMessageInput = builder.inputType("SendMessageInput", {
  fields: (t) => ({
    room: t.string({ required: true, description: "The room's slug" }),
    text: t.string({ required: true }),
    clientMessageId: t.string({
      description: "A retry with the same (author, clientMessageId) returns the first receipt and stores nothing new",
    }),
  }),
});

builder.queryFields((t) => ({
  rooms: t.field({
    type: [Room],
    resolve: (_root, _args, { services }) => services.rooms.list(),
  }),
  room: t.field({
    type: Room,
    nullable: true,
    args: { slug: t.arg.string({ required: true }) },
    resolve: (_root, { slug }, { services }) => services.rooms.bySlug(slug),
  }),
  roomStats: t.field({
    type: RoomStats,
    directives: { auth: { requires: "ADMIN" } },
    resolve: (_root, _args, { services }) => services.rooms.stats(),
  }),
}));

builder.mutationFields((t) => ({
  createRoom: t.field({
    type: Room,
    args: { input: t.arg({ type: CreateRoomInput, required: true }) },
    directives: { auth: { requires: "ORGANIZER" } },
    resolve: (_root, { input }, { viewer, services }) => services.rooms.create(viewer!, input),
  }),
  sendMessage: t.field({
    type: MessageReceipt,
    args: { input: t.arg({ type: SendMessageInput, required: true }) },
    directives: { auth: {}, rateLimit: { max: 20, window: "10s" } },
    resolve: (_root, { input }, { viewer, services }) => services.rooms.sendMessage(viewer!, input),
  }),
  authenticateConnection: t.field({
    type: "DateTime",
    description:
      "Only over a WebSocket: replaces the access token this connection is authenticated with, so a long-lived socket survives token expiry without reconnecting. Returns the new expiry.",
    args: { accessToken: t.arg.string({ required: true }) },
    directives: { auth: {} },
    resolve: (_root, { accessToken }, { connection, services }) =>
      services.rooms.connections.authenticateConnection(connection, accessToken),
  }),
}));

builder.subscriptionField("roomEvents", (t) =>
  t.field({
    type: RoomEvent,
    description:
      "Subscribing is joining: presence counts a user once however many sockets or tabs. With `since` (a Message id) every message posted after it is replayed first, in order, then live events follow without gap or duplicate. excludeSelf drops MessagePosted events authored by the subscriber.",
    args: {
      room: t.arg.string({ required: true }),
      since: t.arg.id(),
      excludeSelf: t.arg.boolean({ required: true, defaultValue: false }),
    },
    directives: { auth: {} },
    subscribe: (_root, { room, since, excludeSelf }, { viewer, services, connection }) =>
      services.rooms.roomEvents(viewer!, {
        room,
        since: since != null ? decodeIdOf("Message", since) : null,
        excludeSelf,
        connection,
      }),
    resolve: (event: RoomEventShape) => event,
  }),
);
