// The graphql-yoga instance: schema, context and every cross-cutting plugin, configured here once.
// The HTTP and WebSocket transports both run operations through it.
import type { IncomingMessage, ServerResponse } from "node:http";
import { createYoga, type Plugin } from "graphql-yoga";
import type { Config } from "../config/index.js";
import type { Logger } from "../logger.js";
import { schema } from "../schema/index.js";
import { clientIpOf } from "../clientIp.js";
import type { Services } from "../services/index.js";
import type { Context } from "./context.js";
import { createContext, type ContextInput } from "./contextFactory.js";
import { corsOptions, useVaryOnOrigin } from "./cors.js";
import { renderOfflineGraphiQL } from "./graphiql.js";
import { useCompiledExecution } from "./plugins/useCompiledExecution.js";
import { useExecutionTimeout } from "./plugins/useExecutionTimeout.js";
import { useHideSuggestions } from "./plugins/useHideSuggestions.js";
import { useCsrfPrevention } from "./plugins/useCsrfPrevention.js";
import { useHttpRequestErrors } from "./plugins/useHttpRequestErrors.js";
import { useIntrospectionSwitch } from "./plugins/useIntrospectionSwitch.js";
import { useQueryLimits } from "./plugins/useQueryLimits.js";
import { useRequestBodyLimit } from "./plugins/useRequestBodyLimit.js";
import { useErrorFormatting } from "./plugins/useErrorFormatting.js";
import { useRateLimitStatus } from "./plugins/useRateLimitStatus.js";
import { operationLogger } from "./operationLog.js";
import { useAudit } from "./plugins/useAudit.js";
import { useSharedSubscriptionExecution } from "./plugins/useSharedSubscriptionExecution.js";
import { useWebSocketOnlySubscriptions } from "./plugins/useWebSocketOnlySubscriptions.js";
import { useSubscriptionRootRule } from "./plugins/useSubscriptionRootRule.js";
import { useWellFormedText } from "./plugins/useWellFormedText.js";
import { useOperationTiming, useResponseTime } from "./plugins/useTiming.js";
import { operationMetrics } from "../metrics/operationMetrics.js";
import { requestIdOf, useRequestId } from "./requestId.js";

export interface NodeServerContext {
  req: IncomingMessage;
  res: ServerResponse;
}

export interface GraphQLServerOptions {
  config: Config;
  logger: Logger;
  services: Services;
  plugins?: Plugin<Context>[];
}

export const GRAPHQL_PATH = "/graphql";

export function createGraphQLServer({ config, logger, services, plugins = [] }: GraphQLServerOptions) {
  return createYoga<NodeServerContext, Context>({
    schema,
    graphqlEndpoint: GRAPHQL_PATH,
    batching: false,
    landingPage: false,
    graphiql: config.isProduction ? false : { title: "Mundo Tango API", subscriptionsProtocol: "WS" },
    // GraphiQL's scripts and styles inlined in the page: no CDN, so it works offline.
    renderGraphiQL: renderOfflineGraphiQL,
    cors: corsOptions(config),
    // Enforced by useRequestBodyLimit instead (cheaper for bodies with a Content-Length).
    maxRequestBodySize: false,
    maskedErrors: false,
    logging: logger.child({ component: "yoga" }),
    // Over WebSocket the transport hands its own ContextInput as `ws` (see transport/ws.ts).
    context: (initial) =>
      createContext(
        services,
        "ws" in initial && initial.ws
          ? (initial.ws as ContextInput)
          : {
              requestId: requestIdOf(initial.request),
              clientIp: clientIpOf(initial.req, config.trustProxy),
              transport: "http",
              authorization: initial.request.headers.get("authorization"),
            },
      ),
    plugins: [
      useResponseTime(),
      useRequestId(),
      useVaryOnOrigin(),
      useCsrfPrevention({ trustedOrigins: config.http.corsOrigins }),
      useRequestBodyLimit(config.http.maxBodyBytes),
      useHttpRequestErrors({ maxBodyBytes: config.http.maxBodyBytes }),
      useIntrospectionSwitch(config.http.introspection),
      useQueryLimits(),
      useSubscriptionRootRule(),
      useWellFormedText(),
      useHideSuggestions(config.isProduction),
      // Before the timeout: the timeout wraps the compiled executor this installs.
      useCompiledExecution({ logger }),
      useExecutionTimeout(config.http.executionTimeoutMs),
      useWebSocketOnlySubscriptions(),
      // One execution per event per distinct subscription (per viewer only where a field needs it).
      useSharedSubscriptionExecution({ viewerDependentFields: ["User.email", "Event.viewerIsAttending"] }),
      ...plugins, useRateLimitStatus(), useErrorFormatting({ logger }),
      // After the error formatting: these see the error codes clients see.
      useOperationTiming({
        listeners: [operationLogger(logger.child({ component: "graphql" }), config.log), operationMetrics(services.metrics)],
      }),
      useAudit({ audit: services.audit }),
    ],
  });
}

export type GraphQLServer = ReturnType<typeof createGraphQLServer>;
