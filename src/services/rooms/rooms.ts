// Rooms themselves: created by organizers, listed and looked up by slug.
import { z } from "zod";
import { BoundedMap } from "../../boundedMap.js";
import { conflict, notFound, quoted } from "../../errors.js";
import type { PrismaClient, Room } from "../../generated/prisma/client.js";
import { parseInput } from "../../validation.js";

export const SLUG_PATTERN = /^[a-z0-9][a-z0-9-]{1,62}$/;
export const ROOM_NAME_MAX = 100;
export const ROOM_DESCRIPTION_MAX = 1000;

export const slugSchema = z
  .string()
  .regex(SLUG_PATTERN, { message: "must be 2 to 63 lowercase letters, digits or dashes, not starting with a dash" });
export const roomNameSchema = z
  .string()
  .trim()
  .min(1, { message: "must not be empty" })
  .max(ROOM_NAME_MAX, { message: `must be at most ${ROOM_NAME_MAX} characters` });
export const roomDescriptionSchema = z
  .string()
  .trim()
  .max(ROOM_DESCRIPTION_MAX, { message: `must be at most ${ROOM_DESCRIPTION_MAX} characters` })
  .nullish()
  .transform((v) => (v ? v : null));

const createRoomSchema = z.object({ slug: slugSchema, name: roomNameSchema, description: roomDescriptionSchema });

export interface CreateRoomInput {
  slug: string;
  name: string;
  description?: string | null;
}

const isUniqueViolation = (error: unknown) => (error as { code?: string } | null)?.code === "P2002";

export function createRoomDirectory(prisma: PrismaClient) {
  // Rooms are never renamed or deleted through the API, so a room found once is remembered (a
  // slug not found is not: another instance may create it). Every message and subscription
  // names its room by slug; this saves that lookup.
  const known = new BoundedMap<string, Room>(10_000);

  async function bySlug(slug: string): Promise<Room | null> {
    const cached = known.get(slug);
    if (cached) return cached;
    const room = await prisma.room.findUnique({ where: { slug } });
    if (room) known.set(slug, room);
    return room;
  }

  return {
    async create(creatorId: string, input: CreateRoomInput): Promise<Room> {
      const data = parseInput(createRoomSchema, input, ["input"]);
      try {
        return await prisma.room.create({ data: { ...data, createdById: creatorId } });
      } catch (error) {
        if (isUniqueViolation(error)) throw conflict(`A room with the slug "${data.slug}" already exists`);
        throw error;
      }
    },

    list: (): Promise<Room[]> => prisma.room.findMany({ orderBy: [{ createdAt: "asc" }, { id: "asc" }] }),

    bySlug,

    /** NOT_FOUND for an unknown slug. */
    async require(slug: string): Promise<Room> {
      const room = await bySlug(slug);
      if (!room) throw notFound(`Room ${quoted(slug)}`);
      return room;
    },

    byIds: (ids: string[]) => prisma.room.findMany({ where: { id: { in: ids } } }),
  };
}

export type RoomDirectory = ReturnType<typeof createRoomDirectory>;
