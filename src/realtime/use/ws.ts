// The `ws` adapter: graphql-ws's transport-neutral core (makeServer, configured in
// ../server.ts) served on a `ws` WebSocketServer attached to the HTTP server, in place of
// graphql-ws/use/ws. That one hands each message to the core from an async listener that awaits
// it, and the core's handler of a subscribe message runs as long as the subscription does, so
// the listener and the frame it received (a Buffer) stayed in memory for every running
// subscription; here a message is handed over without being awaited. Subscribe ids go through
// SubscribeIds (../sessions/subscribeIds.ts); keepalive is keepalive.ts's; errors go to our log,
// never to the console. Sends are not awaited: the socket's buffered bytes bound a slow reader
// (WS_MAX_BUFFERED_BYTES, ../delivery/fellBehind.ts), not a wait per frame.
import type { IncomingMessage } from "node:http";
import { CloseCode, handleProtocols, makeServer, type ServerOptions, type WebSocket as ProtocolSocket } from "graphql-ws";
import type { Server as HttpServer } from "node:http";
import { WebSocketServer, type RawData, type WebSocket } from "ws";
import type { Logger } from "../../logger.js";
import { SubscribeIds } from "../sessions/subscribeIds.js";
import { keepSocketsAlive, type KeepaliveSettings } from "./keepalive.js";

type ConnectionInitPayload = Record<string, unknown> | undefined;

export interface UseServerOptions<P extends ConnectionInitPayload, E> {
  httpServer: HttpServer;
  /** The HTTP path sockets upgrade on. */
  path: string;
  /** A frame over this closes the socket with 1009. */
  maxPayloadBytes: number;
  keepalive: KeepaliveSettings;
  options: ServerOptions<P, E>;
  /** What a socket's graphql-ws context keeps in `extra` for its lifetime (not the request itself). */
  extra(socket: WebSocket, request: IncomingMessage, ids: SubscribeIds): E;
  /** The socket closed with `code` (1006: no close frame); runs before its operations are ended. */
  closing?(extra: E, code: number): void;
  logger: Logger;
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

/** Serves graphql-ws with `options` on `path` of the HTTP server. */
export function useServer<P extends ConnectionInitPayload, E>({
  httpServer,
  path,
  maxPayloadBytes,
  keepalive,
  options,
  extra,
  closing,
  logger,
}: UseServerOptions<P, E>) {
  const wss = new WebSocketServer({ server: httpServer, path, maxPayload: maxPayloadBytes, handleProtocols });
  const server = makeServer<P, E>(options);
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
  const alive = keepSocketsAlive(wss, keepalive);
  wss.on("error", (error) => logger.error({ err: error }, "websocket server error"));
  return {
    /** Sockets open now (before and after connection_init). */
    openSockets: () => wss.clients.size,
    /**
     * Closes every socket with 1001 (going away) and stops accepting new ones, then waits for
     * `handled` (every socket's close handling done). A peer that has not answered the close
     * after `cutOffMs` is cut off.
     */
    async dispose(cutOffMs: number, handled: () => Promise<void>): Promise<void> {
      alive.stop();
      const cutOff = setTimeout(() => {
        for (const socket of wss.clients) socket.terminate();
      }, cutOffMs);
      for (const socket of wss.clients) socket.close(1001, "Going away");
      wss.removeAllListeners();
      await new Promise<void>((resolve, reject) => wss.close((error) => (error ? reject(error) : resolve())));
      await handled();
      clearTimeout(cutOff);
    },
  };
}
