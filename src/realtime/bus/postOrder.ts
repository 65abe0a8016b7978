// Live MessagePosted events of one room, handed on exactly once and in post order, with the
// database as the truth. Each post takes the room's next number under the room row's lock
// (src/services/rooms/messages.ts), so numbers (and seq, within a room) follow commit order; events reach an
// instance in the order their senders publish them, or not at all (Redis down, a publish lost,
// the sender killed between storing and publishing). So:
// - an event whose predecessor has not arrived is held; if the gap is still open after
//   `gapWaitMs`, the missing posts are read from the database (catchUp) instead of skipped;
// - the owner (pubsub.ts) also calls catchUp() when the room has been quiet for a while and the
//   database has more posts, or when its Redis subscription comes back;
// - a catch-up reads the room's post count and the messages after the last seq handed on in one
//   snapshot, so everything numbered up to that count is handed on; a post that arrives later
//   with a number already covered is a duplicate and is dropped, never handed on out of order.
//
// start() reads where the room stands (post count and last seq) once this instance listens to
// it: posts up to that count came before; those already held go on first, later ones are dropped.
import type { MessagePostedEvent, PostedMessage, RoomEvent } from "./roomEvents.js";

/** Where a room stands in the database: how many posts it has had and the seq of its last message. */
export interface RoomPosition {
  postCount: bigint;
  lastSeq: bigint;
}

/** The room's post count and the messages after a seq, read in one snapshot; `more` when the batch was cut. */
export interface MissedPosts {
  postCount: bigint;
  messages: PostedMessage[];
  more: boolean;
}

export interface PostSource {
  position(): Promise<RoomPosition>;
  after(seq: bigint): Promise<MissedPosts>;
}

export interface PostOrderOptions {
  release: (event: RoomEvent) => void;
  source: PostSource;
  /** How long a gap may stay open before the missing posts are read from the database. */
  gapWaitMs: number;
  /** How long to wait before reading again after a failed read. */
  retryMs: number;
  onReadFailed: (error: unknown) => void;
}

export class PostOrder {
  /** Number of the last post handed on (or covered by the start position); null until started. */
  private last: bigint | null = null;
  private lastSeq = 0n;
  private readonly held = new Map<bigint, MessagePostedEvent>();
  private timer: NodeJS.Timeout | null = null;
  private reading = false;
  private readAgain = false;
  private closed = false;
  /** A post arrived since the last quiet() call. */
  private heard = false;

  constructor(private readonly options: PostOrderOptions) {}

  accept(event: RoomEvent): void {
    const number = event.kind === "MessagePosted" ? event.postNumber : undefined;
    if (number === undefined) {
      this.options.release(event);
      return;
    }
    if (this.closed) return;
    this.heard = true;
    if (this.last !== null && number <= this.last) return; // handed on already (caught up, or before this instance listened)
    if (this.last === null || this.reading || number !== this.last + 1n) {
      this.held.set(number, event as MessagePostedEvent);
      if (this.last !== null && !this.reading) this.timer ??= this.waitForGap();
      return;
    }
    this.hand(event as MessagePostedEvent, number);
    this.drain();
  }

  /** Reads where the room stands, then hands on what was held meanwhile. Rejects if it cannot be read. */
  async start(): Promise<void> {
    if (this.last !== null) return;
    const { postCount, lastSeq } = await this.options.source.position();
    if (this.closed || this.last !== null) return;
    for (const number of this.waiting()) {
      if (number > postCount) break;
      this.options.release(this.held.get(number)!);
      this.held.delete(number);
    }
    this.last = postCount;
    this.lastSeq = lastSeq;
    this.drain();
    if (this.held.size > 0) this.timer ??= this.waitForGap();
  }

  /** True when no post arrived since the previous call (the owner's idle check). */
  quiet(): boolean {
    const quiet = !this.heard;
    this.heard = false;
    return quiet;
  }

  /** Catches up if the database has more posts than were handed on. */
  behind(postCount: bigint): void {
    if (this.last !== null && postCount > this.last) this.catchUp();
  }

  /** Reads the posts after the last one handed on from the database and hands them on. */
  catchUp(): void {
    if (this.last === null || this.closed) return;
    if (this.reading) {
      this.readAgain = true;
      return;
    }
    this.clearTimer();
    this.reading = true;
    void this.readMissed();
  }

  /** Stops: nothing is handed on any more. */
  close(): void {
    this.closed = true;
    this.clearTimer();
    this.held.clear();
  }

  private async readMissed(): Promise<void> {
    let failed = false;
    try {
      for (;;) {
        const { postCount, messages, more } = await this.options.source.after(this.lastSeq);
        if (this.closed) return;
        for (const message of messages) {
          this.lastSeq = message.seq;
          this.options.release({ kind: "MessagePosted", roomId: message.roomId, message });
        }
        if (more) continue;
        if (postCount > this.last!) this.last = postCount;
        break;
      }
    } catch (error) {
      failed = true;
      this.options.onReadFailed(error);
    } finally {
      this.reading = false;
    }
    if (this.closed) return;
    for (const number of this.held.keys()) if (number <= this.last!) this.held.delete(number);
    this.drain();
    if (failed) this.timer = setTimeout(() => this.catchUp(), this.options.retryMs);
    else if (this.readAgain) {
      this.readAgain = false;
      this.catchUp();
    } else if (this.held.size > 0) this.timer ??= this.waitForGap();
  }

  private hand(event: MessagePostedEvent, number: bigint): void {
    this.last = number;
    this.lastSeq = event.message.seq;
    this.options.release(event);
  }

  private drain(): void {
    let moved = false;
    for (let next = this.held.get(this.last! + 1n); next; next = this.held.get(this.last! + 1n)) {
      this.held.delete(this.last! + 1n);
      this.hand(next, this.last! + 1n);
      moved = true;
    }
    if (!moved || !this.timer || this.reading) return;
    // The gap waited for is closed: a gap still open further on gets its own full wait.
    this.clearTimer();
    if (this.held.size > 0) this.timer = this.waitForGap();
  }

  /**
   * Catches up after gapWaitMs. Through setImmediate: after a stall of the event loop, timers run
   * before pending socket reads, and the post waited for may be sitting in one of them.
   */
  private waitForGap(): NodeJS.Timeout {
    // Unless a later wait replaced this one meanwhile, or everything came (or the order closed).
    const timer: NodeJS.Timeout = setTimeout(
      () => setImmediate(() => this.timer === timer && this.held.size > 0 && this.catchUp()),
      this.options.gapWaitMs,
    );
    return timer;
  }

  private clearTimer(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
  }

  private waiting(): bigint[] {
    return [...this.held.keys()].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
  }
}
