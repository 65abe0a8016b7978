// The realtime socket: one graphql-ws client per signed-in app, in Node (pass `ws`) and browsers.
// It authenticates with the session's access token, renews that token on the live socket with
// authenticateConnection before it expires (so the server never closes a healthy socket with
// 4403), refreshes and reconnects after a 4403, reconnects with backoff and jitter after network
// loss, 1001, 1011 or 1013 (to the next URL of a failover list), and reports close codes that retrying
// cannot fix (closeCodes.ts). Room streams and sends are built on it (roomEvents.ts, outbox.ts).
import { createClient, type Client } from "graphql-ws";
import { waitBackoff, type BackoffOptions } from "./backoff.js";
import { classifyFailure, closeRule, isCloseLike, TRY_AGAIN_LATER, type CloseAction } from "./closeCodes.js";
import { Emitter } from "./emitter.js";
import { KitError } from "./errors.js";
import { AuthenticateConnectionDocument, type TypedDocumentString } from "./generated/operations.js";
import { tokenTimes } from "./jwt.js";
import { Outbox, type QueuedMessage, type SentMessage } from "./outbox.js";
import { RoomStream, type RoomEventsHandlers, type RoomEventsOptions } from "./roomEvents.js";
import type { Session } from "./session.js";

export type ConnectionStatus =
  /** No socket, none needed (lazy: nothing subscribed). */
  | "idle"
  | "connecting"
  | "connected"
  /** The socket dropped; the kit is reconnecting. */
  | "reconnecting"
  /** The server refused the socket in a way retrying cannot fix (see `problem`). */
  | "failed"
  /** dispose() was called. */
  | "closed";

export interface SocketProblem {
  closeCode: number;
  reason: string;
  action: CloseAction;
  error: KitError;
}

export interface RealtimeEvents {
  [event: string]: unknown;
  status: ConnectionStatus;
  /**
   * A close the kit will not retry (action "fatal"), an access token the server keeps refusing, or
   * the server asking to try again later (1013: the user's socket cap is full, or the server cannot
   * admit sockets right now; action "retry": the kit retries with backoff meanwhile).
   */
  problem: SocketProblem;
  /** A socket (re)connected; true when it replaced a dropped one. */
  connected: boolean;
  /** A queued message was stored by the server. */
  receipt: SentMessage;
  /** A queued message was refused for good (e.g. BAD_USER_INPUT, CONFLICT); it is dropped. */
  sendFailed: { message: QueuedMessage; error: KitError };
}

export interface RealtimeOptions {
  session: Session;
  /** WebSocket URL(s); a list is tried in turn after each drop (failover). Default: the session's URL with ws(s):. */
  url?: string | readonly string[];
  /** The WebSocket class: in Node before 22, `WebSocket` from the `ws` package. Default: the global one. */
  webSocketImpl?: unknown;
  /** Connect only while something is subscribed (graphql-ws `lazy`). Default true. */
  lazy?: boolean;
  /** Lazy: keep an idle socket open this long before closing it (graphql-ws `lazyCloseTimeout`). Default 5 000. */
  lazyCloseTimeoutMs?: number;
  /** Reconnect backoff (full jitter). Default 500 ms doubling up to 15 s. */
  backoff?: BackoffOptions;
  /** Give up after this many reconnects in a row. Default: never. */
  retryAttempts?: number;
  /** Ping the server this often to notice a dead connection. Default 10 000; 0 disables. */
  keepAliveMs?: number;
  /** Drop and reconnect when a ping gets no pong within this. Default 5 000. */
  pongTimeoutMs?: number;
}

export class Realtime {
  readonly session: Session;
  /** The graphql-ws client: for the urql and Apollo adapters, or the app's own operations. */
  readonly client: Client;
  private readonly events = new Emitter<RealtimeEvents>();
  private readonly urls: readonly string[];
  private readonly backoff: BackoffOptions;
  private readonly outbox: Outbox;
  private urlIndex = 0;
  private currentStatus: ConnectionStatus = "idle";
  private disposed = false;
  /** Open room streams: dispose() ends them before the socket closes, so none resubscribes. */
  private readonly streams = new Set<RoomStream>();
  /** The access token the current socket is authenticated with. */
  private socketToken: string | null = null;
  /** A token the server refused (4403): the next connection must not send it again. */
  private refusedToken: string | null = null;
  /** connection_init refusals in a row with a token fresh from a refresh. */
  private initRefusals = 0;
  /** The last connection_init carried a token known to be refused (its refresh failed: offline). */
  private sentStaleToken = false;
  private acknowledged = false;
  private renewTimer: ReturnType<typeof setTimeout> | undefined;
  private renewing: Promise<void> | null = null;
  private readonly stopListening: () => void;

