// Connects the metrics that other parts of the app own the numbers for. The operation metrics
// and active subscriptions are fed by GraphQL plugins (graphql/server.ts) instead.
import type { WebSocketServer } from "ws";
import type { Services } from "../services/index.js";
import type { Metrics } from "./registry.js";

export function wireMetrics({ metrics, services, wss }: { metrics: Metrics; services: Services; wss: WebSocketServer }) {
  metrics.openSockets.setSource(() => wss.clients.size);
  services.rateLimit.onRejection(({ field }) => metrics.rateLimitRejections.inc({ field }));
  // Presence is cluster-wide with Redis: every instance then reports the same numbers.
  metrics.roomMembers.setSource(async () =>
    Object.fromEntries((await services.rooms.stats()).rooms.map((room) => [room.slug, room.memberCount])),
  );
}
