// A resumable roomEvents stream. It remembers the last message delivered; whenever the socket
// comes back (graphql-ws resubscribes by itself after a drop, the kit after a 1013 or a server
// error worth retrying), the subscription goes out again with `since` = that message, so the
// server replays what was missed. Messages already delivered are dropped, so the app gets each
// message once, in history order. Presence events pass through.
import { classifyFailure } from "./closeCodes.js";
import { KitError } from "./errors.js";
import {
  RoomEventsDocument,
  RoomLatestMessageDocument,
  RoomMessagesFromStartDocument,
  type RoomEventsSubscription,
  type RoomEventsSubscriptionVariables,
  type RoomMessageFragment,
  type RoomMessagesFromStartQuery,
} from "./generated/operations.js";
import type { Realtime } from "./realtime.js";

export type RoomEvent = RoomEventsSubscription["roomEvents"];
export type RoomMessage = RoomMessageFragment;

export interface RoomEventsOptions {
  /** Resume after this message (a Message id, e.g. the newest one of the history the app shows). Default: the room's newest message now. */
  since?: string | null;
  /** Leave out MessagePosted events of the viewer's own messages. */
  excludeSelf?: boolean;
}

export interface RoomEventsHandlers {
  next(event: RoomEvent): void;
  /** The stream ended for good: a fatal close (4429), signed out, the room does not exist, … */
  error?(error: KitError): void;
}

/** How long a catch-up waits for the subscription's first event (the sign it runs on the server). */
const CATCH_UP_WAIT_MS = 1_000;

/** How many delivered message ids are remembered to drop duplicates. */
const REMEMBERED_IDS = 1_000;

export class RoomStream {
  private disposed = false;
  private lastId: string | null;
  /** The room had no message when the stream began, and none was delivered since. */
  private emptyAtStart = false;
  private readonly delivered = new Set<string>();
  private readonly variables: RoomEventsSubscriptionVariables;
  private unsubscribe: (() => void) | null = null;
  /** Live events held back while the history of a room that was empty is read. */
  private held: RoomEvent[] | null = null;
  private running: (() => void) | null = null;
  private attempt = 0;
  /** Counts subscriptions let go of: a sink of an older one is stale. */
  private generation = 0;
  private readonly stopListening: () => void;

  constructor(
    private readonly realtime: Realtime,
    readonly room: string,
    private readonly handlers: RoomEventsHandlers,
    options: RoomEventsOptions,
    private readonly onDisposed: () => void = () => undefined,
  ) {
    this.lastId = options.since ?? null;
    // graphql-ws sends this same variables object again on each automatic resubscribe: `since`
    // is kept up to date in it as messages are delivered.
    this.variables = { room, since: this.lastId, excludeSelf: options.excludeSelf ?? false };
    const stopSignedOut = realtime.session.on("signedOut", () => this.fail(new KitError("SIGNED_OUT", "Signed out")));
    const stopConnected = realtime.on("connected", (wasRetry) => {
      // graphql-ws resubscribed with since = null: a room empty at the start needs its history read.
      if (wasRetry && this.emptyAtStart && this.lastId === null && this.unsubscribe) void this.restart();
    });
    this.stopListening = () => {
      stopSignedOut();
      stopConnected();
    };
    void this.start(options.since === undefined || options.since === null);
  }

  /** The id of the last message delivered (or the `since` it started from). */
  get lastMessageId(): string | null {
    return this.lastId;
  }

  /** Ends the stream: no event after this, no resubscribe. */
  dispose(): void {
    if (this.disposed) return;
    this.disposed = true;
    this.stopListening();
    this.detach();
    this.onDisposed();
  }

  private async start(anchor: boolean): Promise<void> {
    try {
      if (anchor) await this.anchor();
    } catch (error) {
      return this.onFailure(error, () => this.start(anchor));
    }
    this.subscribe();
  }

  /** Starts at the room's newest message, so a drop before the first live message loses nothing. */
  private async anchor(): Promise<void> {
    const { room } = await this.realtime.request(RoomLatestMessageDocument, { room: this.room });
    if (!room) throw new KitError("NOT_FOUND", `Room ${this.room} not found`);
    this.lastId = room.messages.edges[0]?.node.id ?? null;
    this.emptyAtStart = this.lastId === null;
    this.variables.since = this.lastId;
  }

