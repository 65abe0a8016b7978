// Ending a subscription whose socket holds WS_MAX_BUFFERED_BYTES unsent: the client gets the
// documented "fell behind, subscribe again with since" error after what is already buffered,
// and may reuse the id. A reader that stalls so costs a bounded number of bytes, and nobody else
// waits for it.
import { ApiError } from "../../graphql/apiError.js";
import { formatError } from "../../graphql/plugins/errorFormat.js";
import type { Logger } from "../../logger.js";
import type { SocketSession } from "../sessions/socketSession.js";
import type { LiveSocket } from "../sessions/socket.js";
import type { SubscribeIds } from "../sessions/subscribeIds.js";

/** What fellBehind needs of a socket's graphql-ws context. */
export interface SubscriptionsOfSocket {
  /** graphql-ws's running subscriptions of the socket by id. */
  subscriptions: Record<string, unknown>;
  extra: { socket: LiveSocket; ids: SubscribeIds; session?: SocketSession };
}

/** True when the socket's unsent bytes reached `max`. */
export const isOverBudget = (socket: LiveSocket, max: number) => socket.bufferedAmount >= max;

export function fellBehindHandler(maxBufferedBytes: number, log: Logger) {
  /**
   * Ends the running subscription `id`. `afterThisResult`: graphql-ws is about to send one more
   * result of it, which goes first.
   */
  return function fellBehind(ctx: SubscriptionsOfSocket, id: string, afterThisResult = false): void {
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
  };
}
