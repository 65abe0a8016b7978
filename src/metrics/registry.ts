// The Prometheus metrics of one app instance, on a registry of its own: tests run several
// instances in one process, and prom-client's global default registry would mix them up.
import { collectDefaultMetrics, Counter, Histogram, Registry } from "prom-client";
import type { Logger } from "../logger.js";
import { gaugeFromSource } from "./sourcedGauge.js";

/** Seconds; spans fast cached reads to the execution timeout. */
const DURATION_BUCKETS = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2, 5, 10];

export function createMetrics({ logger }: { logger: Logger }) {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry });
  const onError = (err: unknown, metric: string) => logger.warn({ err, metric }, "could not read a gauge for /metrics");

  return {
    registry,
    operationDuration: new Histogram({
      name: "mundo_graphql_operation_duration_seconds",
      help: "Time from request (or socket message) to result for every GraphQL operation; subscriptions: setup only",
      labelNames: ["operation_name", "operation_type", "transport"] as const,
      buckets: DURATION_BUCKETS,
      registers: [registry],
    }),
    errors: new Counter({
      name: "mundo_graphql_errors_total",
      help: "GraphQL operations whose result carried an error with this extensions.code (once per operation and code)",
      labelNames: ["code", "operation_type"] as const,
      registers: [registry],
    }),
    rateLimitRejections: new Counter({
      name: "mundo_rate_limit_rejections_total",
      help: "Calls refused by @rateLimit, by schema coordinate",
      labelNames: ["field"] as const,
      registers: [registry],
    }),
    messagesSent: new Counter({
      name: "mundo_messages_sent_total",
      help: "Chat messages stored and fanned out (idempotent retries not counted)",
      registers: [registry],
    }),
    openSockets: gaugeFromSource(registry, {
      name: "mundo_websocket_open_connections",
      help: "WebSocket connections open on this instance",
      onError,
    }),
    activeSubscriptions: gaugeFromSource(registry, {
      name: "mundo_graphql_active_subscriptions",
      help: "Subscriptions running on this instance's sockets (from subscribe to complete, set-up included), by root field",
      labelName: "field",
      onError,
    }),
    roomMembers: gaugeFromSource(registry, {
      name: "mundo_room_members",
      help: "Distinct users subscribed to a room's events, by room slug",
      labelName: "room",
      onError,
    }),
  };
}

export type Metrics = ReturnType<typeof createMetrics>;
