// One roomEvents subscription: joins the room for its lifetime and streams its events, first
// replaying the messages after `since` when given. Live events are subscribed to BEFORE history
// is read and buffered meanwhile, so a message posted during the replay is either in the history
// read or in the buffer (or both: then it is sent once). Ending the stream, however it ends
// (complete, socket closed, server shutdown), leaves the room.
//
// Once live, the room's event bus hands each event straight to the stream's queue (no task per
// event), or, when a listener took the stream over (pushable.ts) and its reader is idle, straight
// to that listener.
import { AppError } from "../../errors.js";
import type { Message, Room } from "../../generated/prisma/client.js";
import { PUSH, type Pushable } from "../../pushable.js";
import type { RoomEvent } from "./events.js";
import type { MessageStore } from "./messages.js";
import type { Presence } from "./presence.js";
import type { RoomEventBus } from "./pubsub.js";
import type { RealtimeStore } from "./store.js";

/** Events waiting for a subscriber that does not read them; beyond this it is cut off. */
export const MAX_PENDING_EVENTS = 10_000;
/**
 * A replayed message can also arrive live only if it was published after the live subscription
 * started, i.e. it was posted moments before. Remembering the ids of replayed messages younger
 * than this (not all of them) is enough to drop those duplicates.
 */
const DUPLICATE_WINDOW_MS = 60_000;
/** Replayed events queued ahead of the reader before the replay waits for it. */
const REPLAY_AHEAD = 100;

export interface StreamDeps {
  bus: RoomEventBus;
  presence: Presence;
  messages: MessageStore;
  store: RealtimeStore;
}

export interface StreamRequest {
  userId: string;
  room: Room;
  /** Replay the messages posted after this one first. */
  since: Message | null;
  excludeSelf: boolean;
}

export type RoomStream = AsyncIterableIterator<RoomEvent> &
  Pushable<RoomEvent> & { return(): Promise<IteratorResult<RoomEvent>> };

const tooSlow = () =>
  new AppError(
    "SERVICE_UNAVAILABLE",
    `This subscription fell more than ${MAX_PENDING_EVENTS} events behind and was ended; subscribe again with since to catch up`,
  );

const DONE: IteratorResult<RoomEvent> = { value: undefined, done: true };

/** `running` holds the stream from its start to its end, so shutdown can end it. */
export function openRoomStream(
  { bus, presence, messages, store }: StreamDeps,
  request: StreamRequest,
  running: Set<RoomStream>,
): RoomStream {
  const { userId, room, since, excludeSelf } = request;
  const hidden = (event: RoomEvent) => excludeSelf && event.kind === "MessagePosted" && event.message.authorId === userId;

  // What the reader gets next, in order; `head` is the index of the next one.
  let queue: RoomEvent[] = [];
  let head = 0;
  let reader: ((result: IteratorResult<RoomEvent>) => void) | null = null;
  let failReader: ((error: unknown) => void) | null = null;
  let failure: unknown = null;
  let stopped = false;
  let onStop: () => void = () => undefined;
  const stoppedSignal = new Promise<void>((resolve) => (onStop = resolve));
  // Live events that arrived before the replay ended, and the replayed ids they may repeat.
  let buffered: RoomEvent[] | null = [];
  const replayed = new Set<string>();
  let onDrained: (() => void) | null = null;
  // Pushing starts once the replay is over (it keeps the reader's pace, see REPLAY_AHEAD).
  let live = false;
  let push: ((event: RoomEvent) => void) | null = null;

  const waiting = () => queue.length - head;

  function deliver(event: RoomEvent) {
    if (stopped || hidden(event)) return;
    if (push && live && reader && waiting() === 0) return push(event);
    toReader(event);
  }

  function toReader(event: RoomEvent) {
    if (stopped) return;
    if (waiting() >= MAX_PENDING_EVENTS) return fail(tooSlow());
    if (reader) {
      const resolve = reader;
      reader = failReader = null;
      resolve({ value: event, done: false });
    } else queue.push(event);
  }

  function onLive(event: RoomEvent) {
    if (buffered) {
      if (buffered.length >= MAX_PENDING_EVENTS) fail(tooSlow());
      else buffered.push(event);
      return;
    }
    if (event.kind === "MessagePosted" && replayed.delete(event.message.id)) return;
    deliver(event);
  }

  /** Ends the stream; the reader sees the error after the events already queued. */
  function fail(error: unknown) {
    if (stopped) return;
    failure = error;
    stop();
    if (failReader && waiting() === 0) {
      const reject = failReader;
      reader = failReader = null;
      reject(error);
    }
  }

  function stop() {
    if (stopped) return;
    stopped = true;
    push = null;
    onStop();
    onDrained?.();
    if (reader && failure === null) {
      const resolve = reader;
      reader = failReader = null;
      resolve(DONE);
    }
  }

  const cleanups: (() => Promise<void>)[] = [];
  let execution: Promise<void> = Promise.resolve();
  const stream: RoomStream = {
    next() {
      if (waiting() > 0) {
        const value = queue[head++]!;
        if (head === queue.length) {
          queue = [];
          head = 0;
          onDrained?.();
          onDrained = null;
        }
        return Promise.resolve({ value, done: false });
      }
      if (failure !== null) {
        const error = failure;
        failure = null;
        return Promise.reject(error);
      }
      if (stopped) return Promise.resolve(DONE);
      return new Promise((resolve, reject) => {
        reader = resolve;
        failReader = reject;
      });
    },
    async return() {
      stop();
      await execution;
      return DONE;
    },
    async throw(error: unknown) {
      await stream.return();
      throw error;
    },
    [Symbol.asyncIterator]() {
      return stream;
    },
    [PUSH](listener) {
      if (!stopped) push = listener;
      return {
        toReader(event) {
          push = null;
          toReader(event);
        },
      };
    },
  };
  running.add(stream);

  execution = (async () => {
    try {
      const unsubscribe = await bus.subscribe(room.id, onLive);
      cleanups.push(async () => unsubscribe());
      if (stopped) return;

      await presence.join(room.id, userId);
      cleanups.push(() => presence.leave(room.id, userId));
      void store.countSubscription(room.id, 1);
      cleanups.push(() => store.countSubscription(room.id, -1));

      if (since) {
        const recent = Date.now() - DUPLICATE_WINDOW_MS;
        for await (const batch of messages.after(room.id, since.seq)) {
          for (const message of batch) {
            if (stopped) return;
            if (message.createdAt.getTime() >= recent) replayed.add(message.id);
            deliver({ kind: "MessagePosted", roomId: room.id, message });
          }
          // Reads on only as fast as the subscriber takes: a long history is not held in memory.
          while (!stopped && waiting() >= REPLAY_AHEAD) await new Promise<void>((resolve) => (onDrained = resolve));
        }
      }

      const early = buffered;
      buffered = null;
      for (const event of early) onLive(event);
      live = true;
      await stoppedSignal;
    } catch (error) {
      fail(error);
    } finally {
      // Each cleanup logs its own failures; one failing must not skip the others.
      for (const cleanup of cleanups.reverse()) await cleanup().catch(() => undefined);
      running.delete(stream);
    }
  })();

  return stream;
}
