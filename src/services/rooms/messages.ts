// Messages: stored with a sequence number that orders them; history pages and resume walk by it.
// Live delivery reads here too: where a room stands (post count, last seq) and the posts an
// instance missed (a lost or late publish), in one snapshot each, so the database is the truth
// that Redis pub/sub only speeds up (src/realtime/bus/postOrder.ts).
import { v7 as uuidv7 } from "uuid";
import { z } from "zod";
import type { DirectSql } from "../../db/client.js";
import { badUserInput, conflict, quoted } from "../../errors.js";
import { Prisma, type Message, type PrismaClient } from "../../generated/prisma/client.js";
import { parseInput } from "../../validation.js";
import { publicUserColumns } from "../users/index.js";
import { bigintKey } from "../pagination/cursor.js";
import { keysetConnection, type Connection, type ConnectionArgs, type KeysetOrder } from "../pagination/keyset.js";
import type { Author, PostedMessage } from "../../realtime/bus/roomEvents.js";
import type { MissedPosts, RoomPosition } from "../../realtime/bus/postOrder.js";

export const MESSAGE_MAX = 2000;
export const CLIENT_MESSAGE_ID_MAX = 100;
export const MESSAGE_PAGE = { defaultSize: 20, max: 100 };
const REPLAY_BATCH = 200;
/** Missed posts read per statement when an instance catches up (src/realtime/bus/postOrder.ts). */
const CATCH_UP_BATCH = 500;

/** Length in characters as people count them (code points, so an emoji is one). */
const characters = (text: string) => [...text].length;

export const messageTextSchema = z
  .string()
  .trim()
  .refine((text) => characters(text) >= 1, { message: "must not be empty" })
  .refine((text) => characters(text) <= MESSAGE_MAX, { message: `must be at most ${MESSAGE_MAX} characters` });
export const clientMessageIdSchema = z
  .string()
  .min(1, { message: "must not be empty" })
  .max(CLIENT_MESSAGE_ID_MAX, { message: `must be at most ${CLIENT_MESSAGE_ID_MAX} characters` })
  .nullish()
  .transform((v) => v ?? null);

const sendSchema = z.object({ text: messageTextSchema, clientMessageId: clientMessageIdSchema });

export interface NewMessage {
  text: string;
  clientMessageId?: string | null;
}

/** The delivery confirmation: the message is stored (and was handed to subscribers). */
export interface MessageReceipt {
  messageId: string;
  clientMessageId: string | null;
  timestamp: Date;
}

export const receiptOf = (message: Message): MessageReceipt => ({
  messageId: message.id,
  clientMessageId: message.clientMessageId,
  timestamp: message.createdAt,
});

const messageOrder: KeysetOrder<Message, bigint> = {
  name: "messages",
  field: "seq",
  direction: "asc",
  codec: bigintKey,
  keyOf: (message) => message.seq,
  tieBreaker: "id",
  tieBreakerOf: (message) => message.id,
};

// The room's post number of a stored message, selected next to its columns (not a column of its own).
const POST_NUMBER = "post.number";
// The room's post count, selected next to the messages a catch-up reads.
const POST_COUNT = "room.postCount";

// The author's public columns, selected as "author.<field>" next to the stored message's own.
const AUTHOR_PREFIX = "author.";
const AUTHOR_COLUMNS = publicUserColumns("u", AUTHOR_PREFIX);

/** The row's own columns are the message (RETURNING *), the prefixed ones its author. */
function postedMessageOf(row: Record<string, unknown>): PostedMessage {
  const message: Record<string, unknown> = {};
  const author: Record<string, unknown> = {};
  for (const [column, value] of Object.entries(row)) {
    if (column.startsWith(AUTHOR_PREFIX)) author[column.slice(AUTHOR_PREFIX.length)] = value;
    else message[column] = value;
  }
  return { ...(message as Message), author: author as Author };
}

