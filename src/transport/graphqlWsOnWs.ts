// graphql-ws served on a `ws` WebSocketServer: our adapter in place of graphql-ws/use/ws, on
// graphql-ws's own transport-neutral core (makeServer). graphql-ws/use/ws hands each message to
// the core from an async listener that awaits it, and the core's handler of a subscribe message
// runs as long as the subscription does, so that listener and the frame it received (a Buffer)
// stayed in memory for every running subscription. Here a message is handed over without being
// awaited. Keepalive is keepalive.ts's; errors go to our log, never to the console.
import type { IncomingMessage } from "node:http";
import { CloseCode, handleProtocols, makeServer, type ServerOptions, type WebSocket as ProtocolSocket } from "graphql-ws";
import type { RawData, WebSocket, WebSocketServer } from "ws";
import type { Logger } from "../logger.js";

type ConnectionInitPayload = Record<string, unknown> | undefined;

export interface GraphqlWsOnWsOptions<P extends ConnectionInitPayload, E> {
  wss: WebSocketServer;
  options: ServerOptions<P, E>;
  /** What a socket's graphql-ws context keeps in `extra` for its lifetime (not the request itself). */
  extra(socket: WebSocket, request: IncomingMessage): E;
  logger: Logger;
}

/** One socket as graphql-ws's core sees it; a class, so a socket costs one object, not four closures. */
class SocketForProtocol implements ProtocolSocket {
  constructor(
    private readonly socket: WebSocket,
    private readonly logger: Logger,
  ) {}

  get protocol(): string {
    return this.socket.protocol;
  }

  send(data: string): Promise<void> {
    return new Promise((resolve, reject) => {
      if (this.socket.readyState !== this.socket.OPEN) return resolve();
      this.socket.send(data, (error) => (error ? reject(error) : resolve()));
    });
  }

  close(code?: number, reason?: string): void {
    this.socket.close(code, reason);
  }

  onMessage(handle: (data: string) => Promise<void>): void {
    const { socket, logger } = this;
    socket.on("message", (data: RawData) => {
      handle(String(data)).catch((error: unknown) => {
        logger.error({ err: error }, "internal error while handling a graphql-ws message");
        socket.close(CloseCode.InternalServerError, "Internal server error");
      });
    });
  }
}

export function serveGraphqlWs<P extends ConnectionInitPayload, E>({ wss, options, extra, logger }: GraphqlWsOnWsOptions<P, E>) {
  const server = makeServer<P, E>(options);
  wss.options.handleProtocols = handleProtocols;
  // ws emits 'error' on a socket for a client's protocol violation (e.g. a frame over maxPayload)
  // and closes the socket itself with the matching code (1009): nothing to do but note it.
  const logProtocolError = (error: Error & { code?: string }) =>
    logger.debug({ err: error.message, code: error.code }, "websocket closed after a client protocol error");
  wss.on("connection", (socket, request) => {
    socket.on("error", logProtocolError);
    const closed = server.opened(new SocketForProtocol(socket, logger), extra(socket, request));
    socket.once("close", (code, reason) => void closed(code, String(reason)));
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
