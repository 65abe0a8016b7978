// WebSocket keepalive: the server pings every socket every pingIntervalMs and terminates one that
// has sent nothing (no frame of any kind: data, ping, pong) for pongTimeoutMs. Terminating (no
// close handshake) is right for a peer that is gone: its close frame would never be answered.
// graphql-ws's own keepalive is switched off; it would drop a socket after one missed pong.
//
// One sweep per interval does both, so a socket costs a timestamp and no timer or closure of its
// own: a silent socket is cut off at the first sweep after its timeout (at most one interval late).
import { WebSocket, type WebSocketServer } from "ws";

export interface KeepaliveSettings {
  pingIntervalMs: number;
  pongTimeoutMs: number;
}

const LAST_HEARD = Symbol("lastHeardAt");
type Watched = WebSocket & { [LAST_HEARD]: number };

// Shared by every socket: `this` is the socket that sent the frame.
function heardFrom(this: WebSocket) {
  (this as Watched)[LAST_HEARD] = performance.now(); // monotonic: a clock change must not cut everyone off
}

export function keepSocketsAlive(wss: WebSocketServer, { pingIntervalMs, pongTimeoutMs }: KeepaliveSettings) {
  wss.on("connection", (socket: WebSocket) => {
    heardFrom.call(socket);
    socket.on("message", heardFrom);
    socket.on("pong", heardFrom);
    socket.on("ping", heardFrom);
  });

  const sweep = setInterval(() => {
    const silentSince = performance.now() - pongTimeoutMs;
    for (const socket of wss.clients as Set<Watched>) {
      if (socket[LAST_HEARD] <= silentSince) socket.terminate();
      else if (socket.readyState === WebSocket.OPEN) socket.ping();
    }
  }, pingIntervalMs);

  return { stop: () => clearInterval(sweep) };
}