export function createMessageStore(prisma: PrismaClient, sql: DirectSql) {
  const byClientId = (authorId: string, clientMessageId: string) =>
    prisma.message.findUnique({ where: { authorId_clientMessageId: { authorId, clientMessageId } } });

  return {
    /** Validates input (BAD_USER_INPUT naming input.text / input.clientMessageId). */
    validate: (input: NewMessage) => parseInput(sendSchema, input, ["input"]),

    /**
     * Stores the message and returns it with its author's row, in one statement; `created` is
     * false when this author already sent one with this clientMessageId (a retry, or two sends of
     * it racing): then that first message is returned and nothing is stored. The same
     * clientMessageId with another text or room is CONFLICT (and stores nothing either).
     */
    async store(
      roomId: string,
      authorId: string,
      input: { text: string; clientMessageId: string | null },
    ): Promise<{ message: PostedMessage; postNumber: bigint; created: true } | { message: Message; created: false }> {
      const { text, clientMessageId } = input;
      // The room's post number is taken first, under the room row's lock until commit: posts to one
      // room commit one after the other, numbered without gaps in commit (and seq) order, which
      // live delivery follows (realtime/bus/postOrder.ts). A retry of a stored message takes no number; only
      // two sends of one clientMessageId racing can waste one (delivery then reads past the gap).
      // ON CONFLICT waits for a concurrent insert of the same retry to commit, then skips.
      const retry = clientMessageId
        ? Prisma.sql`AND NOT EXISTS (SELECT 1 FROM "Message" WHERE "authorId" = ${authorId}::uuid AND "clientMessageId" = ${clientMessageId})`
        : Prisma.empty;
      const [row] = await sql(Prisma.sql`
        WITH p AS (
          UPDATE "Room" SET "postCount" = "postCount" + 1 WHERE "id" = ${roomId}::uuid ${retry} RETURNING "postCount"
        ), m AS (
          INSERT INTO "Message" ("id", "roomId", "authorId", "text", "clientMessageId")
          SELECT ${uuidv7()}::uuid, ${roomId}::uuid, ${authorId}::uuid, ${text}, ${clientMessageId} FROM p
          ON CONFLICT ("authorId", "clientMessageId") DO NOTHING
          RETURNING *
        )
        SELECT m.*, p."postCount" AS "${Prisma.raw(POST_NUMBER)}", ${AUTHOR_COLUMNS}
        FROM m CROSS JOIN p JOIN "User" u ON u."id" = m."authorId"`);
      if (row) {
        const { [POST_NUMBER]: postNumber, ...posted } = row;
        return { message: postedMessageOf(posted), postNumber: BigInt(postNumber as bigint | string), created: true };
      }
      const first = clientMessageId ? await byClientId(authorId, clientMessageId) : null;
      if (!first) throw new Error("a message was neither stored nor found as an earlier retry");
      // Like an idempotency key reused with another request: only an exact retry gets the receipt.
      if (first.roomId !== roomId || first.text !== text) {
        throw conflict(`clientMessageId ${quoted(clientMessageId!)} was already used for another message`);
      }
      return { message: first, created: false };
    },

    /** Where the room stands: its post count and the seq of its last message, in one snapshot (zeros for no room). */
    async position(roomId: string): Promise<RoomPosition> {
      const [row] = await sql<{ postCount: bigint; lastSeq: bigint | null }>(Prisma.sql`
        SELECT r."postCount", (SELECT max(m."seq") FROM "Message" m WHERE m."roomId" = r."id") AS "lastSeq"
        FROM "Room" r WHERE r."id" = ${roomId}::uuid`);
      return { postCount: row?.postCount ?? 0n, lastSeq: row?.lastSeq ?? 0n };
    },

    /**
     * The room's post count and its messages after `seq` (with their authors), oldest first, at
     * most CATCH_UP_BATCH, in one snapshot: when the batch is not cut, every post numbered up to
     * that count is in it or was before `seq`.
     */
    async missedAfter(roomId: string, seq: bigint): Promise<MissedPosts> {
      const rows = await sql(Prisma.sql`
        SELECT r."postCount" AS "${Prisma.raw(POST_COUNT)}", m.*, ${AUTHOR_COLUMNS}
        FROM "Room" r
        LEFT JOIN LATERAL (
          SELECT * FROM "Message" WHERE "roomId" = r."id" AND "seq" > ${seq.toString()}::bigint ORDER BY "seq" LIMIT ${CATCH_UP_BATCH}
        ) m ON true
        LEFT JOIN "User" u ON u."id" = m."authorId"
        WHERE r."id" = ${roomId}::uuid
        ORDER BY m."seq"`);
      const messages: PostedMessage[] = [];
      for (const { [POST_COUNT]: _count, ...row } of rows) if (row.id !== null) messages.push(postedMessageOf(row));
      return {
        postCount: (rows[0]?.[POST_COUNT] as bigint | undefined) ?? 0n,
        messages,
        more: messages.length === CATCH_UP_BATCH,
      };
    },

    /** The post counts of these rooms (a room that is gone is left out). */
    async postCounts(roomIds: string[]): Promise<Map<string, bigint>> {
      const rooms = await prisma.room.findMany({ where: { id: { in: roomIds } }, select: { id: true, postCount: true } });
      return new Map(rooms.map((room) => [room.id, room.postCount]));
    },

    history(roomId: string, args: ConnectionArgs): Promise<Connection<Message>> {
      return keysetConnection(
        args,
        messageOrder,
        {
          findMany: ({ where, orderBy, take }) => prisma.message.findMany({ where: { AND: [{ roomId }, where] }, orderBy, take }),
          count: () => prisma.message.count({ where: { roomId } }),
        },
        MESSAGE_PAGE,
      );
    },

    /** The message a resume starts after; BAD_USER_INPUT unless it is a message of this room. */
    async resumePoint(roomId: string, roomSlug: string, messageId: string): Promise<Message> {
      const message = await prisma.message.findUnique({ where: { id: messageId } });
      if (!message || message.roomId !== roomId) {
        const problem = `is not a message of room "${roomSlug}"`;
        throw badUserInput(`Invalid input: since: ${problem}`, [{ path: "since", message: problem }]);
      }
      return message;
    },

    /** Every message of the room after `seq`, oldest first, in batches. */
    async *after(roomId: string, seq: bigint): AsyncGenerator<Message[]> {
      let cursor = seq;
      for (;;) {
        const batch = await prisma.message.findMany({
          where: { roomId, seq: { gt: cursor } },
          orderBy: { seq: "asc" },
          take: REPLAY_BATCH,
        });
        if (batch.length > 0) yield batch;
        if (batch.length < REPLAY_BATCH) return;
        cursor = batch.at(-1)!.seq;
      }
    },
  };
}

export type MessageStore = ReturnType<typeof createMessageStore>;
