// The WebSocket transport: graphql-ws (on `ws`, see graphqlWsOnWs.ts) on the HTTP server's port
// and path. Every operation goes through yoga's envelop pipeline (getEnveloped), so plugins run as
// on HTTP.
// What a socket may do is decided elsewhere (auth service, rooms service, @auth); this file maps
// it onto the protocol: connection_init auth, close codes, caps, keepalive, shutdown.
// A socket holds at most WS_MAX_BUFFERED_BYTES of unsent frames: a subscription that would add to
// a fuller buffer is ended with the documented "fell behind, subscribe again with since" error
// (fellBehind), so a reader that stalls costs a bounded amount and nobody else waits for it.
import type { Server as HttpServer } from "node:http";
import { getOperationAST, GraphQLError, Kind, type DocumentNode, type ExecutionArgs } from "graphql";
import type { SubscribePayload } from "graphql-ws";
import { WebSocketServer, type WebSocket } from "ws";
import type { Config } from "../config/index.js";
import { AppError } from "../errors.js";
import { ApiError } from "../graphql/apiError.js";
import type { ContextInput } from "../graphql/contextFactory.js";
import type { Context } from "../graphql/context.js";
import { formatError, formatResult, isFormatted } from "../graphql/plugins/errorFormat.js";
import { newRequestId } from "../graphql/requestId.js";
import { GRAPHQL_PATH, type GraphQLServer } from "../graphql/server.js";
import type { Logger } from "../logger.js";
import { clientIpOf } from "../clientIp.js";
import type { Services } from "../services/index.js";
import { directDelivery, isOverBudget } from "./delivery/directDelivery.js";
import { serveGraphqlWs, type SubscribeIds } from "./use/ws.js";
import { keepSocketsAlive } from "./sessions/keepalive.js";
import { CLOSE_AUTH, CLOSE_TOO_MANY_SOCKETS, CLOSE_TRY_AGAIN, SocketSession, SocketSessions, TOKEN_EXPIRED_REASON } from "./sessions/socketSession.js";

type Enveloped = ReturnType<GraphQLServer["getEnveloped"]>;

export interface WebSocketTransportOptions {
  httpServer: HttpServer;
  yoga: GraphQLServer;
  config: Config;
  logger: Logger;
  services: Services;
}

interface SocketExtra {
  socket: WebSocket;
  clientIp: string;
  ids: SubscribeIds;
  /** Set once connection_init was accepted. */
  session?: SocketSession;
}

/** The 4403 close reason for a refused connection_init: what HTTP would say, in a few words. */
function closeReasonFor(error: AppError): string {
  if (error.code === "TOKEN_EXPIRED") return TOKEN_EXPIRED_REASON;
  if (error.code === "INVALID_TOKEN") return "Invalid access token";
  return error.message.slice(0, 100); // e.g. FORBIDDEN for a disabled account
}

/**
 * onSubscribe hands the operation's enveloped functions over in rootValue; they are taken out
 * before it runs, so a subscription (held as long as it streams) does not keep them, and root
 * resolvers see no root value, as over HTTP.
 */
function envelopedOf(args: { rootValue?: unknown }): Enveloped {
  const enveloped = args.rootValue as Enveloped;
  args.rootValue = undefined;
  return enveloped;
}

/** The root field a subscription streams ("unknown" when selected through a fragment); null for other operations. */
function subscriptionFieldOf(document: DocumentNode, operationName?: string | null): string | null {
  const operation = getOperationAST(document, operationName);
  if (operation?.operation !== "subscription") return null;
  const selection = operation.selectionSet.selections[0];
  return selection?.kind === Kind.FIELD ? selection.name.value : "unknown";
}

