// Frames we send ourselves must be the bytes graphql-ws would send, must stop once the client
// completed the subscription, and must refuse (so the normal path takes over) while the socket's
// buffer is full.
import { MessageType, stringifyMessage } from "graphql-ws";
import type { WebSocket } from "ws";
import { describe, expect, it } from "vitest";
import { DIRECT_MAX_BUFFERED_BYTES, directDelivery } from "../src/transport/directDelivery.js";

function fakeSocket() {
  const sent: string[] = [];
  const socket = { OPEN: 1, readyState: 1, bufferedAmount: 0, send: (data: string) => void sent.push(data) };
  return { socket, sent, ws: socket as unknown as WebSocket };
}

describe("direct delivery", () => {
  it("sends exactly graphql-ws's next frame", () => {
    const { ws, sent } = fakeSocket();
    const id = 'sub-"1"';
    const result = { data: { roomEvents: { __typename: "MessagePosted", message: { text: "hola ✓" } } } };
    expect(directDelivery(ws, { subscriptions: { [id]: null } }, id).send(JSON.stringify(result))).toBe(true);
    expect(sent).toEqual([stringifyMessage({ id, type: MessageType.Next, payload: result })]);
  });

  it("drops results of a completed subscription or a closing socket, and refuses while the buffer is full", () => {
    const { ws, socket, sent } = fakeSocket();
    const slot = { subscriptions: { a: null } as Record<string, unknown> };
    const delivery = directDelivery(ws, slot, "a");
    socket.bufferedAmount = DIRECT_MAX_BUFFERED_BYTES + 1;
    expect(delivery.send("{}")).toBe(false);
    socket.bufferedAmount = 0;
    socket.readyState = 2; // closing
    expect(delivery.send("{}")).toBe(true);
    socket.readyState = 1;
    slot.subscriptions = {};
    expect(delivery.send("{}")).toBe(true);
    expect(sent).toEqual([]);
  });
});
