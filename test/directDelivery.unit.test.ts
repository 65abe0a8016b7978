// Frames we send ourselves must be the bytes graphql-ws would send, must stop once the client
// completed the subscription, and must end the subscription as fallen behind, sending nothing,
// once the socket holds its byte budget unsent.
import { MessageType, stringifyMessage } from "graphql-ws";
import type { WebSocket } from "ws";
import { describe, expect, it } from "vitest";
import { directDelivery } from "../src/realtime/delivery/directDelivery.js";

function fakeSocket() {
  const sent: string[] = [];
  const socket = { OPEN: 1, readyState: 1, bufferedAmount: 0, send: (data: string) => void sent.push(data) };
  return { socket, sent, ws: socket as unknown as WebSocket };
}

const BUDGET = 1024;
const nothingBehind = () => {
  throw new Error("did not fall behind");
};

describe("direct delivery", () => {
  it("sends exactly graphql-ws's next frame", () => {
    const { ws, sent } = fakeSocket();
    const id = 'sub-"1"';
    const result = { data: { roomEvents: { __typename: "MessagePosted", message: { text: "hola ✓" } } } };
    expect(directDelivery(ws, { subscriptions: { [id]: null } }, id, BUDGET, nothingBehind).send(JSON.stringify(result))).toBe(
      true,
    );
    expect(sent).toEqual([stringifyMessage({ id, type: MessageType.Next, payload: result })]);
  });

  it("drops results of a completed subscription or a closing socket, and ends one whose socket holds its budget", () => {
    const { ws, socket, sent } = fakeSocket();
    const slot = { subscriptions: { a: null } as Record<string, unknown> };
    let behind = 0;
    const delivery = directDelivery(ws, slot, "a", BUDGET, () => void (behind += 1));
    socket.bufferedAmount = BUDGET - 1;
    expect(delivery.send("{}")).toBe(true);
    expect(sent).toHaveLength(1);
    sent.length = 0;
    socket.bufferedAmount = BUDGET;
    expect(delivery.send("{}")).toBe(true);
    expect(behind).toBe(1);
    socket.bufferedAmount = 0;
    socket.readyState = 2; // closing
    expect(delivery.send("{}")).toBe(true);
    socket.readyState = 1;
    slot.subscriptions = {};
    expect(delivery.send("{}")).toBe(true);
    expect(sent).toEqual([]);
  });
});
