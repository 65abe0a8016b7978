// Fan-out of room events to this instance's subscribers. Without Redis it stays in process; with
// Redis every event is ONE publish on the room's channel, and each instance that has subscribers
// in that room receives it once and hands it to all of them. The publishing instance hands it to
// its own subscribers at once and ignores its copy coming back from Redis: local delivery does
// not wait for the round trip. Either way a room's posts reach its listeners once and in post
// order (postOrder.ts).
//
// The database is the truth, Redis only the fast path: a publish can be lost (Redis down or
// restarted, the sender killed after storing), so each room's order reads what it missed from the
// database when it sees a gap, when the room has been quiet for `idleCheckMs` and its post count
// moved on (one statement per check for all quiet rooms), and when the Redis subscription comes
// back. A publish never waits in ioredis's offline queue: not connected, it is skipped; connected,
// it is bounded by `redisTimeoutMs`. A new subscription while Redis is away is SERVICE_UNAVAILABLE.
//
// subscribe() resolves only once the subscription is in effect (Redis acknowledged SUBSCRIBE and
// the room's position was read): resume relies on it, querying history only after live events
// can no longer be missed. (@graphql-yoga/redis-event-target does not report when that is.)
import { randomUUID } from "node:crypto";
import type { Redis } from "ioredis";
import { AppError } from "../../errors.js";
import type { Logger } from "../../logger.js";
import { decodeRoomEvent, encodedOriginPrefix, encodeRoomEvent, type RoomEvent } from "./roomEvents.js";
import { PostOrder, type PostSource } from "./postOrder.js";

export type RoomEventListener = (event: RoomEvent) => void;

export interface RoomEventBus {
  /**
   * Hands the event to local listeners at once, then to Redis (bounded; skipped while Redis is
   * away). Rejects when the publish failed: other instances then catch up from the database.
   */
  publish(event: RoomEvent): Promise<void>;
  /** Resolves with an unsubscribe function once every later post reaches `listener`. */
  subscribe(roomId: string, listener: RoomEventListener): Promise<() => void>;
  close(): Promise<void>;
}

