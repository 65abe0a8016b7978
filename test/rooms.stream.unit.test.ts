// The roomEvents stream on its own, with in-memory stand-ins for the bus, presence, counters and
// history: order, excludeSelf, replay with de-duplication and backpressure, a reader that falls
// too far behind, setup failures, that every way of ending leaves the room exactly once, and when
// live events are pushed to a listener instead of queued for the reader.
import { describe, expect, it } from "vitest";
import { PUSH } from "../src/realtime/streams/pushable.js";
import type { Message, Room } from "../src/generated/prisma/client.js";
import type { RoomEvent } from "../src/realtime/bus/roomEvents.js";
import { MAX_PENDING_EVENTS, openRoomStream, type RoomStream, type StreamDeps } from "../src/realtime/streams/stream.js";

const room = { id: "room-1", slug: "tango" } as Room;
let nextSeq = 1n;
const message = (authorId = "someone", at = new Date()): Message =>
  ({
    id: `m${nextSeq}`,
    seq: nextSeq++,
    roomId: room.id,
    authorId,
    text: "hola",
    clientMessageId: null,
    createdAt: at,
  }) as Message;
const posted = (m: Message): RoomEvent => ({ kind: "MessagePosted", roomId: room.id, message: m });

function fakes(history: Message[] = [], opts: { joinFails?: Error } = {}) {
  const calls: string[] = [];
  let listener: ((event: RoomEvent) => void) | null = null;
  let historyRead = 0;
  const deps = {
    bus: {
      subscribe: async (_roomId: string, onEvent: (event: RoomEvent) => void) => {
        listener = onEvent;
        calls.push("subscribe");
        return () => {
          listener = null;
          calls.push("unsubscribe");
        };
      },
    },
    presence: {
      join: async () => {
        if (opts.joinFails) throw opts.joinFails;
        calls.push("join");
      },
      leave: async () => void calls.push("leave"),
    },
    store: { countSubscription: async (_roomId: string, by: number) => void calls.push(`count ${by}`) },
    messages: {
      async *after() {
        for (let i = 0; i < history.length; i += 50) {
          historyRead = i + 50;
          yield history.slice(i, i + 50);
        }
      },
    },
  } as unknown as StreamDeps;
  return {
    deps,
    calls,
    historyRead: () => historyRead,
    publish: (event: RoomEvent) => listener?.(event),
    subscribed: async () => {
      while (!calls.includes("subscribe") || !calls.includes("join")) await new Promise((r) => setTimeout(r, 1));
    },
  };
}

async function take(stream: RoomStream, n: number) {
  const events: RoomEvent[] = [];
  for (let i = 0; i < n; i++) {
    const { value, done } = await stream.next();
    if (done) break;
    events.push(value);
  }
  return events;
}

const ids = (events: RoomEvent[]) => events.map((e) => (e.kind === "MessagePosted" ? e.message.id : e.kind));

