// EventFilter → Prisma where. Every given criterion narrows the result (they compose with AND).
import type { Prisma } from "../../generated/prisma/client.js";
import { parseInput } from "../../validation.js";
import { filterSchema, type EventFilter } from "./validation.js";

/**
 * Prisma sends `contains` and case-insensitive `equals` as ILIKE without escaping, so a `%` or
 * `_` typed by a user would be a wildcard. Backslash is PostgreSQL's default LIKE escape.
 */
export const escapeLike = (text: string) => text.replace(/[\\%_]/g, (c) => `\\${c}`);

/** Validates the filter (issues under "filter.") and builds the where clause it stands for. */
export function eventWhere(filter: EventFilter | null | undefined): Prisma.EventWhereInput {
  if (!filter) return {};
  const f = parseInput(filterSchema, filter, ["filter"]);
  const where: Prisma.EventWhereInput[] = [];
  // Blank text and an empty kinds list restrict nothing (a search box or multi-select left empty).
  if (f.city) where.push({ city: { equals: escapeLike(f.city), mode: "insensitive" } });
  if (f.kinds?.length) where.push({ kind: { in: f.kinds } });
  if (f.startsAfter) where.push({ startsAt: { gte: f.startsAfter } });
  if (f.startsBefore) where.push({ startsAt: { lt: f.startsBefore } });
  if (f.search) {
    const pattern = escapeLike(f.search);
    where.push({
      OR: [
        { title: { contains: pattern, mode: "insensitive" } },
        { description: { contains: pattern, mode: "insensitive" } },
      ],
    });
  }
  if (f.organizerId) where.push({ organizerId: f.organizerId });
  return where.length ? { AND: where } : {};
}
