// EventFilter → an SQL condition on "Event". Every given criterion narrows the result (they
// compose with AND). Matching follows what Prisma's `equals`/`contains` with mode "insensitive"
// send, ILIKE, with the user's text escaped so `%` and `_` match themselves.
import { timestamptz } from "../../db/directSql.js";
import { Prisma } from "../../generated/prisma/client.js";
import { parseInput } from "../../validation.js";
import { filterSchema, type EventFilter } from "./validation.js";

/** Backslash is PostgreSQL's default LIKE escape. */
export const escapeLike = (text: string) => text.replace(/[\\%_]/g, (c) => `\\${c}`);

/** Validates the filter (issues under "filter.") and builds the condition it stands for. */
export function eventCondition(filter: EventFilter | null | undefined): Prisma.Sql {
  if (!filter) return Prisma.sql`TRUE`;
  const f = parseInput(filterSchema, filter, ["filter"]);
  const conditions: Prisma.Sql[] = [];
  // Blank text and an empty kinds list restrict nothing (a search box or multi-select left empty).
  if (f.city) conditions.push(Prisma.sql`"city" ILIKE ${escapeLike(f.city)}`);
  // Sent as text[]: PGlite serializes an array only for a type it knows, and an enum's is not one.
  if (f.kinds?.length) conditions.push(Prisma.sql`"kind" = ANY(${f.kinds}::text[]::"EventKind"[])`);
  if (f.startsAfter) conditions.push(Prisma.sql`"startsAt" >= ${timestamptz(f.startsAfter)}`);
  if (f.startsBefore) conditions.push(Prisma.sql`"startsAt" < ${timestamptz(f.startsBefore)}`);
  if (f.search) {
    const pattern = `%${escapeLike(f.search)}%`;
    conditions.push(Prisma.sql`("title" ILIKE ${pattern} OR "description" ILIKE ${pattern})`);
  }
  if (f.organizerId) conditions.push(Prisma.sql`"organizerId" = ${f.organizerId}::uuid`);
  return conditions.length ? Prisma.join(conditions, " AND ") : Prisma.sql`TRUE`;
}