export function attachWebSocketTransport({ httpServer, yoga, config, logger, services }: WebSocketTransportOptions) {
  const log = logger.child({ component: "ws" });
  const wss = new WebSocketServer({ server: httpServer, path: GRAPHQL_PATH, maxPayload: config.ws.maxPayloadBytes });
  const { connections } = services.rooms;
  const sessions = new SocketSessions();
  const subscriptionFields = Object.keys(yoga.getEnveloped().schema.getSubscriptionType()?.getFields() ?? {});
  const tooManySubscriptions = () =>
    new ApiError(
      "RATE_LIMITED",
      `This connection already runs ${config.ws.maxSubscriptionsPerSocket} subscriptions (the maximum); complete one first`,
    );

  const maxBufferedBytes = config.ws.maxBufferedBytes;

  /**
   * Ends the running subscription `id` because its socket holds maxBufferedBytes unsent: the
   * client gets the documented error (after what is already buffered) and may reuse the id.
   * `afterThisResult`: graphql-ws is about to send one more result of it, which goes first.
   */
  function fellBehind(ctx: { subscriptions: Record<string, unknown>; extra: SocketExtra }, id: string, afterThisResult = false): void {
    const subscription = ctx.subscriptions[id] as AsyncGenerator | null | undefined;
    if (!(id in ctx.subscriptions)) return;
    delete ctx.subscriptions[id];
    ctx.extra.ids.ended(id);
    const { session, socket } = ctx.extra;
    const error = new ApiError(
      "SERVICE_UNAVAILABLE",
      `This subscription fell behind (more than ${maxBufferedBytes} bytes waiting to be sent on this connection) and was ended; subscribe again with since to catch up`,
    );
    const payload = [formatError(error, { requestId: session?.requestIdOf(id), logger: log }).toJSON()];
    const frame = JSON.stringify({ id, type: "error", payload });
    if (afterThisResult) process.nextTick(() => socket.send(frame));
    else socket.send(frame);
    log.warn({ subscriptionId: id, bufferedBytes: socket.bufferedAmount }, "subscription ended: its client fell behind");
    void subscription?.return?.(undefined);
  }

  const server = serveGraphqlWs<Record<string, unknown> | undefined, SocketExtra>({
    wss,
    logger: log,
    extra: (socket, request, ids) => ({ socket, clientIp: clientIpOf(request, config.trustProxy), ids }),
    // No close frame (1006): the peer vanished; its rooms wait PRESENCE_LEAVE_DELAY_MS for it.
    closing: (extra, code) => {
      if (extra.session && code === 1006) extra.session.vanished = true;
    },
    options: {
      connectionInitWaitTimeout: config.ws.connectionInitTimeoutMs,
      execute: (args) => envelopedOf(args).execute(args as ExecutionArgs),
      subscribe: (args) => envelopedOf(args).subscribe(args as ExecutionArgs),

      onConnect: async (ctx) => {
        const { socket } = ctx.extra;
        let viewer;
        try {
          viewer = await services.identity.viewerFromConnectionParams(ctx.connectionParams);
        } catch (error) {
          if (!(error instanceof AppError)) throw error;
          // 4403 either way (graphql-ws clients reconnect on it); the reason tells a client
          // whether to refresh first or to sign in again, as TOKEN_EXPIRED / INVALID_TOKEN do on HTTP.
          socket.close(CLOSE_AUTH, closeReasonFor(error));
          return false;
        }
        let admission;
        try {
          admission = await connections.open(viewer);
        } catch {
          socket.close(CLOSE_TRY_AGAIN, "Try again later");
          return false;
        }
        if (admission === "token-expired") {
          socket.close(CLOSE_AUTH, TOKEN_EXPIRED_REASON);
          return false;
        }
        if (admission === "too-many-connections") {
          socket.close(CLOSE_TOO_MANY_SOCKETS, `Too many connections (at most ${config.ws.maxSocketsPerUser} per user)`);
          return false;
        }
        if (socket.readyState !== socket.OPEN) {
          void connections.close(viewer);
          return false;
        }
        const session = new SocketSession(socket, viewer, ctx.extra.clientIp);
        // The connection params (the access token) would otherwise live as long as the socket:
        // verified now, not needed again.
        Reflect.set(ctx, "connectionParams", undefined);
        sessions.add(session);
        ctx.extra.session = session;
        return true;
      },

      onSubscribe: async (ctx, id, params: SubscribePayload) => {
        const session = ctx.extra.session!;
        const ws: ContextInput = {
          requestId: newRequestId(),
          clientIp: session.clientIp,
          transport: "ws",
          authorization: null,
          viewer: session.viewer,
          connection: session,
          directDelivery: undefined,
        };
        const refuse = (errors: readonly GraphQLError[]) =>
          errors.map((error) => formatError(error, { requestId: ws.requestId, logger: log }));
        // Only `ws`: whatever goes in here stays in the context for the subscription's lifetime.
        const enveloped = yoga.getEnveloped({ ws });
        let document: DocumentNode;
        try {
          document = enveloped.parse(params.query);
        } catch (error) {
          if (error instanceof GraphQLError) return refuse([error]);
          throw error;
        }
        let errors: readonly GraphQLError[];
        try {
          errors = enveloped.validate(enveloped.schema, document);
        } catch (error) {
          // graphql-js rules may throw a GraphQLError instead of reporting it.
          if (error instanceof GraphQLError) return refuse([error]);
          throw error;
        }
        if (errors.length > 0) return refuse(errors);
        // As over HTTP; left to graphql-ws, this client mistake would be an unexplained error.
        if (!getOperationAST(document, params.operationName)) return refuse([new ApiError("BAD_REQUEST", "Could not determine what operation to execute.")]);
        const subscriptionField = subscriptionFieldOf(document, params.operationName);
        if (subscriptionField !== null) {
          // graphql-ws drops an id from ctx.subscriptions as soon as the client completes it (or
          // fellBehind ends it): its slot is free at once, while its teardown still runs.
          const ended = session.forgetEnded((running) => running !== id && running in ctx.subscriptions);
          for (let i = 0; i < ended; i += 1) void connections.subscriptionEnded();
          if (!session.startSubscription(id, { rootField: subscriptionField, payload: params, requestId: ws.requestId }, config.ws.maxSubscriptionsPerSocket)) {
            return refuse([tooManySubscriptions()]);
          }
          void connections.subscriptionStarted();
          ws.directDelivery = directDelivery(ctx.extra.socket, ctx, id, maxBufferedBytes, () => fellBehind(ctx, id));
        }
        return {
          schema: enveloped.schema,
          operationName: params.operationName,
          document,
          variableValues: params.variables,
          contextValue: await enveloped.contextFactory(),
          rootValue: enveloped,
        };
      },

      // A running subscription's events get their errors formatted here, as they are sent, rather
      // than by an envelop per-result hook (see useErrorFormatting). Results already formatted
      // (queries, mutations, a subscribe that ended in one result) pass unchanged.
      // A subscription's result that finds its socket's buffer full ends it (after this result).
      onNext: (ctx, id, _payload, args, result) => {
        if (isOverBudget(ctx.extra.socket, maxBufferedBytes) && ctx.extra.session?.requestIdOf(id) !== undefined) fellBehind(ctx, id, true);
        const formatted = formatResult(result, {
          logger: log,
          requestId: (args.contextValue as Context).requestId,
          document: args.document,
        });
        return formatted === result ? undefined : formatted;
      },

      // An error graphql-ws sends itself (a subscription source that throws mid-stream) carries
      // the raw message: mask and log it like any other error. Refusals above are already formatted.
      // A subscription that ended in an error ends its bookkeeping here (no onComplete follows).
      onError: (ctx, id, payload, errors) => {
        const requestId = ctx.extra.session?.requestIdOf(id);
        if (ctx.extra.session?.endSubscription(id, payload)) void connections.subscriptionEnded();
        return errors.map((error) => (isFormatted(error) ? error : formatError(error, { logger: log, requestId })).toJSON());
      },

      onComplete: (ctx, id, payload) => {
        if (ctx.extra.session?.endSubscription(id, payload)) void connections.subscriptionEnded();
      },

      // Runs after graphql-ws ended (and awaited) every subscription of the socket.
      // Removing the session last tells close() this socket's close handling is done.
      onClose: (ctx) => {
        const { session } = ctx.extra;
        if (!session) return;
        const running = session.dispose();
        for (let i = 0; i < running; i += 1) void connections.subscriptionEnded();
        void connections.close(session.viewer);
        sessions.remove(session);
      },
    },
  });
  const keepalive = keepSocketsAlive(wss, config.ws);
  const stopListening = services.auth.onAccessRevoked(({ userId, sessionId }) => sessions.revoke(userId, sessionId));
  wss.on("error", (error) => log.error({ err: error }, "websocket server error"));

  return {
    wss,
    /** Subscriptions running on this instance's sockets, by root field (every one the schema has). */
    subscriptionsByField: () => sessions.subscriptionsByField(subscriptionFields),
    /**
     * Closes every socket with 1001 (going away) and stops accepting new ones; resolves once each
     * socket's subscriptions ended. A peer that does not answer the close within
     * SHUTDOWN_TIMEOUT_MS is cut off.
     */
    async close() {
      keepalive.stop();
      stopListening();
      const cutOff = setTimeout(() => {
        for (const socket of wss.clients) socket.terminate();
      }, config.shutdownTimeoutMs);
      await server.dispose();
      await sessions.emptied();
      clearTimeout(cutOff);
    },
  };
}
