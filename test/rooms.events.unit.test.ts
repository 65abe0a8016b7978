// The wire form of room events between instances: what one instance publishes, another reads
// back unchanged (bigint seq, dates, the author's row), and an instance recognises its own.
import { describe, expect, it } from "vitest";
import { decodeRoomEvent, encodedOriginPrefix, encodeRoomEvent, type RoomEvent } from "../src/realtime/bus/roomEvents.js";

const author = {
  id: "0190a1b2-0000-7000-8000-000000000001",
  email: "ana@example.com",
  displayName: "Ana",
  role: "USER" as const,
  isActive: true,
  createdAt: new Date("2026-01-02T03:04:05.678Z"),
  updatedAt: new Date("2026-02-03T04:05:06.789Z"),
};
const posted: RoomEvent = {
  kind: "MessagePosted",
  roomId: "room-1",
  message: {
    id: "m-1",
    seq: 9007199254740993n, // past Number.MAX_SAFE_INTEGER
    roomId: "room-1",
    authorId: author.id,
    text: "hola",
    clientMessageId: null,
    createdAt: new Date("2026-11-27T22:00:00.123Z"),
    author,
  },
};

describe("room event wire form", () => {
  it("reads back a posted message with its author exactly, and a member event", () => {
    expect(decodeRoomEvent(encodeRoomEvent(posted, "i-1"))).toEqual(posted);
    const joined: RoomEvent = { kind: "MemberJoined", roomId: "room-1", userId: author.id, memberCount: 3, at: new Date() };
    expect(decodeRoomEvent(encodeRoomEvent(joined, "i-1"))).toEqual(joined);
  });

  it("starts with the publishing instance's prefix, and no other instance's", () => {
    const raw = encodeRoomEvent(posted, "i-1");
    expect(raw.startsWith(encodedOriginPrefix("i-1"))).toBe(true);
    expect(raw.startsWith(encodedOriginPrefix("i-10"))).toBe(false);
    expect(raw.startsWith(encodedOriginPrefix("i-"))).toBe(false);
  });

  it("reads events without an origin or author (older instances) and ignores anything else", () => {
    const { author: _author, ...message } = (posted as { message: object & { author: unknown } }).message;
    const older = JSON.stringify({
      kind: "MessagePosted",
      roomId: "room-1",
      message: { ...message, seq: "7", createdAt: "2026-11-27T22:00:00.123Z" },
    });
    expect(decodeRoomEvent(older)).toMatchObject({ kind: "MessagePosted", message: { seq: 7n, text: "hola" } });
    expect(decodeRoomEvent(older)).not.toHaveProperty("message.author");
    expect(decodeRoomEvent("not json")).toBeNull();
    expect(decodeRoomEvent(JSON.stringify({ kind: "Other", roomId: "room-1" }))).toBeNull();
  });
});
