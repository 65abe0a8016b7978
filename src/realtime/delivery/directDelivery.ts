// graphql-ws `next` frames sent by us rather than by graphql-ws's loop (see
// useSharedSubscriptionExecution): the payload arrives serialized once for every socket that
// shares it, and only the frame around it is per socket. The bytes are what graphql-ws sends.
// A socket already holding its byte budget unsent (WS_MAX_BUFFERED_BYTES) gets no more: the
// subscription is ended as fallen behind instead (fellBehind.ts), so a reader that stalls is bounded in
// bytes, not only in events, and costs the others nothing.
import type { DirectDelivery } from "../../graphql/context.js";
import { OPEN, type LiveSocket } from "../sessions/socket.js";
import { isOverBudget } from "./fellBehind.js";

export interface SubscriptionSlot {
  /** graphql-ws's running subscriptions of the socket by id (replaced when the socket closes). */
  readonly subscriptions: Record<string, unknown>;
}

/** One per subscription: a class, so its state is one object and `send` lives on the prototype. */
class SocketDelivery implements DirectDelivery {
  private readonly head: string;

  constructor(
    private readonly socket: LiveSocket,
    private readonly slot: SubscriptionSlot,
    private readonly id: string,
    private readonly maxBufferedBytes: number,
    private readonly fellBehind: () => void,
  ) {
    this.head = `{"id":${JSON.stringify(id)},"type":"next","payload":`;
  }

  send(payloadJson: string): boolean {
    const { socket } = this;
    // Completed by the client, or the socket is closing: nothing more goes out for it.
    if (!(this.id in this.slot.subscriptions) || socket.readyState !== OPEN) return true;
    if (isOverBudget(socket, this.maxBufferedBytes)) {
      this.fellBehind();
      return true;
    }
    socket.send(`${this.head}${payloadJson}}`);
    return true;
  }
}

export const directDelivery = (
  socket: LiveSocket,
  slot: SubscriptionSlot,
  id: string,
  maxBufferedBytes: number,
  fellBehind: () => void,
): DirectDelivery => new SocketDelivery(socket, slot, id, maxBufferedBytes, fellBehind);