  /** Delivers the history of a room that was empty when the stream began, oldest first. */
  private async catchUp(): Promise<void> {
    let after: string | null = null;
    for (;;) {
      const result: RoomMessagesFromStartQuery = await this.realtime.request(RoomMessagesFromStartDocument, {
        room: this.room,
        after,
      });
      const page = result.room?.messages;
      if (!page || this.disposed) return;
      for (const { node } of page.edges) this.deliver({ __typename: "MessagePosted", message: node });
      if (!page.pageInfo.hasNextPage) return;
      after = page.pageInfo.endCursor;
    }
  }

  private subscribe(): void {
    // A disposed client would open a new socket for it.
    if (this.disposed || this.realtime.isDisposed) return;
    // Nothing to resume from: read the room's history once the subscription runs (its first
    // event proves it does), holding live events back until that history is delivered.
    if (this.emptyAtStart && this.lastId === null) void this.catchUpOnceRunning((this.held = []));
    // Only the current subscription's sink acts: graphql-ws completes the sink of one the kit let
    // go, and acting on that would let go of its successor, and so on.
    const generation = this.generation;
    const current = () => generation === this.generation && !this.disposed;
    this.unsubscribe = this.realtime.client.subscribe<RoomEventsSubscription>(
      { query: RoomEventsDocument.toString(), variables: this.variables as unknown as Record<string, unknown> },
      {
        next: (result) => {
          if (!current()) return;
          if (result.errors?.length) this.onFailure(result.errors, () => this.restart());
          else if (result.data) this.receive(result.data.roomEvents);
        },
        error: (error) => {
          if (current()) this.onFailure(error, () => this.restart());
        },
        // The server ended the stream (e.g. shutting down): carry on, resuming.
        complete: () => {
          if (current()) void this.afterBackoff(() => this.restart());
        },
      },
    );
  }

  /** Lets go of the current subscription; its sink's later calls are ignored. */
  private detach(): void {
    const previous = this.unsubscribe;
    this.unsubscribe = null;
    this.generation += 1;
    previous?.();
  }

  private async restart(): Promise<void> {
    this.detach();
    this.subscribe();
  }

  private receive(event: RoomEvent): void {
    if (!this.held) {
      this.deliver(event);
      return;
    }
    this.held.push(event);
    this.running?.();
  }

  private async catchUpOnceRunning(held: RoomEvent[]): Promise<void> {
    await new Promise<void>((resolve) => {
      const timer = setTimeout(resolve, CATCH_UP_WAIT_MS);
      this.running = () => {
        clearTimeout(timer);
        resolve();
      };
    });
    this.running = null;
    if (this.held !== held || this.disposed) return;
    try {
      await this.catchUp();
    } catch (error) {
      if (this.held === held) this.held = null;
      return this.onFailure(error, () => this.restart());
    }
    if (this.held !== held) return;
    this.held = null;
    for (const event of held) this.deliver(event);
  }

  private deliver(event: RoomEvent): void {
    if (this.disposed) return;
    if (event.__typename === "MessagePosted") {
      const { id } = event.message;
      if (this.delivered.has(id)) return;
      this.delivered.add(id);
      if (this.delivered.size > REMEMBERED_IDS) this.delivered.delete(this.delivered.values().next().value!);
      this.lastId = id;
      this.variables.since = id;
    }
    this.attempt = 0;
    this.handlers.next(event);
  }

  private onFailure(error: unknown, retry: () => Promise<void>): void {
    if (this.disposed) return;
    if (!this.realtime.session.signedIn) {
      this.fail(new KitError("SIGNED_OUT", "Signed out"));
      return;
    }
    const failure = classifyFailure(error);
    if (failure.action === "fatal") {
      this.fail(failure.error);
      return;
    }
    void this.afterBackoff(retry);
  }

  private async afterBackoff(retry: () => Promise<void>): Promise<void> {
    this.detach();
    await this.realtime.waitBackoff(this.attempt++);
    if (!this.disposed) await retry();
  }

  private fail(error: KitError): void {
    if (this.disposed) return;
    this.dispose();
    this.handlers.error?.(error);
  }
}