describe("room stream", () => {
  it("delivers live events in order, hides the reader's own with excludeSelf, and leaves the room once on return", async () => {
    const f = fakes();
    const running = new Set<RoomStream>();
    const stream = openRoomStream(f.deps, { userId: "me", room, since: null, excludeSelf: true }, running);
    await f.subscribed();
    const [a, mine, b] = [message(), message("me"), message()];
    const pending = stream.next(); // waiting before anything is published
    for (const m of [a, mine, b]) f.publish(posted(m));
    expect(ids([(await pending).value as RoomEvent])).toEqual([a.id]);
    expect(ids(await take(stream, 1))).toEqual([b.id]);

    const waiting = stream.next();
    await stream.return();
    expect(await waiting).toEqual({ value: undefined, done: true });
    expect(await stream.next()).toEqual({ value: undefined, done: true });
    await stream.return();
    expect(f.calls.filter((c) => c === "leave" || c === "unsubscribe" || c === "count -1")).toEqual([
      "count -1",
      "leave",
      "unsubscribe",
    ]);
    expect(running.size).toBe(0);
  });

  it("replays history after since, reading it only as fast as the reader takes it, then goes live without duplicates", async () => {
    const history = Array.from({ length: 400 }, () => message());
    const f = fakes(history);
    const stream = openRoomStream(f.deps, { userId: "me", room, since: message(), excludeSelf: false }, new Set());
    await f.subscribed();
    // Published live while the replay has not finished: the last replayed message again, and a new one.
    const fresh = message();
    f.publish(posted(history.at(-1)!));
    f.publish(posted(fresh));
    await new Promise((r) => setTimeout(r, 20));
    expect(f.historyRead()).toBeLessThan(history.length);

    const events = await take(stream, history.length + 1);
    expect(ids(events)).toEqual([...history, fresh].map((m) => m.id));
    f.publish(posted(history.at(-1)!)); // only the first live copy of a replayed message is dropped
    const later = message();
    f.publish(posted(later));
    expect(ids(await take(stream, 2))).toEqual([history.at(-1)!.id, later.id]);
    await stream.return();
  });

  it("ends a reader that falls more than MAX_PENDING_EVENTS behind: queued events first, then SERVICE_UNAVAILABLE, and leaves", async () => {
    const f = fakes();
    const stream = openRoomStream(f.deps, { userId: "me", room, since: null, excludeSelf: false }, new Set());
    await f.subscribed();
    for (let i = 0; i <= MAX_PENDING_EVENTS; i++) f.publish(posted(message()));
    expect(await take(stream, MAX_PENDING_EVENTS)).toHaveLength(MAX_PENDING_EVENTS);
    await expect(stream.next()).rejects.toMatchObject({ extensions: { code: "SERVICE_UNAVAILABLE" } });
    expect(await stream.next()).toEqual({ value: undefined, done: true });
    await stream.return();
    expect(f.calls).toContain("leave");
  });

  it("fails the reader when joining fails, and unsubscribes", async () => {
    const f = fakes([], { joinFails: new Error("redis down") });
    const stream = openRoomStream(f.deps, { userId: "me", room, since: null, excludeSelf: false }, new Set());
    await expect(stream.next()).rejects.toThrow("redis down");
    await stream.return();
    expect(f.calls).toEqual(["subscribe", "unsubscribe"]);
  });

  describe("push", () => {
    const settle = () => new Promise((r) => setTimeout(r, 5));

    it("pushes live events while the reader waits with nothing queued; toReader hands that event and all later ones back to the reader", async () => {
      const f = fakes();
      const stream = openRoomStream(f.deps, { userId: "me", room, since: null, excludeSelf: true }, new Set());
      await f.subscribed();
      const pushed: RoomEvent[] = [];
      const channel = stream[PUSH]((event) => pushed.push(event));
      const waiting = stream.next();
      const [a, mine, b, c] = [message(), message("me"), message(), message()];
      for (const m of [a, mine, b]) f.publish(posted(m));
      expect(ids(pushed)).toEqual([a.id, b.id]); // excludeSelf still applies
      channel.toReader(posted(b));
      f.publish(posted(c));
      expect(ids([(await waiting).value as RoomEvent])).toEqual([b.id]);
      expect(ids(await take(stream, 1))).toEqual([c.id]);
      expect(ids(pushed)).toEqual([a.id, b.id]);
      await stream.return();
    });

    it("queues instead of pushing while the reader is busy or has events queued, so nothing overtakes them", async () => {
      const f = fakes();
      const stream = openRoomStream(f.deps, { userId: "me", room, since: null, excludeSelf: false }, new Set());
      await f.subscribed();
      const pushed: RoomEvent[] = [];
      stream[PUSH]((event) => pushed.push(event));
      const [a, b, c] = [message(), message(), message()];
      f.publish(posted(a)); // nobody reads yet
      f.publish(posted(b));
      expect(pushed).toEqual([]);
      expect(ids(await take(stream, 2))).toEqual([a.id, b.id]);
      const waiting = stream.next();
      f.publish(posted(c));
      expect(ids(pushed)).toEqual([c.id]);
      await stream.return();
      expect(await waiting).toEqual({ value: undefined, done: true });
      f.publish(posted(message()));
      expect(pushed).toHaveLength(1);
    });

    it("replays through the reader, at its pace, and pushes only once live", async () => {
      const history = Array.from({ length: 120 }, () => message());
      const f = fakes(history);
      const stream = openRoomStream(f.deps, { userId: "me", room, since: message(), excludeSelf: false }, new Set());
      const pushed: RoomEvent[] = [];
      stream[PUSH]((event) => pushed.push(event));
      await f.subscribed();
      const early = message();
      f.publish(posted(early)); // during the replay
      expect(ids(await take(stream, history.length + 1))).toEqual([...history, early].map((m) => m.id));
      await settle();
      const waiting = stream.next();
      const live = message();
      f.publish(posted(live));
      expect(ids(pushed)).toEqual([live.id]);
      await stream.return();
      await waiting;
    });
  });
});
