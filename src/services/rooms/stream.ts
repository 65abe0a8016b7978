// One roomEvents subscription: joins the room for its lifetime and streams its events, first
// replaying the messages after `since` when given. Live events are subscribed to BEFORE history
// is read and buffered meanwhile, so a message posted during the replay is either in the history
// read or in the buffer (or both: then it is sent once). Ending the stream, however it ends
// (complete, socket closed, server shutdown), leaves the room.
import { Repeater } from "@repeaterjs/repeater";
import { AppError } from "../../errors.js";
import type { Message, Room } from "../../generated/prisma/client.js";
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

const tooSlow = () =>
  new AppError(
    "SERVICE_UNAVAILABLE",
    `This subscription fell more than ${MAX_PENDING_EVENTS} events behind and was ended; subscribe again with since to catch up`,
  );

/** `running` holds the stream from its start to its end, so shutdown can end it. */
export function openRoomStream(
  { bus, presence, messages, store }: StreamDeps,
  request: StreamRequest,
  running: Set<Repeater<RoomEvent>>,
): Repeater<RoomEvent> {
  const { userId, room, since, excludeSelf } = request;
  const hidden = (event: RoomEvent) => excludeSelf && event.kind === "MessagePosted" && event.message.authorId === userId;

  const stream: Repeater<RoomEvent> = new Repeater<RoomEvent>((push, stop) => {
    const pending: RoomEvent[] = [];
    let stopped = false;
    let overflowed = false;
    let wake: (() => void) | null = null;
    const signal = () => {
      wake?.();
      wake = null;
    };
    void stop.then(() => {
      stopped = true;
      signal();
    });
    const cleanups: (() => Promise<void>)[] = [];
    running.add(stream);

    const execution = (async () => {
      try {
        const unsubscribe = await bus.subscribe(room.id, (event) => {
          if (overflowed) return;
          if (pending.length >= MAX_PENDING_EVENTS) overflowed = true;
          else pending.push(event);
          signal();
        });
        cleanups.push(async () => unsubscribe());
        if (stopped) return;

        await presence.join(room.id, userId);
        cleanups.push(() => presence.leave(room.id, userId));
        void store.countSubscription(room.id, 1);
        cleanups.push(() => store.countSubscription(room.id, -1));

        const replayed = new Set<string>();
        if (since) {
          const recent = Date.now() - DUPLICATE_WINDOW_MS;
          for await (const batch of messages.after(room.id, since.seq)) {
            for (const message of batch) {
              if (stopped) return;
              if (message.createdAt.getTime() >= recent) replayed.add(message.id);
              const event: RoomEvent = { kind: "MessagePosted", roomId: room.id, message };
              if (!hidden(event)) await push(event);
            }
          }
        }

        while (!stopped) {
          if (overflowed) throw tooSlow();
          const event = pending.shift();
          if (!event) {
            await new Promise<void>((resolve) => (wake = resolve));
            continue;
          }
          if (event.kind === "MessagePosted" && replayed.delete(event.message.id)) continue;
          if (!hidden(event)) await push(event);
        }
      } finally {
        // Each cleanup logs its own failures; one failing must not skip the others.
        for (const cleanup of cleanups.reverse()) await cleanup().catch(() => undefined);
      }
    })();
    void execution.then(
      () => running.delete(stream),
      () => running.delete(stream),
    );
    return execution;
  });
  return stream;
}
