// PostOrder hands a room's live posts on in post order, holding one whose predecessor has not
// arrived, at most HOLD_MS; presence events and late posts go on at once.
import { afterEach, describe, expect, it, vi } from "vitest";
import type { RoomEvent } from "../src/services/rooms/events.js";
import { HOLD_MS, PostOrder } from "../src/services/rooms/postOrder.js";

const post = (n: number) => ({ kind: "MessagePosted", roomId: "r", message: { id: `m${n}` }, postNumber: BigInt(n) }) as unknown as RoomEvent;
const joined = { kind: "MemberJoined", roomId: "r", userId: "u", memberCount: 1, at: new Date() } as RoomEvent;
const name = (event: RoomEvent) => (event.kind === "MessagePosted" ? event.message.id : event.kind);

function ordered(postCount: bigint | null = null) {
  const out: string[] = [];
  const order = new PostOrder((event) => out.push(name(event)));
  order.start(postCount);
  return { out, order };
}

afterEach(() => vi.useRealTimers());

describe("PostOrder", () => {
  it("holds a post until the one before it arrives, then hands both on in order", () => {
    const { out, order } = ordered();
    order.accept(post(1));
    order.accept(post(3));
    order.accept(joined);
    expect(out).toEqual(["m1", "MemberJoined"]);
    order.accept(post(2));
    expect(out).toEqual(["m1", "MemberJoined", "m2", "m3"]);
    order.close();
  });

  it("waits at most HOLD_MS for a number that never comes, then goes on in order; a late post still arrives", () => {
    vi.useFakeTimers();
    const { out, order } = ordered();
    order.accept(post(5));
    order.accept(post(8));
    order.accept(post(7));
    vi.advanceTimersByTime(HOLD_MS - 1);
    expect(out).toEqual(["m5"]);
    vi.advanceTimersByTime(1);
    vi.runOnlyPendingTimers(); // the flush runs in setImmediate, after pending socket reads
    expect(out).toEqual(["m5", "m7", "m8"]);
    order.accept(post(6)); // late: handed on rather than lost
    order.accept(post(9));
    expect(out).toEqual(["m5", "m7", "m8", "m6", "m9"]);
    order.close();
  });

  it("before it starts, holds posts; then hands on those up to the room's post count, and the rest in order", () => {
    const out: string[] = [];
    const order = new PostOrder((event) => out.push(name(event)));
    order.accept(post(12));
    order.accept(post(10)); // posted before this instance listened
    order.accept(joined);
    expect(out).toEqual(["MemberJoined"]);
    order.start(10n);
    expect(out).toEqual(["MemberJoined", "m10"]);
    order.accept(post(11));
    expect(out).toEqual(["MemberJoined", "m10", "m11", "m12"]);
    order.close();
  });

  it("gives a gap still open after the one waited for closed its own full wait", () => {
    vi.useFakeTimers();
    const { out, order } = ordered(0n);
    order.accept(post(2));
    order.accept(post(4));
    vi.advanceTimersByTime(HOLD_MS - 5);
    order.accept(post(1));
    expect(out).toEqual(["m1", "m2"]);
    vi.advanceTimersByTime(HOLD_MS - 5); // past the first wait's end, not the second's
    expect(out).toEqual(["m1", "m2"]); // 4 still waits for 3
    order.accept(post(3));
    expect(out).toEqual(["m1", "m2", "m3", "m4"]);
    order.close();
  });

  it("hands nothing on once closed", () => {
    vi.useFakeTimers();
    const { out, order } = ordered();
    order.accept(post(1));
    order.accept(post(3));
    order.close();
    vi.advanceTimersByTime(HOLD_MS * 2);
    expect(out).toEqual(["m1"]);
  });
});
