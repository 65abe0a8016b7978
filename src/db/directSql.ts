// Raw SQL sent straight to the driver (pg's pool, or PGlite) instead of through Prisma's client.
// Prisma's $queryRaw spends about 150 µs of CPU per statement in its request pipeline on top of
// the driver's ~110 µs (measured with both on one pool): too much for statements that run on
// every message sent or page read. The statement text and values are Prisma.sql templates still.
import type { PGlite } from "@electric-sql/pglite";
import pg from "pg";
import { Prisma } from "../generated/prisma/client.js";
import type { Sql } from "../generated/prisma/internal/prismaNamespace.js";

/**
 * Runs one statement and returns its rows. int8 reads as bigint and timestamptz as Date, as with
 * $queryRaw; other types as the driver reads them (numeric as a string, arrays of int8 not as
 * bigint[]: no direct statement reads those). Outside any Prisma transaction.
 */
export type DirectSql = <Row = Record<string, unknown>>(query: Sql) => Promise<Row[]>;

const INT8_OID = 20;

/** A Date as a statement value: ISO text cast in SQL, so pg and PGlite send the same instant. */
export const timestamptz = (date: Date) => Prisma.sql`${date.toISOString()}::timestamptz`;

// pg reads int8 as a string (it may not fit a number); Prisma's raw queries give a bigint.
const prismaLikeTypes = {
  getTypeParser: ((oid: number, format?: "text" | "binary") =>
    oid === INT8_OID && format !== "binary" ? BigInt : pg.types.getTypeParser(oid, format)) as typeof pg.types.getTypeParser,
};

export function postgresSql(pool: pg.Pool, onStatement: (sql: string) => void): DirectSql {
  return async <Row>(query: Sql) => {
    onStatement(query.text);
    const result = await pool.query({ text: query.text, values: query.values, types: prismaLikeTypes });
    return result.rows as Row[];
  };
}

const TIMESTAMPTZ_OID = 1184;

// PGlite reads int8 as a number when it fits one, a bigint only when it does not; and it reads
// timestamptz with `new Date(text)`, which takes years 0001–0099 for 1901–1999: pg's parser
// (postgres-date) reads every year as written.
const pgliteParsers = {
  [INT8_OID]: (value: string) => BigInt(value),
  [TIMESTAMPTZ_OID]: pg.types.getTypeParser(TIMESTAMPTZ_OID, "text"),
};

export function pgliteSql(pglite: PGlite, onStatement: (sql: string) => void): DirectSql {
  return async <Row>(query: Sql) => {
    onStatement(query.text);
    try {
      return (await pglite.query<Row>(query.text, query.values as unknown[], { parsers: pgliteParsers })).rows;
    } catch (error) {
      // PGlite's error carries the statement's values (message texts, client addresses): logged
      // errors must not (pg's and Prisma's do not).
      if (error && typeof error === "object")
        for (const key of ["params", "queryOptions"]) delete (error as Record<string, unknown>)[key];
      throw error;
    }
  };
}