  constructor(options: RealtimeOptions) {
    this.session = options.session;
    this.urls =
      typeof options.url === "string"
        ? [options.url]
        : options.url?.length
          ? options.url
          : [options.session.url.replace(/^http/, "ws")];
    this.backoff = options.backoff ?? {};
    const keepAlive = options.keepAliveMs ?? 10_000;
    const pongTimeoutMs = options.pongTimeoutMs ?? 5_000;
    let pongTimer: ReturnType<typeof setTimeout> | undefined;

    this.client = createClient({
      url: () => this.urls[this.urlIndex]!,
      webSocketImpl: options.webSocketImpl,
      lazy: options.lazy ?? true,
      lazyCloseTimeout: options.lazyCloseTimeoutMs ?? 5_000,
      keepAlive,
      retryAttempts: options.retryAttempts ?? Number.POSITIVE_INFINITY,
      retryWait: (retries) => waitBackoff(retries, this.backoff),
      shouldRetry: (event) => this.shouldRetry(event),
      connectionParams: () => this.connectionParams(),
      onNonLazyError: () => undefined,
      on: {
        connecting: (isRetry) => this.setStatus(isRetry ? "reconnecting" : "connecting"),
        connected: (_socket, _payload, wasRetry) => {
          this.acknowledged = true;
          this.initRefusals = 0;
          this.setStatus("connected");
          this.scheduleRenewal();
          this.events.emit("connected", wasRetry);
        },
        ping: (received) => {
          if (received || pongTimeoutMs <= 0) return;
          clearTimeout(pongTimer);
          pongTimer = setTimeout(() => this.client.terminate(), pongTimeoutMs);
        },
        pong: (received) => {
          if (received) clearTimeout(pongTimer);
        },
        closed: (event) => {
          clearTimeout(pongTimer);
          this.onClosed(event);
        },
      },
    });
    this.outbox = new Outbox(this);
    const stopTokens = this.session.on("tokens", () => {
      if (this.currentStatus === "connected" && this.session.currentAccessToken() !== this.socketToken)
        void this.renewSocketToken();
    });
    const stopSignedOut = this.session.on("signedOut", () => {
      clearTimeout(this.renewTimer);
      // The server closes a revoked session's sockets; a logout does not: drop the socket.
      if (this.currentStatus === "connected") this.client.terminate();
    });
    this.stopListening = () => {
      stopTokens();
      stopSignedOut();
    };
  }

  get status(): ConnectionStatus {
    return this.currentStatus;
  }

  on<K extends keyof RealtimeEvents & string>(event: K, listener: (value: RealtimeEvents[K]) => void): () => void {
    return this.events.on(event, listener);
  }

  /**
   * A room's events as one continuous stream: every message exactly once, in history order,
   * across reconnects, server restarts and moves to another instance; presence events as they
   * come. Without `since`, the stream starts at the room's newest message.
   */
  roomEvents(room: string, handlers: RoomEventsHandlers, options: RoomEventsOptions = {}): RoomStream {
    if (this.disposed) throw new KitError("DISPOSED", "This realtime client was disposed");
    const stream = new RoomStream(this, room, handlers, options, () => this.streams.delete(stream));
    this.streams.add(stream);
    return stream;
  }

  /**
   * Posts a message with a clientMessageId kept until the receipt arrives: queued (and stored)
   * while offline, over the socket when it is up, else HTTP; retried with the same id, so the
   * server stores it once.
   */
  sendMessage(room: string, text: string): Promise<SentMessage> {
    if (this.disposed) return Promise.reject(new KitError("DISPOSED", "This realtime client was disposed"));
    return this.outbox.send(room, text);
  }

  /** Messages sent but not yet receipted, oldest first (also those restored from storage). */
  pendingMessages(): readonly QueuedMessage[] {
    return this.outbox.pending();
  }

  /** One operation over the socket; resolves with its data. */
  request<TResult, TVariables>(document: TypedDocumentString<TResult, TVariables>, variables: TVariables): Promise<TResult> {
    return new Promise((resolve, reject) => {
      let data: TResult | undefined;
      this.client.subscribe<TResult>(
        { query: document.toString(), variables: variables as Record<string, unknown> },
        {
          next: (result) => {
            if (result.errors?.length) reject(classifyFailure(result.errors).error);
            else data = result.data ?? undefined;
          },
          error: (error) => reject(classifyFailure(error).error),
          complete: () =>
            data !== undefined ? resolve(data) : reject(new KitError("DISPOSED", "The operation ended without a result")),
        },
      );
    });
  }

  /** Waits for a reconnect backoff (shared by streams and the outbox); a new connection ends it early. */
  waitBackoff(attempt: number): Promise<void> {
    let stop = () => {};
    const connected = new Promise((resolve) => (stop = this.on("connected", resolve)));
    return waitBackoff(attempt, this.backoff, connected).finally(stop);
  }

  /** For the outbox. */
  emitReceipt(sent: SentMessage): void {
    this.events.emit("receipt", sent);
  }

  /** For the outbox. */
  emitSendFailed(message: QueuedMessage, error: KitError): void {
    this.events.emit("sendFailed", { message, error });
  }

