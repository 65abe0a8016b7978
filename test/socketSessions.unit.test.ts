// The transport's registry of open sockets: what the active-subscriptions gauge reads, and what
// shutdown waits on (every socket's close handling done).
import type { WebSocket } from "ws";
import { describe, expect, it } from "vitest";
import { SocketSession, SocketSessions } from "../src/realtime/sessions/socketSession.js";

const socket = { close: () => undefined } as unknown as WebSocket;
const viewer = (id: string) => ({ id, role: "USER" as const, tokenExpiresAt: new Date(Date.now() + 60_000) });

function session(userId: string | null) {
  return new SocketSession(socket, userId ? viewer(userId) : null, "127.0.0.1");
}

describe("socket sessions", () => {
  it("count running subscriptions by root field over every socket, anonymous ones included, every field listed", () => {
    const sessions = new SocketSessions();
    const [ana, anonymous] = [session("ana"), session(null)];
    sessions.add(ana);
    sessions.add(anonymous);
    expect(sessions.subscriptionsByField(["roomEvents", "other"])).toEqual({ roomEvents: 0, other: 0 });
    const [first, second, third] = [{}, {}, {}];
    ana.startSubscription("1", { rootField: "roomEvents", payload: first, requestId: "r-first" }, 5);
    ana.startSubscription("2", { rootField: "roomEvents", payload: second, requestId: "r-second" }, 5);
    anonymous.startSubscription("1", { rootField: "roomEvents", payload: third, requestId: "r-third" }, 5);
    expect(sessions.subscriptionsByField(["roomEvents", "other"])).toEqual({ roomEvents: 3, other: 0 });
    expect(ana.endSubscription("1", third)).toBe(false); // another subscription's end
    expect(ana.endSubscription("1", first)).toBe(true);
    expect(ana.forgetEnded((id) => id !== "2")).toBe(1);
    expect(sessions.subscriptionsByField(["roomEvents"])).toEqual({ roomEvents: 1 });
    sessions.remove(anonymous);
    expect(sessions.subscriptionsByField(["roomEvents"])).toEqual({ roomEvents: 0 });
    ana.dispose();
    anonymous.dispose();
  });

  it("keep a reused id counted when the earlier subscription under that id ends later", () => {
    const sessions = new SocketSessions();
    const ana = session("ana");
    sessions.add(ana);
    const [earlier, later] = [{}, {}];
    ana.startSubscription("1", { rootField: "roomEvents", payload: earlier, requestId: "r-earlier" }, 5);
    // The client completed "1" and subscribed again as "1" while the first one still tears down.
    expect(ana.forgetEnded((id) => id !== "1")).toBe(1);
    ana.startSubscription("1", { rootField: "roomEvents", payload: later, requestId: "r-later" }, 5);
    expect(ana.endSubscription("1", earlier)).toBe(false);
    expect(sessions.subscriptionsByField(["roomEvents"])).toEqual({ roomEvents: 1 });
    // Errors graphql-ws sends for "1" from now on belong to the later subscription's request.
    expect(ana.requestIdOf("1")).toBe("r-later");
    expect(ana.endSubscription("1", later)).toBe(true);
    expect(sessions.subscriptionsByField(["roomEvents"])).toEqual({ roomEvents: 0 });
    ana.dispose();
  });

  it("resolve emptied() once the last session is removed", async () => {
    const sessions = new SocketSessions();
    await sessions.emptied();
    const [ana, beto] = [session("ana"), session("beto")];
    sessions.add(ana);
    sessions.add(beto);
    let emptied = false;
    const waiting = sessions.emptied().then(() => (emptied = true));
    sessions.remove(ana);
    await Promise.resolve();
    expect(emptied).toBe(false);
    sessions.remove(beto);
    await waiting;
    expect(emptied).toBe(true);
    ana.dispose();
    beto.dispose();
  });
});
