// Fan-out of room events to this instance's subscribers. Without Redis it stays in process; with
// Redis every event is ONE publish on the room's channel, and each instance that has subscribers
// in that room receives it once and hands it to all of them. The publishing instance hands it to
// its own subscribers at once and ignores its copy coming back from Redis: local delivery does
// not wait for the round trip.
//
// subscribe() resolves only once the subscription is in effect (Redis acknowledged SUBSCRIBE):
// resume relies on it, querying history only after live events can no longer be missed.
// (@graphql-yoga/redis-event-target subscribes without reporting when that is, hence this file.)
import { randomUUID } from "node:crypto";
import type { Redis } from "ioredis";
import type { Logger } from "../../logger.js";
import { decodeRoomEvent, encodedOriginPrefix, encodeRoomEvent, type RoomEvent } from "./events.js";

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

export function createMemoryRoomEventBus(logger: Logger): RoomEventBus {
  const rooms = new Map<string, Set<RoomEventListener>>();
  return {
    async publish(event) {
      const listeners = rooms.get(event.roomId);
      if (listeners) deliverTo(listeners, event, logger);
    },
    async subscribe(roomId, listener) {
      let listeners = rooms.get(roomId);
      if (!listeners) rooms.set(roomId, (listeners = new Set()));
      listeners.add(listener);
      return () => {
        listeners.delete(listener);
        if (listeners.size === 0 && rooms.get(roomId) === listeners) rooms.delete(roomId);
      };
    },
    async close() {
      rooms.clear();
    },
  };
}

interface Channel {
  name: string;
  listeners: Set<RoomEventListener>;
  /** Settles when Redis has answered this channel's SUBSCRIBE. */
  subscribed: Promise<unknown>;
}

export function createRedisRoomEventBus(redis: Redis, keyPrefix: string, logger: Logger): RoomEventBus {
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
    deliverTo(channel.listeners, event, logger);
  });

  return {
    async publish(event) {
      const name = channelOf(event.roomId);
      const local = channels.get(name);
      if (local) deliverTo(local.listeners, event, logger);
      await redis.publish(name, encodeRoomEvent(event, origin));
    },
    async subscribe(roomId, listener) {
      const name = channelOf(roomId);
      let channel = channels.get(name);
      if (!channel) {
        channel = { name, listeners: new Set(), subscribed: subscriber.subscribe(name) };
        channels.set(name, channel);
      }
      const current = channel;
      current.listeners.add(listener);
      // Refers to the channel's name, not this call's copy of it: it lives as long as the subscriber.
      const unsubscribe = () => {
        current.listeners.delete(listener);
        if (current.listeners.size > 0 || channels.get(current.name) !== current) return;
        channels.delete(current.name);
        // Commands on one connection run in order: a later SUBSCRIBE of this channel wins.
        subscriber.unsubscribe(current.name).catch(() => undefined);
      };
      try {
        await current.subscribed;
      } catch (error) {
        unsubscribe();
        throw error;
      }
      return unsubscribe;
    },
    async close() {
      channels.clear();
      await subscriber.quit().catch(() => subscriber.disconnect());
    },
  };
}
