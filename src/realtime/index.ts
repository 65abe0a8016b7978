// Real-time, attached to the HTTP server: the graphql-ws server options (server.ts) served by the
// `ws` adapter (use/ws.ts) on the GraphQL path, sockets closed when their user's access is
// revoked, and an ordered shutdown. docs/realtime-walkthrough.md follows a message and a token
// through the files of this folder.
import type { Server as HttpServer } from "node:http";
import { clientIpOf } from "../clientIp.js";
import { GRAPHQL_PATH } from "../graphql/server.js";
import { createRealtimeServer, type RealtimeServerDeps } from "./server.js";
import { useServer } from "./use/ws.js";

export interface RealtimeOptions extends RealtimeServerDeps {
  httpServer: HttpServer;
}

export function attachRealtime({ httpServer, yoga, config, logger, services }: RealtimeOptions) {
  const log = logger.child({ component: "ws" });
  const realtime = createRealtimeServer({ yoga, config, logger: log, services });
  const { sessions } = realtime;
  const subscriptionFields = Object.keys(yoga.getEnveloped().schema.getSubscriptionType()?.getFields() ?? {});
  const server = useServer({
    httpServer,
    path: GRAPHQL_PATH,
    maxPayloadBytes: config.ws.maxPayloadBytes,
    keepalive: config.ws,
    options: realtime.options,
    extra: (socket, request, ids) => ({ socket, clientIp: clientIpOf(request, config.trustProxy), ids }),
    closing: realtime.closing,
    logger: log,
  });
  const stopListening = services.auth.onAccessRevoked(({ userId, sessionId }) => sessions.revoke(userId, sessionId));

  return {
    openSockets: server.openSockets,
    /** Subscriptions running on this instance's sockets, by root field (every one the schema has). */
    subscriptionsByField: () => sessions.subscriptionsByField(subscriptionFields),
    /**
     * Closes every socket with 1001 (going away) and stops accepting new ones; resolves once each
     * socket's subscriptions ended. A peer that does not answer the close within
     * SHUTDOWN_TIMEOUT_MS is cut off.
     */
    async close() {
      stopListening();
      await server.dispose(config.shutdownTimeoutMs, () => sessions.emptied());
    },
  };
}
