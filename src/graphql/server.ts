// The graphql-yoga instance: schema, context and every cross-cutting plugin, configured here once.
// The HTTP and WebSocket transports both run operations through it.
import type { IncomingMessage, ServerResponse } from "node:http";
import { createYoga, type Plugin } from "graphql-yoga";
import type { Config } from "../config/index.js";
import type { Logger } from "../logger.js";
import { schema } from "../schema/index.js";
import { clientIpOf } from "../server/clientIp.js";
import type { Services } from "../services/index.js";
import type { Context } from "./context.js";
import { createContext, type ContextInput } from "./contextFactory.js";
import { useErrorFormatting } from "./plugins/useErrorFormatting.js";
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
    plugins: [useRequestId(), ...plugins, useErrorFormatting({ logger })],
  });
}

export type GraphQLServer = ReturnType<typeof createGraphQLServer>;
