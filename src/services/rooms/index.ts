// Live chat rooms: rooms, messages with receipts, presence, roomEvents streams with resume, and
// the socket bookkeeping behind the limits and roomStats. In process without Redis; shared by
// every instance through Redis with it. A receipt means the message is stored: delivery to every
// live subscriber follows from the database even when its publish is lost (src/realtime/bus/pubsub.ts), so
// sendMessage never waits on a Redis outage.
import type { Redis } from "ioredis";
import type { Config } from "../../config/index.js";
import type { DirectSql } from "../../db/client.js";
import type { PrismaClient } from "../../generated/prisma/client.js";
import type { Viewer } from "../../identity/viewer.js";
import type { AuthenticatedConnection } from "../../realtime/sessions/connections.js";
import type { Logger } from "../../logger.js";
import type { Metrics } from "../../metrics/registry.js";
import { createConnectionRegistry } from "../../realtime/sessions/connections.js";
import type { RoomEvent } from "../../realtime/bus/roomEvents.js";
import { createMessageStore, receiptOf, type MessageReceipt, type NewMessage } from "./messages.js";
import { createPresence } from "../../realtime/presence/presence.js";
import { createMemoryRoomEventBus, createRedisRoomEventBus, type DeliveryOptions } from "../../realtime/bus/pubsub.js";
import { createRedisStore } from "../../realtime/presence/redisStore.js";
import { createRoomDirectory, type CreateRoomInput } from "./rooms.js";
import { collectRoomStats } from "../../realtime/presence/stats.js";
import { createMemoryStore, type Departure } from "../../realtime/presence/store.js";
import { openRoomStream, type RoomStream } from "../../realtime/streams/stream.js";

export type { AuthenticatedConnection } from "../../realtime/sessions/connections.js";
export type { RoomEvent, MemberEvent, MessagePostedEvent, PostedMessage } from "../../realtime/bus/roomEvents.js";
export type { MessageReceipt } from "./messages.js";
export type { RoomStat, RoomStats } from "../../realtime/presence/stats.js";
export { MESSAGE_MAX, MESSAGE_PAGE } from "./messages.js";
export { SLUG_PATTERN } from "./rooms.js";

export interface RoomsServiceDeps {
  config: Config;
  logger: Logger;
  prisma: PrismaClient;
  sql: DirectSql;
  redis: Redis | null;
  metrics: Metrics;
  verifyAccessToken(token: string): Promise<Viewer>;
}

export interface RoomEventsArgs {
  room: string;
  /** Raw id of the message to resume after. */
  since?: string | null;
  excludeSelf: boolean;
  /** The socket it runs on: one that vanished leaves the room only after PRESENCE_LEAVE_DELAY_MS. */
  connection?: Pick<AuthenticatedConnection, "vanished"> | null;
}

export function createRoomsService({ config, logger, prisma, sql, redis, metrics, verifyAccessToken }: RoomsServiceDeps) {
  const log = logger.child({ component: "rooms" });
  const prefix = config.rooms.redisKeyPrefix;
  const delivery: DeliveryOptions = {
    postsOf: (roomId) => ({ position: () => messages.position(roomId), after: (seq) => messages.missedAfter(roomId, seq) }),
    postCounts: (roomIds) => messages.postCounts(roomIds),
    ...config.rooms.delivery,
  };
  const bus = redis ? createRedisRoomEventBus(redis, prefix, log, delivery) : createMemoryRoomEventBus(log, delivery);
  let onPresenceChanges = (_changes: { arrivals: Departure[]; departures: Departure[] }) => {};
  const store = redis
    ? createRedisStore({
        redis,
        keyPrefix: prefix,
        ttlMs: config.presenceTtlMs,
        leaveDelayMs: config.presenceLeaveDelayMs,
        logger: log,
        onPresenceChanges: (changes) => onPresenceChanges(changes),
      })
    : createMemoryStore();
  const presence = createPresence({ store, bus, logger: log, leaveDelayMs: config.presenceLeaveDelayMs });
  onPresenceChanges = (changes) => void presence.announce(changes);
  const directory = createRoomDirectory(prisma);
  const messages = createMessageStore(prisma, sql);
  const streams = new Set<RoomStream>();
  let publishing = true;
  const streamDeps = { bus, presence, messages, store };

  return {
    create: (creator: Viewer, input: CreateRoomInput) => directory.create(creator.id, input),
    list: directory.list,
    bySlug: directory.bySlug,
    byIds: directory.byIds,
    history: messages.history,
    /** Ids of the users in the room now, on every instance. */
    members: (roomId: string) => presence.members(roomId),
    stats: () => collectRoomStats(store, directory),
    connections: createConnectionRegistry({ store, maxSocketsPerUser: config.ws.maxSocketsPerUser, verifyAccessToken }),

    /**
     * Validates, stores, then publishes; the receipt means the message is stored for good.
     * A retry (same author and clientMessageId) returns the first receipt and stores nothing.
     */
    async sendMessage(author: Viewer, input: NewMessage & { room: string }): Promise<MessageReceipt> {
      const valid = messages.validate(input);
      const room = await directory.require(input.room);
      const stored = await messages.store(room.id, author.id, valid);
      const { message } = stored;
      if (stored.created) {
        metrics.messagesSent.inc();
        // Stored already: a failed publish loses no message (other instances read it from the
        // database), and it fails fast (not connected) or within ROOMS_REDIS_TIMEOUT_MS.
        await bus.publish({ kind: "MessagePosted", roomId: room.id, message, postNumber: stored.postNumber }).then(
          () => {
            if (publishing) return;
            publishing = true;
            log.info("messages are published through Redis again");
          },
          (error: Error) => {
            // Once per outage, not once per message.
            if (publishing)
              log.warn(
                { err: error.message, roomId: room.id, messageId: message.id },
                "could not publish a message; other instances catch up from the database",
              );
            publishing = false;
          },
        );
      }
      return receiptOf(message);
    },

    /** roomEvents: NOT_FOUND for an unknown room, BAD_USER_INPUT for a since not in it. */
    async roomEvents(viewer: Viewer, args: RoomEventsArgs): Promise<AsyncIterableIterator<RoomEvent>> {
      const room = await directory.require(args.room);
      const since = args.since ? await messages.resumePoint(room.id, room.slug, args.since) : null;
      const request = { userId: viewer.id, room, since, excludeSelf: args.excludeSelf, connection: args.connection ?? null };
      return openRoomStream(streamDeps, request, streams);
    },

    /** Shutdown (after the sockets closed): ends any stream left, removes this instance's presence. */
    async close(): Promise<void> {
      await Promise.allSettled([...streams].map((stream) => stream.return()));
      presence.close();
      await presence.announce({ arrivals: [], departures: await store.close() });
      await bus.close();
    },
  };
}

export type RoomsService = ReturnType<typeof createRoomsService>;
