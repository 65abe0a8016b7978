// What happens in a room, as delivered to roomEvents subscribers, and its wire form for pub/sub
// between instances (JSON has no bigint or Date: seq travels as a string, times as ISO strings).
import type { Message } from "../../generated/prisma/client.js";

export type MessagePostedEvent = { kind: "MessagePosted"; roomId: string; message: Message };
export type MemberEvent = { kind: "MemberJoined" | "MemberLeft"; roomId: string; userId: string; memberCount: number; at: Date };
export type RoomEvent = MessagePostedEvent | MemberEvent;

type WireMessage = Omit<Message, "seq" | "createdAt"> & { seq: string; createdAt: string };
type WireEvent =
  | { kind: "MessagePosted"; roomId: string; message: WireMessage }
  | (Omit<MemberEvent, "at"> & { at: string });

export function encodeRoomEvent(event: RoomEvent): string {
  const wire: WireEvent =
    event.kind === "MessagePosted"
      ? {
          ...event,
          message: { ...event.message, seq: event.message.seq.toString(), createdAt: event.message.createdAt.toISOString() },
        }
      : { ...event, at: event.at.toISOString() };
  return JSON.stringify(wire);
}

/** The event, or null for anything that is not one (another version's or a stray publish). */
export function decodeRoomEvent(raw: string): RoomEvent | null {
  try {
    const wire = JSON.parse(raw) as WireEvent;
    if (typeof wire?.roomId !== "string") return null;
    if (wire.kind === "MessagePosted" && typeof wire.message?.id === "string") {
      const { seq, createdAt, ...message } = wire.message;
      return { kind: "MessagePosted", roomId: wire.roomId, message: { ...message, seq: BigInt(seq), createdAt: new Date(createdAt) } };
    }
    if ((wire.kind === "MemberJoined" || wire.kind === "MemberLeft") && typeof wire.userId === "string") {
      const { kind, roomId, userId, memberCount, at } = wire;
      return { kind, roomId, userId, memberCount, at: new Date(at) };
    }
    return null;
  } catch {
    return null;
  }
}
