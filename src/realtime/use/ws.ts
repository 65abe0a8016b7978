// graphql-ws served on a `ws` WebSocketServer: our adapter in place of graphql-ws/use/ws, on
// graphql-ws's own transport-neutral core (makeServer). graphql-ws/use/ws hands each message to
// the core from an async listener that awaits it, and the core's handler of a subscribe message
// runs as long as the subscription does, so that listener and the frame it received (a Buffer)
// stayed in memory for every running subscription. Here a message is handed over without being
// awaited. Keepalive is keepalive.ts's; errors go to our log, never to the console.
//
// Ids: the core forgets an id when the client completes it, even while that subscribe is still
// being set up or torn down, and then accepts the same id again; the two runs share one slot
// and one of them was never ended (a subscription orphaned until restart). So a subscribe for an
// id the client completed is handed to the core only once the core's previous run of that id
// ended (SubscribeIds). Sends are not awaited: the socket's buffered bytes are what bounds a slow
// reader (see ws.ts, WS_MAX_BUFFERED_BYTES), not a wait per frame.
import type { IncomingMessage } from "node:http";
import { CloseCode, handleProtocols, makeServer, MessageType, type ServerOptions, type WebSocket as ProtocolSocket } from "graphql-ws";
import type { RawData, WebSocket, WebSocketServer } from "ws";
import type { Logger } from "../../logger.js";

type ConnectionInitPayload = Record<string, unknown> | undefined;

export interface GraphqlWsOnWsOptions<P extends ConnectionInitPayload, E> {
  wss: WebSocketServer;
  options: ServerOptions<P, E>;
  /** What a socket's graphql-ws context keeps in `extra` for its lifetime (not the request itself). */
  extra(socket: WebSocket, request: IncomingMessage, ids: SubscribeIds): E;
  /** The socket closed with `code` (1006: no close frame); runs before its operations are ended. */
  closing?(extra: E, code: number): void;
  logger: Logger;
}

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
    if (!run) return this.start(frame.id, text);
    // Still running, never completed: the core refuses the reused id itself (4409).
    if (!run.ended) return void this.handOver(text);
    // A second subscribe while one already waits: the client reused an id it has not completed.
    if (run.waiting !== null) return this.refuseDuplicate(frame.id);
    run.waiting = text;
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

/** One socket as graphql-ws's core sees it; a class, so a socket costs one object, not four closures. */
class SocketForProtocol implements ProtocolSocket {
  constructor(
    private readonly socket: WebSocket,
    private readonly ids: SubscribeIds,
    private readonly logger: Logger,
  ) {}

  get protocol(): string {
    return this.socket.protocol;
  }

  send(data: string): Promise<void> {
    // A socket closing or closed drops it (ws reports nothing without a callback).
    this.socket.send(data);
    return Promise.resolve();
  }

  close(code?: number, reason?: string): void {
    this.socket.close(code, reason);
  }

  onMessage(handle: (data: string) => Promise<void>): void {
    const { socket, ids, logger } = this;
    ids.handOver = (text: string) =>
      handle(text).catch((error: unknown) => {
        logger.error({ err: error }, "internal error while handling a graphql-ws message");
        socket.close(CloseCode.InternalServerError, "Internal server error");
      });
    socket.on("message", (data: RawData) => ids.receive(String(data)));
  }
}

export function serveGraphqlWs<P extends ConnectionInitPayload, E>({ wss, options, extra, closing, logger }: GraphqlWsOnWsOptions<P, E>) {
  const server = makeServer<P, E>(options);
  wss.options.handleProtocols = handleProtocols;
  // ws emits 'error' on a socket for a client's protocol violation (e.g. a frame over maxPayload)
  // and closes the socket itself with the matching code (1009): nothing to do but note it.
  const logProtocolError = (error: Error & { code?: string }) =>
    logger.debug({ err: error.message, code: error.code }, "websocket closed after a client protocol error");
  wss.on("connection", (socket, request) => {
    socket.on("error", logProtocolError);
    const ids = new SubscribeIds((id) => socket.close(CloseCode.SubscriberAlreadyExists, `Subscriber for ${id} already exists`));
    const socketExtra = extra(socket, request, ids);
    const closed = server.opened(new SocketForProtocol(socket, ids, logger), socketExtra);
    socket.once("close", (code, reason) => {
      ids.close();
      closing?.(socketExtra, code);
      void closed(code, String(reason));
    });
  });
  return {
    /** Closes every socket with 1001 (going away) and the server; each socket's close handling follows. */
    async dispose(): Promise<void> {
      for (const socket of wss.clients) socket.close(1001, "Going away");
      wss.removeAllListeners();
      await new Promise<void>((resolve, reject) => wss.close((error) => (error ? reject(error) : resolve())));
    },
  };
}
