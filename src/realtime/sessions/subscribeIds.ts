// The subscribe ids of one socket, kept so an id is never run twice at once. graphql-ws's core
// forgets an id when the client completes it, even while that subscribe is still being set up or
// torn down, and then accepts the same id again; the two runs would share one slot and one of
// them would never end (a subscription orphaned until restart). So a subscribe for an id the
// client completed is handed to the core only once the core's previous run of that id ended.
import { MessageType } from "graphql-ws";

interface Run {
  /** The client completed it (or the server ended it): the id is the client's to reuse. */
  ended: boolean;
  /** A subscribe for the same id, waiting for this run to end. */
  waiting: string | null;
}

/** The id and type of a subscribe or complete frame; null for anything else (the core judges it). */
function subscribeOrComplete(text: string): { id: string; type: MessageType.Subscribe | MessageType.Complete } | null {
  if (!text.includes(MessageType.Subscribe) && !text.includes(MessageType.Complete)) return null;
  let frame: unknown;
  try {
    frame = JSON.parse(text);
  } catch {
    return null;
  }
  const { id, type } = (frame ?? {}) as { id?: unknown; type?: unknown };
  if (typeof id !== "string" || (type !== MessageType.Subscribe && type !== MessageType.Complete)) return null;
  return { id, type };
}

/**
 * The subscribe ids of one socket that the core still runs. A subscribe for an id whose previous
 * run the client completed waits until that run ended; a complete for a waiting subscribe drops
 * both (the core never sees either).
 */
export class SubscribeIds {
  private readonly runs = new Map<string, Run>();
  private closed = false;

  /** Hands a frame to the core (set once the core listens). */
  handOver: (text: string) => Promise<void> = async () => undefined;

  constructor(private readonly refuseDuplicate: (id: string) => void) {}

  receive(text: string): void {
    const frame = subscribeOrComplete(text);
    if (!frame) return void this.handOver(text);
    const run = this.runs.get(frame.id);
    if (frame.type === MessageType.Complete) {
      if (run?.waiting != null) {
        run.waiting = null;
        return;
      }
      if (run) run.ended = true;
      return void this.handOver(text);
    }
    if (!run) {
      this.start(frame.id, text);
      return;
    }
    // Still running, never completed: the core refuses the reused id itself (4409).
    if (!run.ended) return void this.handOver(text);
    // A second subscribe while one already waits: the client reused an id it has not completed.
    if (run.waiting !== null) this.refuseDuplicate(frame.id);
    else run.waiting = text;
  }

  /** The server ended the subscription `id` itself: the client may reuse the id. */
  ended(id: string): void {
    const run = this.runs.get(id);
    if (run) run.ended = true;
  }

  /** The socket closed: nothing waiting is handed over any more. */
  close(): void {
    this.closed = true;
    this.runs.clear();
  }

  private start(id: string, text: string): void {
    const run: Run = { ended: false, waiting: null };
    this.runs.set(id, run);
    void this.handOver(text).finally(() => {
      if (this.runs.get(id) !== run) return;
      this.runs.delete(id);
      if (run.waiting !== null && !this.closed) this.start(id, run.waiting);
    });
  }
}
