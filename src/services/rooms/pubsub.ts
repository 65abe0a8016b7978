// Fan-out of room events to this instance's subscribers. Without Redis it stays in process; with
// Redis every event is ONE publish on the room's channel, and each instance that has subscribers
// in that room receives it once and hands it to all of them. The publishing instance hands it to
// its own subscribers at once and ignores its copy coming back from Redis: local delivery does
// not wait for the round trip. Either way a room's posts reach its listeners in post order
// (postOrder.ts).
//
// subscribe() resolves only once the subscription is in effect (Redis acknowledged SUBSCRIBE):
// resume relies on it, querying history only after live events can no longer be missed.
// (@graphql-yoga/redis-event-target subscribes without reporting when that is, hence this file.)
import { randomUUID } from "node:crypto";
import type { Redis } from "ioredis";
import type { Logger } from "../../logger.js";
import { decodeRoomEvent, encodedOriginPrefix, encodeRoomEvent, type RoomEvent } from "./events.js";
import { PostOrder } from "./postOrder.js";

export type RoomEventListener = (event: RoomEvent) => void;

export interface RoomEventBus {
  /** Resolves once the event is handed over (to local listeners, or to Redis). */
  publish(event: RoomEvent): Promise<void>;
  /** Resolves with an unsubscribe function once every later publish reaches `listener`. */
  subscribe(roomId: string, listener: RoomEventListener): Promise<() => void>;
  close(): Promise<void>;
}

function deliverTo(listeners: Iterable<RoomEventListener>, event: RoomEvent, log: Logger) {
  for (const listener of [...listeners]) {
    try {
      listener(event);
    } catch (error) {
      log.error({ err: error, roomId: event.roomId }, "room event listener failed");
    }
  }
}

/** How many posts a room has had (Room.postCount): where its post order starts. */
export type PostCountOf = (roomId: string) => Promise<bigint>;

/** A room's listeners on this instance, and the order its posts are handed to them in. */
interface Audience {
  listeners: Set<RoomEventListener>;
  order: PostOrder;
  /** Settles once the order has started (and, with Redis, the channel is subscribed). */
  ready: Promise<void>;
}

/**
 * The audience of `roomId`; its order starts once `listening` settles, from the post count read
 * then: every later post is published after that, so it reaches this instance.
 */
function audience(roomId: string, listening: Promise<unknown>, postCountOf: PostCountOf | undefined, logger: Logger): Audience {
  const listeners = new Set<RoomEventListener>();
  const order = new PostOrder((event) => deliverTo(listeners, event, logger));
  const ready = listening.then(async () => {
    try {
      order.start(postCountOf ? await postCountOf(roomId) : null);
    } catch (error) {
      logger.warn({ err: error, roomId }, "could not read the room's post count: its posts go on in arrival order");
      order.start(null);
    }
  });
  return { listeners, order, ready };
}

export function createMemoryRoomEventBus(logger: Logger, postCountOf?: PostCountOf): RoomEventBus {
  const rooms = new Map<string, Audience>();
  return {
    async publish(event) {
      rooms.get(event.roomId)?.order.accept(event);
    },
    async subscribe(roomId, listener) {
      let room = rooms.get(roomId);
      if (!room) rooms.set(roomId, (room = audience(roomId, Promise.resolve(), postCountOf, logger)));
      const current = room;
      current.listeners.add(listener);
      await current.ready;
      return () => {
        current.listeners.delete(listener);
        if (current.listeners.size > 0 || rooms.get(roomId) !== current) return;
        rooms.delete(roomId);
        current.order.close();
      };
    },
    async close() {
      for (const room of rooms.values()) room.order.close();
      rooms.clear();
    },
  };
}

interface Channel extends Audience {
  name: string;
}

export function createRedisRoomEventBus(redis: Redis, keyPrefix: string, logger: Logger, postCountOf?: PostCountOf): RoomEventBus {
  // A connection in subscriber mode cannot run other commands: subscribe on a duplicate.
  // ioredis re-subscribes its channels by itself after a reconnect. No ready check: its INFO
  // fails on a connection whose first command was a SUBSCRIBE.
  const subscriber = redis.duplicate({ connectionName: "mundo-tango-rooms-events", enableReadyCheck: false });
  subscriber.on("error", () => undefined); // the main connection already logs Redis outages
  const channels = new Map<string, Channel>();
  const channelOf = (roomId: string) => `${keyPrefix}events:${roomId}`;
  const origin = randomUUID();
  const ownPrefix = encodedOriginPrefix(origin);

  subscriber.on("message", (channelName: string, raw: string) => {
    const channel = channels.get(channelName);
    if (!channel || raw.startsWith(ownPrefix)) return;
    const event = decodeRoomEvent(raw);
    if (!event) return void logger.warn({ channel: channelName }, "ignored an unreadable room event");
    channel.order.accept(event);
  });

  return {
    async publish(event) {
      const name = channelOf(event.roomId);
      channels.get(name)?.order.accept(event);
      await redis.publish(name, encodeRoomEvent(event, origin));
    },
    async subscribe(roomId, listener) {
      const name = channelOf(roomId);
      let channel = channels.get(name);
      if (!channel) {
        channel = { name, ...audience(roomId, subscriber.subscribe(name), postCountOf, logger) };
        channels.set(name, channel);
      }
      const current = channel;
      current.listeners.add(listener);
      // Refers to the channel's name, not this call's copy of it: it lives as long as the subscriber.
      const unsubscribe = () => {
        current.listeners.delete(listener);
        if (current.listeners.size > 0 || channels.get(current.name) !== current) return;
        channels.delete(current.name);
        current.order.close();
        // Commands on one connection run in order: a later SUBSCRIBE of this channel wins.
        subscriber.unsubscribe(current.name).catch(() => undefined);
      };
      try {
        await current.ready;
      } catch (error) {
        unsubscribe();
        throw error;
      }
      return unsubscribe;
    },
    async close() {
      for (const channel of channels.values()) channel.order.close();
      channels.clear();
      await subscriber.quit().catch(() => subscriber.disconnect());
    },
  };
}