  async dispose(): Promise<void> {
    if (this.disposed) return;
    this.disposed = true;
    clearTimeout(this.renewTimer);
    this.stopListening();
    this.outbox.dispose();
    for (const stream of [...this.streams]) stream.dispose();
    this.setStatus("closed");
    await this.client.dispose();
    this.events.clear();
  }

  get isDisposed(): boolean {
    return this.disposed;
  }

  private async connectionParams(): Promise<Record<string, unknown>> {
    this.acknowledged = false;
    // Offline for HTTP (the refresh failed, not refused): send what there is; the server's 4403
    // brings the next attempt back here, after a backoff, to try the refresh again.
    let stale = false;
    const orCurrent = (error: unknown) => {
      if (error instanceof KitError && error.code === "SIGNED_OUT") throw error; // graphql-ws closes 4004: fatal
      stale = true;
      return this.session.currentAccessToken();
    };
    let token = await this.session.accessToken().catch(orCurrent);
    if (token && token === this.refusedToken) token = await this.session.refresh().catch(orCurrent);
    if (!stale) this.refusedToken = null;
    this.sentStaleToken = stale;
    this.socketToken = token;
    return token ? { authorization: `Bearer ${token}` } : {};
  }

  private shouldRetry(event: unknown): boolean {
    if (!isCloseLike(event)) return true;
    return closeRule(event.code).action !== "fatal" && this.initRefusals < 2;
  }

  private onClosed(event: unknown): void {
    clearTimeout(this.renewTimer);
    const wasAcknowledged = this.acknowledged;
    this.acknowledged = false;
    if (this.disposed) {
      this.setStatus("closed");
      return;
    }
    if (!isCloseLike(event)) {
      this.setStatus("reconnecting");
      return;
    }
    const rule = closeRule(event.code);
    if (rule.action === "refresh") {
      this.refusedToken = this.socketToken;
      // Refused at connection_init with the token a refresh just gave: twice means no refresh helps.
      if (!wasAcknowledged && !this.sentStaleToken) this.initRefusals += 1;
      if (this.initRefusals >= 2) {
        this.fail(event.code, event.reason, rule.action);
        return;
      }
      this.setStatus("reconnecting");
      return;
    }
    if (rule.action === "fatal") {
      this.fail(event.code, event.reason, rule.action);
      return;
    }
    // The server's own "try again later": retried with backoff, and told to the app, which may show it.
    if (event.code === TRY_AGAIN_LATER) this.report(event.code, event.reason, rule.action);
    // graphql-ws closes a lazy socket with 1000 once nothing is subscribed.
    if (event.code === 1000) {
      this.setStatus("idle");
      return;
    }
    // Network loss, restart, overload: the next attempt goes to the next URL of the list.
    this.urlIndex = (this.urlIndex + 1) % this.urls.length;
    this.setStatus("reconnecting");
  }

  private fail(closeCode: number, reason: string, action: CloseAction): void {
    this.setStatus("failed");
    this.report(closeCode, reason, action);
  }

  private report(closeCode: number, reason: string, action: CloseAction): void {
    const { error } = classifyFailure({ code: closeCode, reason });
    this.events.emit("problem", { closeCode, reason, action, error });
  }

  private setStatus(status: ConnectionStatus): void {
    if (this.currentStatus === status) return;
    this.currentStatus = status;
    this.events.emit("status", status);
  }

  /** Renews the socket's token when the session refreshes it, or ahead of its expiry at the latest. */
  private scheduleRenewal(delayMs?: number): void {
    clearTimeout(this.renewTimer);
    if (!this.socketToken || this.disposed) return;
    const due = delayMs ?? this.renewalDueIn(this.socketToken);
    this.renewTimer = setTimeout(() => void this.renewSocketToken(), Math.max(0, due));
  }

  private renewalDueIn(token: string): number {
    if (token !== this.session.currentAccessToken()) return 0;
    const dueAt = this.session.refreshDueAt();
    const times = tokenTimes(token);
    return (dueAt ?? times?.expiresAt ?? Date.now()) - Date.now();
  }

  private renewSocketToken(): Promise<void> {
    this.renewing ??= (async () => {
      try {
        const token = await this.session.accessToken();
        if (!token || this.currentStatus !== "connected") return;
        if (token !== this.socketToken) {
          await this.request(AuthenticateConnectionDocument, { accessToken: token });
          this.socketToken = token;
        }
        this.scheduleRenewal();
      } catch (error) {
        // Signed out: the session said so. Offline or refused: try again shortly; if the token
        // runs out first, the server closes with 4403 and the reconnect refreshes.
        if (!(error instanceof KitError && error.code === "SIGNED_OUT")) this.scheduleRenewal(1_000);
      } finally {
        this.renewing = null;
      }
    })();
    return this.renewing;
  }
}

export const createRealtime = (options: RealtimeOptions) => new Realtime(options);
