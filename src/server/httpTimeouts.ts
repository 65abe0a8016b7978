// Time limits for HTTP connections, so idle and half-sent ones (slowloris) cannot hold sockets
// forever. Node enforces the header and request deadlines (408, then close) by sweeping its
// connections every connectionsCheckingInterval, and closes idle keep-alive connections itself.
// A connection that sends nothing at all is not on Node's clock: it is closed here after the
// headers timeout of inactivity. None of these limits the time to answer, and an upgraded
// WebSocket leaves them behind (ws clears the socket's timeout; Node stops tracking it).
import type { Server, ServerOptions } from "node:http";
import type { Config } from "../config/index.js";

type HttpTimeouts = Pick<Config["http"], "headersTimeoutMs" | "requestTimeoutMs" | "keepAliveTimeoutMs">;

/** How often Node sweeps for late connections: a deadline is enforced at most this late. */
export const connectionsCheckingIntervalMs = ({ headersTimeoutMs }: HttpTimeouts) =>
  Math.max(50, Math.min(1000, Math.floor(headersTimeoutMs / 4)));

/** createServer's options for these limits. */
export function httpServerOptions(timeouts: HttpTimeouts): ServerOptions {
  return {
    headersTimeout: timeouts.headersTimeoutMs,
    requestTimeout: timeouts.requestTimeoutMs,
    keepAliveTimeout: timeouts.keepAliveTimeoutMs,
    connectionsCheckingInterval: connectionsCheckingIntervalMs(timeouts),
  };
}

/**
 * Closes connections that stay silent before their first request: after the headers timeout and
 * two sweeps, so a connection that did send part of its headers gets Node's 408 first. Node's own
 * socket timeout handler destroys the socket when it fires; the first request turns it off (from
 * then on Node's deadlines and keep-alive timeout apply).
 */
export const silentConnectionTimeoutMs = (timeouts: HttpTimeouts) =>
  timeouts.headersTimeoutMs + 2 * connectionsCheckingIntervalMs(timeouts);

export function closeSilentConnections(server: Server, timeouts: HttpTimeouts): void {
  const timeoutMs = silentConnectionTimeoutMs(timeouts);
  server.on("connection", (socket) => socket.setTimeout(timeoutMs));
  server.on("request", (req) => req.socket.setTimeout(0));
}
