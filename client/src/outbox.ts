// Sending messages so that each reaches the server once: every message gets a clientMessageId
// (crypto.randomUUID) that it keeps until its receipt arrives, and waits in a queue kept in the
// session's storage (so a reload or crash resends it with the same id). The queue is sent in
// order, one at a time: over the socket when it is connected, else over HTTP; a failure worth
// retrying (offline, socket dropped, rate limited) waits for the next connection or a backoff.
import { KitError, isTransient } from "./errors.js";
import { SendMessageDocument, type SendMessageMutation } from "./generated/operations.js";
import type { Realtime } from "./realtime.js";
import { readJson, writeJson } from "./storage.js";

export interface QueuedMessage {
  clientMessageId: string;
  room: string;
  text: string;
  /** When sendMessage was called (ISO-8601). */
  queuedAt: string;
}

export type MessageReceipt = SendMessageMutation["sendMessage"];

export interface SentMessage extends QueuedMessage {
  receipt: MessageReceipt;
}

interface Waiter {
  resolve(sent: SentMessage): void;
  reject(error: KitError): void;
}

export class Outbox {
  private queue: QueuedMessage[] = [];
  private readonly waiters = new Map<string, Waiter>();
  /** The user whose queue is loaded (queues are stored per user). */
  private userId: string | null = null;
  private flushing = false;
  private disposed = false;
  private readonly stopListening: () => void;

  constructor(private readonly realtime: Realtime) {
    const { session } = realtime;
    const stopTokens = session.on("tokens", () => void this.restore());
    const stopSignedOut = session.on("signedOut", ({ reason }) => void this.onSignedOut(reason === "logout"));
    this.stopListening = () => {
      stopTokens();
      stopSignedOut();
    };
    void session.ready.then(() => this.restore());
  }

  pending(): readonly QueuedMessage[] {
    return [...this.queue];
  }

  async send(room: string, text: string): Promise<SentMessage> {
    await this.restore();
    if (!this.userId) throw new KitError("SIGNED_OUT", "Sign in to send messages");
    const message: QueuedMessage = { clientMessageId: crypto.randomUUID(), room, text, queuedAt: new Date().toISOString() };
    const sent = new Promise<SentMessage>((resolve, reject) => this.waiters.set(message.clientMessageId, { resolve, reject }));
    this.queue.push(message);
    await this.persist();
    void this.flush();
    return sent;
  }

  dispose(): void {
    this.disposed = true;
    this.stopListening();
    for (const waiter of this.waiters.values())
      waiter.reject(new KitError("DISPOSED", "The realtime client was disposed; the message stays queued"));
    this.waiters.clear();
  }

  /** Loads the signed-in user's stored queue (after a reload) and sends what is in it. */
  private async restore(): Promise<void> {
    const userId = this.realtime.session.user?.id ?? null;
    if (userId === this.userId) return;
    this.userId = userId;
    this.queue = userId ? ((await readJson<QueuedMessage[]>(this.realtime.session.storage, this.key(userId))) ?? []) : [];
    void this.flush();
  }

  private async flush(): Promise<void> {
    if (this.flushing) return;
    this.flushing = true;
    let attempt = 0;
    try {
      while (!this.disposed && this.queue.length > 0 && this.realtime.session.signedIn) {
        const message = this.queue[0]!;
        try {
          const receipt = await this.deliver(message);
          this.settle(message, { ...message, receipt });
          attempt = 0;
        } catch (error) {
          const kitError = error instanceof KitError ? error : new KitError("NETWORK_ERROR", String(error));
          if (kitError.code === "SIGNED_OUT") return;
          if (!isTransient(kitError)) {
            this.settle(message, kitError);
            continue;
          }
          await this.realtime.waitBackoff(attempt++);
        }
      }
    } finally {
      this.flushing = false;
    }
  }

  private async deliver(message: QueuedMessage): Promise<MessageReceipt> {
    const input = { room: message.room, text: message.text, clientMessageId: message.clientMessageId };
    const data =
      this.realtime.status === "connected"
        ? await this.realtime.request(SendMessageDocument, { input })
        : await this.realtime.session.request(SendMessageDocument, { input });
    return data.sendMessage;
  }

  private settle(message: QueuedMessage, outcome: SentMessage | KitError): void {
    if (this.queue[0] === message) this.queue.shift();
    void this.persist();
    const waiter = this.waiters.get(message.clientMessageId);
    this.waiters.delete(message.clientMessageId);
    if (outcome instanceof KitError) {
      waiter?.reject(outcome);
      this.realtime.emitSendFailed(message, outcome);
    } else {
      waiter?.resolve(outcome);
      this.realtime.emitReceipt(outcome);
    }
  }

  private async onSignedOut(discard: boolean): Promise<void> {
    for (const waiter of this.waiters.values())
      waiter.reject(new KitError("SIGNED_OUT", "Signed out; the message stays queued for this user"));
    this.waiters.clear();
    // After a logout the queue is the user's choice to drop; after a refused refresh it waits for the next sign-in.
    if (discard && this.userId) await writeJson(this.realtime.session.storage, this.key(this.userId), null);
    this.userId = null;
    this.queue = [];
  }

  private persist(): Promise<void> {
    if (!this.userId) return Promise.resolve();
    return writeJson(this.realtime.session.storage, this.key(this.userId), this.queue.length ? this.queue : null);
  }

  private key(userId: string): string {
    return `${this.realtime.session.storageKey}:outbox:${userId}`;
  }
}
