// One roomEvents subscription: joins the room for its lifetime and streams its events, first
// replaying the messages after `since` when given. Live events are subscribed to BEFORE history
// is read and buffered meanwhile, so a message posted during the replay is either in the history
// read or in the buffer (or both: then it is sent once). Ending the stream, however it ends
// (complete, socket closed, server shutdown), leaves the room: at once, or after
// PRESENCE_LEAVE_DELAY_MS when its socket vanished without a close frame (../presence/presence.ts).
//
// Once live, the room's event bus hands each event straight to the stream's queue (no task per
// event), or, when a listener took the stream over (pushable.ts) and its reader is idle, straight
// to that listener. A class rather than closures: a server holds one per subscription, and
// methods on the prototype cost nothing per stream. For the same reason nothing stays suspended
// while the stream is live: start() returns once it is set up, and ending it cleans up.
import { AppError } from "../../errors.js";
import type { Message, Room } from "../../generated/prisma/client.js";
import { PUSH, type PushChannel, type Pushable } from "./pushable.js";
import type { RoomEvent } from "../bus/roomEvents.js";
import type { MessageStore } from "../../services/rooms/messages.js";
import type { Presence } from "../presence/presence.js";
import type { RoomEventBus } from "../bus/pubsub.js";
import type { RealtimeStore } from "../presence/store.js";

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
  /** The socket it runs on (null: none); read when the stream ends. */
  connection?: { readonly vanished: boolean } | null;
}

export type RoomStream = AsyncIterableIterator<RoomEvent> &
  Pushable<RoomEvent> & { return(): Promise<IteratorResult<RoomEvent>> };

/** What start() has done, hence what finishing undoes (bits of Stream.setUp). */
const SUBSCRIBED = 1;
const JOINED = 2;
const COUNTED = 4;

const tooSlow = () =>
  new AppError(
    "SERVICE_UNAVAILABLE",
    `This subscription fell more than ${MAX_PENDING_EVENTS} events behind and was ended; subscribe again with since to catch up`,
  );

const DONE: IteratorResult<RoomEvent> = { value: undefined, done: true };

class Stream implements RoomStream, PushChannel<RoomEvent> {
  // What the reader gets next, in order; `head` is the index of the next one.
  private queue: RoomEvent[] = [];
  private head = 0;
  private reader: ((result: IteratorResult<RoomEvent>) => void) | null = null;
  private failReader: ((error: unknown) => void) | null = null;
  private failure: unknown = null;
  private stopped = false;
  // Live events that arrived before the replay ended, and the replayed ids they may repeat.
  private buffered: RoomEvent[] | null = [];
  private replayed: Set<string> | null = null;
  private onDrained: (() => void) | null = null;
  // Pushing starts once the replay is over (it keeps the reader's pace, see REPLAY_AHEAD).
  private live = false;
  private push: ((event: RoomEvent) => void) | null = null;
  private unsubscribe: (() => void) | null = null;
  private setUp = 0;
  private starting = true;
  private readonly started: Promise<void>;
  private finished: Promise<void> | null = null;

  constructor(
    private readonly deps: StreamDeps,
    private readonly request: StreamRequest,
    private readonly running: Set<RoomStream>,
  ) {
    running.add(this);
    this.started = this.start();
  }

  /** The bus's listener: one bound function per stream. */
  private readonly onLive = (event: RoomEvent) => {
    if (this.buffered) {
      if (this.buffered.length >= MAX_PENDING_EVENTS) this.fail(tooSlow());
      else this.buffered.push(event);
      return;
    }
    if (event.kind === "MessagePosted" && this.replayed?.delete(event.message.id)) return;
    this.deliver(event);
  };

  private waiting(): number {
    return this.queue.length - this.head;
  }

  private hidden(event: RoomEvent): boolean {
    const { excludeSelf, userId } = this.request;
    return excludeSelf && event.kind === "MessagePosted" && event.message.authorId === userId;
  }

  private deliver(event: RoomEvent): void {
    if (this.stopped || this.hidden(event)) return;
    if (this.push && this.live && this.reader && this.waiting() === 0) this.push(event);
    else this.enqueue(event);
  }

  private enqueue(event: RoomEvent): void {
    if (this.stopped) return;
    if (this.waiting() >= MAX_PENDING_EVENTS) {
      this.fail(tooSlow());
      return;
    }
    if (this.reader) {
      const resolve = this.reader;
      this.reader = this.failReader = null;
      resolve({ value: event, done: false });
    } else this.queue.push(event);
  }

