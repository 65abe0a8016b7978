// Keyset queries (keyset.ts) written as SQL, for sources that send statements to the driver
// directly. A bound is a row comparison, `("startsAt", "id") > ($1, $2)`, which PostgreSQL
// answers from the (sort key, tie-breaker) index.
import { timestamptz } from "../../db/directSql.js";
import { Prisma } from "../../generated/prisma/client.js";
import type { KeysetOrder, KeysetQuery, SortDirection } from "./keyset.js";

/** A model field as a quoted column name (our tables name their columns after the fields). */
export const column = (field: string) => Prisma.raw(`"${field.replace(/"/g, '""')}"`);

const keyParam = (key: unknown) => (key instanceof Date ? timestamptz(key) : Prisma.sql`${key}::text`);

/** `ORDER BY` the sort key, then the tie-breaker, both in `direction`. */
export function orderBySql<V>(order: KeysetOrder<unknown, V>, direction: SortDirection) {
  const dir = Prisma.raw(direction === "asc" ? "ASC" : "DESC");
  return Prisma.sql`ORDER BY ${column(order.field)} ${dir}, ${column(order.tieBreaker)} ${dir}`;
}

/** The window as one condition (TRUE when unbounded) and its ORDER BY … LIMIT clause. */
export function keysetClauses<V>(order: KeysetOrder<unknown, V>, query: KeysetQuery) {
  const pair = Prisma.sql`(${column(order.field)}, ${column(order.tieBreaker)})`;
  const bounds = query.bounds.map(
    (bound) => Prisma.sql`${pair} ${Prisma.raw(bound.op)} (${keyParam(bound.key)}, ${bound.id}::uuid)`,
  );
  return {
    window: bounds.length ? Prisma.join(bounds, " AND ") : Prisma.sql`TRUE`,
    orderAndLimit: Prisma.sql`${orderBySql(order, query.direction)} LIMIT ${query.take}`,
  };
}
