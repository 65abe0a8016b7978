// The graphql-ws server options: what happens at connection_init, subscribe, each result, error,
// complete and close, in the protocol's own terms (graphql-ws's makeServer core). It knows nothing
// of `ws`: the adapter in use/ws.ts serves these options on the HTTP server. Every operation runs
// through yoga's envelop pipeline (operations.ts); what a socket may do is decided by identity,
// the rooms service and @auth; this file maps it onto the protocol: admission, the subscription
// cap, socket sessions, direct delivery, error formatting and the slow-reader budget.
import type { ExecutionArgs, GraphQLError } from "graphql";
import type { ServerOptions, SubscribePayload } from "graphql-ws";
import type { Config } from "../config/index.js";
import { ApiError } from "../graphql/apiError.js";
import type { ContextInput } from "../graphql/contextFactory.js";
import type { Context } from "../graphql/context.js";
import { formatError, formatResult, isFormatted } from "../graphql/plugins/errorFormat.js";
import { newRequestId } from "../graphql/requestId.js";
import type { GraphQLServer } from "../graphql/server.js";
import type { Logger } from "../logger.js";
import type { Services } from "../services/index.js";
import { directDelivery } from "./delivery/directDelivery.js";
import { fellBehindHandler, isOverBudget } from "./delivery/fellBehind.js";
import { envelopedOf, operationArgs, parseOperation, subscriptionFieldOf } from "./operations.js";
import { socketAdmission } from "./sessions/admission.js";
import type { LiveSocket } from "./sessions/socket.js";
import { SocketSession, SocketSessions } from "./sessions/socketSession.js";
import type { SubscribeIds } from "./sessions/subscribeIds.js";

export interface RealtimeServerDeps {
  yoga: GraphQLServer;
  config: Config;
  logger: Logger;
  services: Services;
}

/** What a socket's graphql-ws context keeps for its lifetime. */
export interface SocketExtra {
  socket: LiveSocket;
  clientIp: string;
  ids: SubscribeIds;
  /** Set once connection_init was accepted. */
  session?: SocketSession;
}

export function createRealtimeServer({ yoga, config, logger: log, services }: RealtimeServerDeps) {
  const { connections } = services.rooms;
  const { maxBufferedBytes, maxSubscriptionsPerSocket } = config.ws;
  const sessions = new SocketSessions();
  const admit = socketAdmission({
    viewerFromConnectionParams: (params) =>
      services.identity.viewerFromConnectionParams(params as Record<string, unknown> | undefined),
    connections,
    maxSocketsPerUser: config.ws.maxSocketsPerUser,
  });
  const fellBehind = fellBehindHandler(maxBufferedBytes, log);
  /** Ends the bookkeeping of the run of `id` that started with `payload` (no-op for any other run). */
  const ended = (session: SocketSession | undefined, id: string, payload: object) => {
    if (session?.endSubscription(id, payload)) void connections.subscriptionsEnded();
  };
  const tooManySubscriptions = () =>
    new ApiError(
      "RATE_LIMITED",
      `This connection already runs ${maxSubscriptionsPerSocket} subscriptions (the maximum); complete one first`,
    );

  const options: ServerOptions<Record<string, unknown> | undefined, SocketExtra> = {
    connectionInitWaitTimeout: config.ws.connectionInitTimeoutMs,
    execute: (args) => envelopedOf(args).execute(args as ExecutionArgs),
    subscribe: (args) => envelopedOf(args).subscribe(args as ExecutionArgs),

    onConnect: async (ctx) => {
      const { socket, clientIp } = ctx.extra;
      const admitted = await admit(socket, ctx.connectionParams);
      if (!admitted) return false;
      const session = new SocketSession(socket, admitted.viewer, clientIp);
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
      const { enveloped, document, errors } = parseOperation(yoga, ws, params);
      if (errors) return refuse(errors);
      const subscriptionField = subscriptionFieldOf(document, params.operationName);
      if (subscriptionField !== null) {
        // graphql-ws drops an id from ctx.subscriptions as soon as the client completes it (or
        // fellBehind ends it): its slot is free at once, while its teardown still runs.
        void connections.subscriptionsEnded(session.forgetEnded((running) => running !== id && running in ctx.subscriptions));
        if (
          !session.startSubscription(
            id,
            { rootField: subscriptionField, payload: params, requestId: ws.requestId },
            maxSubscriptionsPerSocket,
          )
        ) {
          return refuse([tooManySubscriptions()]);
        }
        void connections.subscriptionStarted();
        ws.directDelivery = directDelivery(ctx.extra.socket, ctx, id, maxBufferedBytes, () => fellBehind(ctx, id));
      }
      return operationArgs(enveloped, document, params);
    },

    // A running subscription's events get their errors formatted here, as they are sent, rather
    // than by an envelop per-result hook (see useErrorFormatting). Results already formatted
    // (queries, mutations, a subscribe that ended in one result) pass unchanged.
    // A subscription's result that finds its socket's buffer full ends it (after this result).
    onNext: (ctx, id, _payload, args, result) => {
      if (isOverBudget(ctx.extra.socket, maxBufferedBytes) && ctx.extra.session?.requestIdOf(id) !== undefined)
        fellBehind(ctx, id, true);
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
      ended(ctx.extra.session, id, payload);
      return errors.map((error) => (isFormatted(error) ? error : formatError(error, { logger: log, requestId })).toJSON());
    },

    onComplete: (ctx, id, payload) => ended(ctx.extra.session, id, payload),

    // Runs after graphql-ws ended (and awaited) every subscription of the socket.
    // Removing the session last tells close() this socket's close handling is done.
    onClose: (ctx) => {
      const { session } = ctx.extra;
      if (!session) return;
      void connections.subscriptionsEnded(session.dispose());
      void connections.close(session.viewer);
      sessions.remove(session);
    },
  };

  return {
    options,
    sessions,
    /** The socket closed with `code`; 1006 (no close frame): the peer vanished, its rooms wait PRESENCE_LEAVE_DELAY_MS for it. */
    closing(extra: SocketExtra, code: number): void {
      if (extra.session && code === 1006) extra.session.vanished = true;
    },
  };
}
