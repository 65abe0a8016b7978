// WebSocket keepalive: the server pings every socket every pingIntervalMs and terminates one that
// has sent nothing (no frame of any kind: data, ping, pong) for pongTimeoutMs. Terminating (no
// close handshake) is right for a peer that is gone: its close frame would never be answered.
// graphql-ws's own keepalive is switched off; it would drop a socket after one missed pong.
import { WebSocket, type WebSocketServer } from "ws";

export interface KeepaliveSettings {
  pingIntervalMs: number;
  pongTimeoutMs: number;
}

export function keepSocketsAlive(wss: WebSocketServer, { pingIntervalMs, pongTimeoutMs }: KeepaliveSettings) {
  wss.on("connection", (socket: WebSocket) => {
    const deadline = setTimeout(() => socket.terminate(), pongTimeoutMs);
    const heardFrom = () => void deadline.refresh();
    socket.on("message", heardFrom);
    socket.on("pong", heardFrom);
    socket.on("ping", heardFrom);
    socket.once("close", () => clearTimeout(deadline));
  });

  const pinger = setInterval(() => {
    for (const socket of wss.clients) if (socket.readyState === WebSocket.OPEN) socket.ping();
  }, pingIntervalMs);

  return { stop: () => clearInterval(pinger) };
}
