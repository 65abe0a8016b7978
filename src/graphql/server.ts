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
import { corsOptions } from "./cors.js";
import { renderOfflineGraphiQL } from "./graphiql.js";
import { pipelinePlugins } from "./pipeline.js";
import { requestIdOf } from "./requestId.js";

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
    // Over WebSocket the transport hands its own ContextInput as `ws` (see realtime/server.ts).
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
    // In the order and phases of pipeline.ts.
    plugins: pipelinePlugins({ config, logger, services, plugins }),
  });
}

export type GraphQLServer = ReturnType<typeof createGraphQLServer>;
