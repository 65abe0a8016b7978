// PostOrder hands a room's live posts on once and in post order: it holds a post whose
// predecessor has not arrived, reads what is still missing after the gap wait from the database
// (here a fake one) instead of skipping it, catches up a room whose count moved on, and drops a
// post that arrives after it was handed on. Presence events go on at once.
import { afterEach, describe, expect, it, vi } from "vitest";
import type { PostedMessage, RoomEvent } from "../src/realtime/bus/roomEvents.js";
import { PostOrder, type PostSource } from "../src/realtime/bus/postOrder.js";

const GAP_WAIT_MS = 100;
const RETRY_MS = 1000;
const message = (n: number) => ({ id: `m${n}`, roomId: "r", seq: BigInt(n * 10) }) as unknown as PostedMessage;
const post = (n: number) => ({ kind: "MessagePosted", roomId: "r", message: message(n), postNumber: BigInt(n) }) as RoomEvent;
const joined = { kind: "MemberJoined", roomId: "r", userId: "u", memberCount: 1, at: new Date() } as RoomEvent;
const name = (event: RoomEvent) => (event.kind === "MessagePosted" ? event.message.id : event.kind);

/** A room in a fake database: posts 1..count are stored (seq = 10 × number), except `wasted` numbers. */
function fakeRoom(count: number, wasted: number[] = []) {
  const room = { count, wasted, reads: 0, failNext: false };
  const stored = () => Array.from({ length: room.count }, (_, i) => i + 1).filter((n) => !room.wasted.includes(n));
  const source: PostSource = {
    position: async () => ({ postCount: BigInt(room.count), lastSeq: BigInt((stored().at(-1) ?? 0) * 10) }),
    after: async (seq) => {
      room.reads += 1;
      if (room.failNext) {
        room.failNext = false;
        throw new Error("database away");
      }
      return {
        postCount: BigInt(room.count),
        messages: stored()
          .filter((n) => BigInt(n * 10) > seq)
          .map(message),
        more: false,
      };
    },
  };
  return { room, source };
}

async function ordered(source: PostSource) {
  const out: string[] = [];
  const failures: unknown[] = [];
  const order = new PostOrder({
    release: (event) => out.push(name(event)),
    source,
    gapWaitMs: GAP_WAIT_MS,
    retryMs: RETRY_MS,
    onReadFailed: (error) => failures.push(error),
  });
  await order.start();
  return { out, order, failures };
}

/** Past the gap wait (its catch-up runs in setImmediate, after pending socket reads) and the read. */
const pastGapWait = async (ms = GAP_WAIT_MS) => {
  await vi.advanceTimersByTimeAsync(ms);
  await vi.runOnlyPendingTimersAsync();
};

afterEach(() => vi.useRealTimers());

describe("PostOrder", () => {
  it("holds a post until the one before it arrives, then hands both on in order, reading nothing", async () => {
    const { room, source } = fakeRoom(0);
    const { out, order } = await ordered(source);
    room.count = 3;
    order.accept(post(1));
    order.accept(post(3));
    order.accept(joined);
    expect(out).toEqual(["m1", "MemberJoined"]);
    order.accept(post(2));
    expect(out).toEqual(["m1", "MemberJoined", "m2", "m3"]);
    expect(room.reads).toBe(0);
    order.close();
  });

  it("reads a post whose publish never comes from the database after the gap wait; its late publish is dropped", async () => {
    vi.useFakeTimers();
    const { room, source } = fakeRoom(4);
    const { out, order } = await ordered(source);
    room.count = 8;
    order.accept(post(5));
    order.accept(post(8));
    order.accept(post(7));
    await vi.advanceTimersByTimeAsync(GAP_WAIT_MS - 1);
    expect(out).toEqual(["m5"]);
    await pastGapWait(1);
    expect(out).toEqual(["m5", "m6", "m7", "m8"]);
    order.accept(post(6)); // late: handed on already, never again nor out of order
    order.accept(post(9));
    expect(out).toEqual(["m5", "m6", "m7", "m8", "m9"]);
    order.close();
  });

  it("goes on past a number no message took (a racing retry wasted it)", async () => {
    vi.useFakeTimers();
    const { room, source } = fakeRoom(0);
    const { out, order } = await ordered(source);
    Object.assign(room, { count: 3, wasted: [2] });
    order.accept(post(1));
    order.accept(post(3));
    await pastGapWait();
    expect(out).toEqual(["m1", "m3"]);
    order.accept(post(4));
    expect(out).toEqual(["m1", "m3", "m4"]);
    order.close();
  });

  it("before it starts, holds posts; then hands on those up to the room's post count, and the rest in order", async () => {
    const { source } = fakeRoom(10);
    const out: string[] = [];
    const order = new PostOrder({
      release: (event) => out.push(name(event)),
      source,
      gapWaitMs: GAP_WAIT_MS,
      retryMs: RETRY_MS,
      onReadFailed: () => undefined,
    });
    order.accept(post(12));
    order.accept(post(10)); // posted before this instance listened
    order.accept(joined);
    expect(out).toEqual(["MemberJoined"]);
    await order.start();
    expect(out).toEqual(["MemberJoined", "m10"]);
    order.accept(post(11));
    expect(out).toEqual(["MemberJoined", "m10", "m11", "m12"]);
    order.close();
  });

  it("catches up the last posts of a quiet room whose count moved on (their publish was lost)", async () => {
    const { room, source } = fakeRoom(2);
    const { out, order } = await ordered(source);
    order.behind(2n);
    expect(room.reads).toBe(0);
    room.count = 4;
    order.behind(4n);
    await vi.waitFor(() => expect(out).toEqual(["m3", "m4"]));
    order.accept(post(4)); // its publish, late
    order.accept(post(5));
    expect(out).toEqual(["m3", "m4", "m5"]);
    order.close();
  });

  it("holds what arrives during a catch-up and hands it on after it, in order", async () => {
    const { room, source } = fakeRoom(1);
    const { out, order } = await ordered(source);
    room.count = 3;
    order.catchUp();
    order.accept(post(4)); // arrives while the read runs (stored after it)
    order.accept(post(3)); // covered by the read
    room.count = 4;
    await vi.waitFor(() => expect(out).toEqual(["m2", "m3", "m4"]));
    order.close();
  });

  it("reads again after a failed read", async () => {
    vi.useFakeTimers();
    const { room, source } = fakeRoom(0);
    const { out, order, failures } = await ordered(source);
    room.count = 2;
    room.failNext = true;
    order.accept(post(2));
    await pastGapWait();
    expect(failures).toHaveLength(1);
    expect(out).toEqual([]);
    await vi.advanceTimersByTimeAsync(RETRY_MS);
    expect(out).toEqual(["m1", "m2"]);
    order.close();
  });

  it("hands nothing on once closed", async () => {
    vi.useFakeTimers();
    const { room, source } = fakeRoom(0);
    const { out, order } = await ordered(source);
    room.count = 3;
    order.accept(post(1));
    order.accept(post(3));
    order.close();
    await pastGapWait(GAP_WAIT_MS * 2);
    expect(out).toEqual(["m1"]);
    expect(room.reads).toBe(0);
  });
});
