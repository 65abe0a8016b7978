// The yoga/envelop plugin pipeline, in order, as named phases: the one place that says which
// plugin runs before which and why. Envelop calls each hook in this order (onRequest,
// onRequestParse, onParse, onValidate, onContextBuilding, onExecute/onSubscribe and their
// results, onResultProcess, onResponse); plugins run on HTTP requests and, through
// yoga.getEnveloped in realtime/server.ts, on every graphql-ws operation. No plugin imports another;
// what they share lives in modules that are not plugins.
import type { Plugin } from "graphql-yoga";
import type { Config } from "../config/index.js";
import type { Logger } from "../logger.js";
import { operationMetrics } from "../metrics/operationMetrics.js";
import type { Services } from "../services/index.js";
import type { Context } from "./context.js";
import { useVaryOnOrigin } from "./cors.js";
import { operationLogger } from "./operationLog.js";
import { useAudit } from "./plugins/useAudit.js";
import { useCompiledExecution } from "./plugins/useCompiledExecution.js";
import { useCsrfPrevention } from "./plugins/useCsrfPrevention.js";
import { useErrorFormatting } from "./plugins/useErrorFormatting.js";
import { useExecutionTimeout } from "./plugins/useExecutionTimeout.js";
import { useHideSuggestions } from "./plugins/useHideSuggestions.js";
import { useHttpRequestErrors } from "./plugins/useHttpRequestErrors.js";
import { useIntrospectionSwitch } from "./plugins/useIntrospectionSwitch.js";
import { useQueryLimits } from "./plugins/useQueryLimits.js";
import { useRateLimitStatus } from "./plugins/useRateLimitStatus.js";
import { useRequestBodyLimit } from "./plugins/useRequestBodyLimit.js";
import { useSharedSubscriptionExecution } from "../realtime/delivery/useSharedSubscriptionExecution.js";
import { useSubscriptionRootRule } from "./plugins/useSubscriptionRootRule.js";
import { useOperationTiming, useResponseTime } from "./plugins/useTiming.js";
import { useWebSocketOnlySubscriptions } from "./plugins/useWebSocketOnlySubscriptions.js";
import { useWellFormedText } from "./plugins/useWellFormedText.js";
import { useRequestId } from "./requestId.js";

/** A plugin of the pipeline: some read our Context, some work on the HTTP request alone. */
export type PipelinePlugin = Plugin<Context> | Plugin;

export interface PipelinePhase {
  name: string;
  /** Why this phase sits where it does. */
  because: string;
  plugins: PipelinePlugin[];
}

export interface PipelineOptions {
  config: Config;
  logger: Logger;
  services: Services;
  /** Plugins a caller adds: they run after execution is set up and before results are shaped. */
  plugins?: Plugin<Context>[];
}

export function pipelinePhases({ config, logger, services, plugins = [] }: PipelineOptions): PipelinePhase[] {
  return [
    {
      name: "response",
      because:
        "First: the response clock starts as the request arrives, and every response (refusals included) gets its X-Request-Id and Vary: Origin.",
      plugins: [useResponseTime(), useRequestId(), useVaryOnOrigin()],
    },
    {
      name: "http-request",
      because: "Before any GraphQL work: a forged, oversized or malformed HTTP request is refused with our code for its status.",
      plugins: [
        useCsrfPrevention({ trustedOrigins: config.http.corsOrigins }),
        useRequestBodyLimit(config.http.maxBodyBytes),
        useHttpRequestErrors({ maxBodyBytes: config.http.maxBodyBytes }),
      ],
    },
    {
      name: "document",
      because:
        "At parse and validation, on both transports: a document over the limits or with ill-formed text never reaches a resolver.",
      plugins: [
        useIntrospectionSwitch(config.http.introspection),
        useQueryLimits(),
        useSubscriptionRootRule(),
        useWellFormedText(),
        useHideSuggestions(config.isProduction),
      ],
    },
    {
      name: "execution",
      because:
        "How an operation runs. The compiled executor comes before the timeout, which wraps the executor installed before it; subscriptions are refused over HTTP before one shared execution per distinct operation is set up.",
      plugins: [
        useCompiledExecution({ logger }),
        useExecutionTimeout(config.http.executionTimeoutMs),
        useWebSocketOnlySubscriptions(),
        useSharedSubscriptionExecution(),
      ],
    },
    { name: "added", because: "Plugins the caller passes, after execution is set up.", plugins },
    {
      name: "result",
      because:
        "Results take their final shape: the 429 of an operation refused by @rateLimit, then the error mask, which gives every error the code, status and request id clients see.",
      plugins: [useRateLimitStatus(), useErrorFormatting({ logger })],
    },
    {
      name: "reporting",
      because: "After the error mask, so the operation log, the metrics and the audit trail record the codes clients saw.",
      plugins: [
        useOperationTiming({
          listeners: [operationLogger(logger.child({ component: "graphql" }), config.log), operationMetrics(services.metrics)],
        }),
        useAudit({ audit: services.audit }),
      ],
    },
  ];
}

/** The plugins of every phase, in pipeline order, as yoga takes them. */
export const pipelinePlugins = (options: PipelineOptions): PipelinePlugin[] =>
  pipelinePhases(options).flatMap((phase) => phase.plugins);
