// What happens in a room, as delivered to roomEvents subscribers, and its wire form for pub/sub
// between instances (JSON has no bigint or Date: seq travels as a string, times as ISO strings).
import type { Message } from "../../generated/prisma/client.js";
import type { PublicUser } from "../../services/users/index.js";

/** The author's row as the API may show it (never the password hash). */
export type Author = PublicUser;
/**
 * A posted message travels with its author's row, read while it was stored, so no subscriber's
 * execution has to look the author up again.
 */
export type PostedMessage = Message & { author?: Author };
/**
 * `postNumber`: on live events, the message's place among the room's posts (1, 2, 3, … in commit
 * order, see messages.ts); replayed history has none.
 */
export type MessagePostedEvent = { kind: "MessagePosted"; roomId: string; message: PostedMessage; postNumber?: bigint };
export type MemberEvent = { kind: "MemberJoined" | "MemberLeft"; roomId: string; userId: string; memberCount: number; at: Date };
export type RoomEvent = MessagePostedEvent | MemberEvent;

type WireAuthor = Omit<Author, "createdAt" | "updatedAt"> & { createdAt: string; updatedAt: string };
type WireMessage = Omit<Message, "seq" | "createdAt"> & { seq: string; createdAt: string; author?: WireAuthor };
type WireEvent =
  | { kind: "MessagePosted"; roomId: string; message: WireMessage; postNumber?: string }
  | (Omit<MemberEvent, "at"> & { at: string });

/** How an event encoded by the instance `origin` starts (the origin is its first key). */
export const encodedOriginPrefix = (origin: string) => `{"origin":${JSON.stringify(origin)},`;

/** JSON of the event; `origin` names the publishing instance. */
export function encodeRoomEvent(event: RoomEvent, origin: string): string {
  const wire: WireEvent =
    event.kind === "MessagePosted"
      ? {
          ...event,
          postNumber: event.postNumber?.toString(),
          message: {
            ...event.message,
            seq: event.message.seq.toString(),
            createdAt: event.message.createdAt.toISOString(),
            author: event.message.author && {
              ...event.message.author,
              createdAt: event.message.author.createdAt.toISOString(),
              updatedAt: event.message.author.updatedAt.toISOString(),
            },
          },
        }
      : { ...event, at: event.at.toISOString() };
  return JSON.stringify({ origin, ...wire });
}

/** The event, or null for anything that is not one (another version's or a stray publish). */
export function decodeRoomEvent(raw: string): RoomEvent | null {
  try {
    const wire = JSON.parse(raw) as WireEvent;
    if (typeof wire?.roomId !== "string") return null;
    if (wire.kind === "MessagePosted" && typeof wire.message?.id === "string") {
      const { seq, createdAt, author, ...message } = wire.message;
      const posted: PostedMessage = { ...message, seq: BigInt(seq), createdAt: new Date(createdAt) };
      if (author?.id === message.authorId) {
        posted.author = { ...author, createdAt: new Date(author.createdAt), updatedAt: new Date(author.updatedAt) };
      }
      return {
        kind: "MessagePosted",
        roomId: wire.roomId,
        message: posted,
        ...(typeof wire.postNumber === "string" && wire.postNumber ? { postNumber: BigInt(wire.postNumber) } : {}),
      };
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
