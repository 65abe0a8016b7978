// graphql-ws adapter: the WebSocket transport on the HTTP server's port and path. Every
// operation goes through yoga's envelop pipeline (getEnveloped), so plugins run as on HTTP.
import type { Server as HttpServer } from "node:http";
import { randomUUID } from "node:crypto";
import type { ExecutionArgs } from "graphql";
import { useServer } from "graphql-ws/use/ws";
import { WebSocketServer } from "ws";
import type { Config } from "../config/index.js";
import type { ContextInput } from "../graphql/contextFactory.js";
import { GRAPHQL_PATH, type GraphQLServer } from "../graphql/server.js";
import type { Logger } from "../logger.js";
import { clientIpOf } from "../server/clientIp.js";

type Enveloped = ReturnType<GraphQLServer["getEnveloped"]>;

export interface WebSocketTransportOptions {
  httpServer: HttpServer;
  yoga: GraphQLServer;
  config: Config;
  logger: Logger;
}

function authorizationFrom(params: Record<string, unknown> | undefined): string | null {
  const value = params?.authorization ?? params?.Authorization;
  return typeof value === "string" ? value : null;
}

export function attachWebSocketTransport({ httpServer, yoga, config, logger }: WebSocketTransportOptions) {
  const wss = new WebSocketServer({ server: httpServer, path: GRAPHQL_PATH, maxPayload: config.ws.maxPayloadBytes });

  const server = useServer<Record<string, unknown> | undefined>(
    {
      connectionInitWaitTimeout: config.ws.connectionInitTimeoutMs,
      execute: (args) => (args.rootValue as Enveloped).execute(args as ExecutionArgs),
      subscribe: (args) => (args.rootValue as Enveloped).subscribe(args as ExecutionArgs),
      onSubscribe: async (ctx, _id, params) => {
        const ws: ContextInput = {
          requestId: randomUUID(),
          clientIp: clientIpOf(ctx.extra.request, config.trustProxy),
          transport: "ws",
          authorization: authorizationFrom(ctx.connectionParams),
        };
        const enveloped = yoga.getEnveloped({ ws, req: ctx.extra.request, socket: ctx.extra.socket, params });
        const document = enveloped.parse(params.query);
        const errors = enveloped.validate(enveloped.schema, document);
        if (errors.length > 0) return errors;
        return {
          schema: enveloped.schema,
          operationName: params.operationName,
          document,
          variableValues: params.variables,
          contextValue: await enveloped.contextFactory(),
          rootValue: enveloped,
        };
      },
    },
    wss,
  );

  wss.on("error", (error) => logger.error({ err: error }, "websocket server error"));

  return {
    wss,
    /** Closes every socket with 1001 (going away) and stops accepting new ones. */
    async close() {
      await server.dispose();
      await new Promise<void>((resolve) => wss.close(() => resolve()));
    },
  };
}
