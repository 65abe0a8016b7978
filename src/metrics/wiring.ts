// Connects the metrics that other parts of the app own the numbers for. The operation metrics
// are fed by GraphQL plugins (graphql/server.ts) instead.
import type { Services } from "../services/index.js";
import type { Metrics } from "./registry.js";

/** What the metrics read of the real-time module (src/realtime). */
interface WebSocketTransport {
  /** Sockets open on this instance (before and after connection_init). */
  openSockets(): number;
  subscriptionsByField(): Record<string, number>;
}

export function wireMetrics({ metrics, services, ws }: { metrics: Metrics; services: Services; ws: WebSocketTransport }) {
  metrics.openSockets.setSource(() => ws.openSockets());
  // Subscriptions are served over WebSocket only, so the transport knows every running one.
  metrics.activeSubscriptions.setSource(() => ws.subscriptionsByField());
  services.rateLimit.onRejection(({ field }) => metrics.rateLimitRejections.inc({ field }));
  // Presence is cluster-wide with Redis: every instance then reports the same numbers.
  metrics.roomMembers.setSource(async () =>
    Object.fromEntries((await services.rooms.stats()).rooms.map((room) => [room.slug, room.memberCount])),
  );
}