  /** Ends the stream; the reader sees the error after the events already queued. */
  private fail(error: unknown): void {
    if (this.stopped) return;
    this.failure = error;
    this.stop();
    if (this.failReader && this.waiting() === 0) {
      const reject = this.failReader;
      this.reader = this.failReader = null;
      reject(error);
    }
  }

  private stop(): void {
    if (this.stopped) return;
    this.stopped = true;
    this.push = null;
    this.onDrained?.();
    // Set up already: undo it now. Still starting: start() does when it sees `stopped`.
    if (!this.starting) void this.finish();
    if (this.reader && this.failure === null) {
      const resolve = this.reader;
      this.reader = this.failReader = null;
      resolve(DONE);
    }
  }

  next(): Promise<IteratorResult<RoomEvent>> {
    if (this.waiting() > 0) {
      const value = this.queue[this.head++]!;
      if (this.head === this.queue.length) {
        this.queue = [];
        this.head = 0;
        this.onDrained?.();
        this.onDrained = null;
      }
      return Promise.resolve({ value, done: false });
    }
    if (this.failure !== null) {
      const error = this.failure;
      this.failure = null;
      return Promise.reject(error);
    }
    if (this.stopped) return Promise.resolve(DONE);
    return new Promise((resolve, reject) => {
      this.reader = resolve;
      this.failReader = reject;
    });
  }

  async return(): Promise<IteratorResult<RoomEvent>> {
    this.stop();
    await this.started;
    await this.finish();
    return DONE;
  }

  async throw(error: unknown): Promise<IteratorResult<RoomEvent>> {
    await this.return();
    throw error;
  }

  [Symbol.asyncIterator](): this {
    return this;
  }

  [PUSH](listener: (event: RoomEvent) => void): PushChannel<RoomEvent> {
    if (!this.stopped) this.push = listener;
    return this;
  }

  toReader(event: RoomEvent): void {
    this.push = null;
    this.enqueue(event);
  }

  private async start(): Promise<void> {
    const { bus, presence, messages, store } = this.deps;
    const { userId, room, since } = this.request;
    try {
      this.unsubscribe = await bus.subscribe(room.id, this.onLive);
      this.setUp |= SUBSCRIBED;
      if (this.stopped) return;

      await presence.join(room.id, userId);
      this.setUp |= JOINED;
      void store.countSubscription(room.id, 1);
      this.setUp |= COUNTED;

      if (since) {
        const recent = Date.now() - DUPLICATE_WINDOW_MS;
        for await (const batch of messages.after(room.id, since.seq)) {
          for (const message of batch) {
            if (this.stopped) return;
            if (message.createdAt.getTime() >= recent) (this.replayed ??= new Set()).add(message.id);
            this.deliver({ kind: "MessagePosted", roomId: room.id, message });
          }
          // Reads on only as fast as the subscriber takes: a long history is not held in memory.
          while (!this.stopped && this.waiting() >= REPLAY_AHEAD)
            await new Promise<void>((resolve) => (this.onDrained = resolve));
        }
      }

      const early = this.buffered ?? [];
      this.buffered = null;
      for (const event of early) this.onLive(event);
      this.live = true;
    } catch (error) {
      this.fail(error);
    } finally {
      this.starting = false;
      if (this.stopped) await this.finish();
    }
  }

  /** Undoes what start() did, last first, once; each step logs its own failures and never skips the next. */
  private finish(): Promise<void> {
    return (this.finished ??= this.cleanUp().finally(() => this.running.delete(this)));
  }

  private async cleanUp(): Promise<void> {
    const { presence, store } = this.deps;
    const roomId = this.request.room.id;
    if (this.setUp & COUNTED) await store.countSubscription(roomId, -1).catch(() => undefined);
    const vanished = this.request.connection?.vanished ?? false;
    if (this.setUp & JOINED) await presence.leave(roomId, this.request.userId, { vanished }).catch(() => undefined);
    if (this.setUp & SUBSCRIBED) this.unsubscribe?.();
  }
}

/** `running` holds the stream from its start to its end, so shutdown can end it. */
export function openRoomStream(deps: StreamDeps, request: StreamRequest, running: Set<RoomStream>): RoomStream {
  return new Stream(deps, request, running);
}
