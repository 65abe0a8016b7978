// graphql-ws `next` frames sent by us rather than by graphql-ws's loop (see
// useSharedSubscriptionExecution): the payload arrives serialized once for every socket that
// shares it, and only the frame around it is per socket. The bytes are what graphql-ws sends.
import type { WebSocket } from "ws";
import type { DirectDelivery } from "../graphql/context.js";

/**
 * Beyond this many bytes waiting in the socket's buffer, results go back to graphql-ws's loop,
 * which waits for each write: a client that stops reading is then cut off by the stream's own
 * limit (MAX_PENDING_EVENTS) instead of growing this buffer.
 */
export const DIRECT_MAX_BUFFERED_BYTES = 1024 * 1024;

export interface SubscriptionSlot {
  /** graphql-ws's running subscriptions of the socket by id (replaced when the socket closes). */
  readonly subscriptions: Record<string, unknown>;
}

/** One per subscription: a class, so its state is one object and `send` lives on the prototype. */
class SocketDelivery implements DirectDelivery {
  private readonly head: string;

  constructor(
    private readonly socket: WebSocket,
    private readonly slot: SubscriptionSlot,
    private readonly id: string,
  ) {
    this.head = `{"id":${JSON.stringify(id)},"type":"next","payload":`;
  }

  send(payloadJson: string): boolean {
    const { socket } = this;
    // Completed by the client, or the socket is closing: nothing more goes out for it.
    if (!(this.id in this.slot.subscriptions) || socket.readyState !== socket.OPEN) return true;
    if (socket.bufferedAmount > DIRECT_MAX_BUFFERED_BYTES) return false;
    socket.send(`${this.head}${payloadJson}}`);
    return true;
  }
}

export const directDelivery = (socket: WebSocket, slot: SubscriptionSlot, id: string): DirectDelivery =>
  new SocketDelivery(socket, slot, id);
