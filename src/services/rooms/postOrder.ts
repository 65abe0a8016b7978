// Live MessagePosted events of one room, handed on in post order. Each post takes the room's next
// number under the room row's lock (messages.ts), so numbers follow commit order without gaps; but
// events reach an instance in the order their senders publish them, which concurrent senders (on
// one instance or several) can swap. An event whose predecessor has not arrived yet is held until
// it does, so every subscriber gets a room's messages in history order, and the last one it got
// is a safe `since` to resume from. A number that never comes (two racing sends of one
// clientMessageId took two and stored one; a publish that failed) holds the next events at most
// HOLD_MS.
//
// The order starts from the room's post count read once this instance listens to the room
// (start()): posts up to it came before and go on as they arrive; until then posts wait.
import type { RoomEvent } from "./events.js";

export const HOLD_MS = 100;

export class PostOrder {
  private started = false;
  private last: bigint | null = null;
  private readonly held = new Map<bigint, RoomEvent>();
  private timer: NodeJS.Timeout | null = null;

  constructor(
    private readonly release: (event: RoomEvent) => void,
    private readonly holdMs = HOLD_MS,
  ) {}

  accept(event: RoomEvent): void {
    const number = event.kind === "MessagePosted" ? event.postNumber : undefined;
    // Presence events, and a post older than one already handed on (late past HOLD_MS, or from
    // before this instance listened): on at once. Late beats lost.
    if (number === undefined || (this.last !== null && number <= this.last)) return this.release(event);
    if (!this.started || (this.last !== null && number !== this.last + 1n)) {
      this.held.set(number, event);
      if (this.started) this.timer ??= this.waitForGap();
      return;
    }
    this.last = number;
    this.release(event);
    this.drain();
  }

  /** Starts after `postCount` posts (null: unknown, the first post that comes leads). */
  start(postCount: bigint | null): void {
    if (this.started) return;
    this.started = true;
    this.last = postCount;
    if (this.held.size === 0) return;
    if (this.last === null) return this.flush();
    for (const number of this.waiting()) {
      if (number > this.last) break;
      this.release(this.held.get(number)!);
      this.held.delete(number);
    }
    this.drain();
    if (this.held.size > 0) this.timer ??= this.waitForGap();
  }

  /** Stops waiting: nothing is handed on any more. */
  close(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    this.held.clear();
  }

  private drain(): void {
    let moved = false;
    for (let next = this.held.get(this.last! + 1n); next; next = this.held.get(this.last! + 1n)) {
      this.held.delete(this.last! + 1n);
      this.last! += 1n;
      this.release(next);
      moved = true;
    }
    if (!moved || !this.timer) return;
    // The gap waited for is closed: a gap still open further on gets its own full wait.
    clearTimeout(this.timer);
    this.timer = this.held.size > 0 ? this.waitForGap() : null;
  }

  /**
   * Flushes after holdMs. Through setImmediate: after a stall of the event loop, timers run before
   * pending socket reads, and the post waited for may be sitting in one of them.
   */
  private waitForGap(): NodeJS.Timeout {
    // Unless a later wait replaced this one meanwhile, or everything came (or the order closed).
    const timer: NodeJS.Timeout = setTimeout(() => setImmediate(() => this.timer === timer && this.flush()), this.holdMs);
    return timer;
  }

  /** The wait is over: what is held goes on in number order, gaps and all. */
  private flush(): void {
    this.timer = null;
    for (const number of this.waiting()) {
      const event = this.held.get(number)!;
      this.held.delete(number);
      this.last = number;
      this.release(event);
    }
  }

  private waiting(): bigint[] {
    return [...this.held.keys()].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
  }
}