/** Where live delivery reads what it missed, and how long it waits before it does. */
export interface DeliveryOptions {
  /** The room's posts in the database. */
  postsOf(roomId: string): PostSource;
  /** Post counts of several rooms in one statement (the idle check). */
  postCounts(roomIds: string[]): Promise<Map<string, bigint>>;
  /** A gap in a room's post numbers open this long is filled from the database. */
  gapWaitMs: number;
  /** Rooms that heard no post for this long are checked against the database (Redis only). */
  idleCheckMs: number;
  /** Longest wait for a Redis PUBLISH or SUBSCRIBE. */
  redisTimeoutMs: number;
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

/** A room's listeners on this instance, and the order its posts are handed to them in. */
interface Audience {
  listeners: Set<RoomEventListener>;
  order: PostOrder;
  /** Settles once the order has started (and, with Redis, the channel is subscribed). */
  ready: Promise<void>;
}

/**
 * The audience of `roomId`; its order starts once `listening` settles, from the room's position
 * read then: every later post is published after that, or found by a catch-up.
 */
function audience(roomId: string, listening: Promise<unknown>, options: DeliveryOptions, logger: Logger): Audience {
  const listeners = new Set<RoomEventListener>();
  const order = new PostOrder({
    release: (event) => deliverTo(listeners, event, logger),
    source: options.postsOf(roomId),
    gapWaitMs: options.gapWaitMs,
    retryMs: Math.max(options.gapWaitMs, options.idleCheckMs),
    onReadFailed: (error) => logger.warn({ err: error, roomId }, "could not read a room's missed posts; trying again"),
  });
  return { listeners, order, ready: listening.then(() => order.start()) };
}

/**
 * Adds `listener` to the audience and resolves, once the audience is ready, with the function that
 * removes it; the last listener out closes the audience and `forget` drops it.
 */
async function listen(
  current: Audience,
  listener: RoomEventListener,
  isCurrent: () => boolean,
  forget: () => void,
): Promise<() => void> {
  current.listeners.add(listener);
  const unsubscribe = () => {
    current.listeners.delete(listener);
    if (current.listeners.size > 0 || !isCurrent()) return;
    forget();
    current.order.close();
  };
  try {
    await current.ready;
  } catch (error) {
    unsubscribe();
    throw error;
  }
  return unsubscribe;
}

export function createMemoryRoomEventBus(logger: Logger, options: DeliveryOptions): RoomEventBus {
  const rooms = new Map<string, Audience>();
  return {
    async publish(event) {
      rooms.get(event.roomId)?.order.accept(event);
    },
    async subscribe(roomId, listener) {
      let room = rooms.get(roomId);
      if (!room) rooms.set(roomId, (room = audience(roomId, Promise.resolve(), options, logger)));
      const current = room;
      return listen(
        current,
        listener,
        () => rooms.get(roomId) === current,
        () => rooms.delete(roomId),
      );
    },
    async close() {
      for (const room of rooms.values()) room.order.close();
      rooms.clear();
    },
  };
}

interface Channel extends Audience {
  name: string;
  roomId: string;
}

const unavailable = () => new AppError("SERVICE_UNAVAILABLE", "Live rooms are unavailable right now; try again shortly");

/** Rejects after `ms` unless `promise` settled first. */
function within<T>(promise: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${what} took longer than ${ms} ms`)), ms);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}

export function createRedisRoomEventBus(redis: Redis, keyPrefix: string, logger: Logger, options: DeliveryOptions): RoomEventBus {
  // A connection in subscriber mode cannot run other commands: subscribe on a duplicate.
  // ioredis re-subscribes its channels by itself after a reconnect. No ready check: its INFO
  // fails on a connection whose first command was a SUBSCRIBE.
  const subscriber = redis.duplicate({ connectionName: "mundo-tango-rooms-events", enableReadyCheck: false });
  subscriber.on("error", () => undefined); // the main connection already logs Redis outages
  const channels = new Map<string, Channel>();
  const channelOf = (roomId: string) => `${keyPrefix}events:${roomId}`;
  const origin = randomUUID();
  const ownPrefix = encodedOriginPrefix(origin);
  const { redisTimeoutMs } = options;

  subscriber.on("message", (channelName: string, raw: string) => {
    const channel = channels.get(channelName);
    if (!channel || raw.startsWith(ownPrefix)) return;
    const event = decodeRoomEvent(raw);
    if (!event) return void logger.warn({ channel: channelName }, "ignored an unreadable room event");
    channel.order.accept(event);
  });

  // Back after an outage: what was published meanwhile never came. ioredis re-subscribes right
  // after "ready"; our own SUBSCRIBE of every channel is answered after its, so once it is, any
  // later publish arrives, and a catch-up from the database fills the hole before it.
  let lost = false;
  subscriber.on("close", () => (lost = true));
  subscriber.on("ready", () => {
    if (!lost) return;
    lost = false;
    setImmediate(() => {
      const names = [...channels.keys()];
      const resubscribed =
        names.length > 0 ? within(subscriber.subscribe(...names), redisTimeoutMs, "SUBSCRIBE") : Promise.resolve();
      void resubscribed
        .catch(() => undefined)
        .then(() => {
          for (const channel of channels.values()) channel.order.catchUp();
        });
    });
  });

  // Quiet rooms: a post whose publish was lost, with no later post to reveal the gap, is found
  // by comparing post counts. While Redis is away every room is quiet: this is how posts from
  // other instances arrive then.
  let checking = false;
  const idleCheck = setInterval(() => {
    if (checking) return;
    const quiet = [...channels.values()].filter((channel) => channel.order.quiet());
    if (quiet.length === 0) return;
    checking = true;
    options
      .postCounts(quiet.map((channel) => channel.roomId))
      .then((counts) => {
        for (const channel of quiet) {
          const count = counts.get(channel.roomId);
          if (count !== undefined && channels.get(channel.name) === channel) channel.order.behind(count);
        }
      })
      .catch((error: unknown) => logger.warn({ err: error }, "could not check quiet rooms for missed posts"))
      .finally(() => (checking = false));
  }, options.idleCheckMs);
  idleCheck.unref();

  return {
    async publish(event) {
      const name = channelOf(event.roomId);
      channels.get(name)?.order.accept(event);
      // Queued in ioredis's offline queue it would go out late (or not at all): skipped, other
      // instances find it in the database.
      if (redis.status !== "ready") throw new Error(`redis is ${redis.status}`);
      await within(redis.publish(name, encodeRoomEvent(event, origin)), redisTimeoutMs, "PUBLISH");
    },
    async subscribe(roomId, listener) {
      // Not connected (reconnecting, or given up): a SUBSCRIBE would wait in the offline queue,
      // and presence cannot be shared. Refused even where the room is listened to already.
      if (subscriber.status === "reconnecting" || subscriber.status === "end" || subscriber.status === "close")
        throw unavailable();
      const name = channelOf(roomId);
      let channel = channels.get(name);
      if (!channel) {
        const listening = within(subscriber.subscribe(name), redisTimeoutMs, "SUBSCRIBE").catch((error: Error) => {
          logger.warn({ err: error.message, roomId }, "could not subscribe to a room's events");
          throw unavailable();
        });
        channel = { name, roomId, ...audience(roomId, listening, options, logger) };
        channels.set(name, channel);
      }
      const current = channel;
      // Refers to the channel's name, not this call's copy of it: it lives as long as the subscriber.
      return listen(
        current,
        listener,
        () => channels.get(current.name) === current,
        () => {
          channels.delete(current.name);
          // Commands on one connection run in order: a later SUBSCRIBE of this channel wins.
          subscriber.unsubscribe(current.name).catch(() => undefined);
        },
      );
    },
    async close() {
      clearInterval(idleCheck);
      for (const channel of channels.values()) channel.order.close();
      channels.clear();
      await subscriber.quit().catch(() => subscriber.disconnect());
    },
  };
}
