import { Kind } from "graphql";
import { badUserInput } from "../errors.js";
import { ApiError } from "../graphql/apiError.js";
import { isSupportedInstant, SUPPORTED_RANGE } from "../instants.js";
import { builder } from "./builder.js";

const ISO_DATE_TIME = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d{1,9})?)?(Z|[+-]\d{2}:?\d{2})$/;

/**
 * A value that is not a DateTime. graphql-js keeps a GraphQLError thrown by a scalar as it is (and
 * prefixes any other error's message), so the refusal is the GraphQL form of the domain error.
 */
const invalid = (message: string) => ApiError.from(badUserInput(message));

/** `new Date` rolls an impossible day over ("2026-02-30" becomes March 2): refuse it instead. */
function isCalendarDay(value: string): boolean {
  const [year, month, day] = value.slice(0, 10).split("-").map(Number) as [number, number, number];
  const leap = year % 4 === 0 && (year % 100 !== 0 || year % 400 === 0);
  const daysInMonth = [31, leap ? 29 : 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31][month - 1];
  return daysInMonth !== undefined && day >= 1 && day <= daysInMonth;
}

function parseDateTime(value: unknown): Date {
  if (typeof value !== "string" || !ISO_DATE_TIME.test(value)) {
    throw invalid(`DateTime must be an ISO-8601 string with a time zone, e.g. "2026-03-14T21:00:00.000Z"`);
  }
  const date = new Date(value);
  if (Number.isNaN(date.getTime()) || !isCalendarDay(value)) throw invalid(`"${value}" is not a valid DateTime`);
  if (!isSupportedInstant(date)) throw invalid(`"${value}" is outside the supported range (${SUPPORTED_RANGE})`);
  return date;
}

builder.scalarType("DateTime", {
  description: 'ISO-8601 string in UTC, e.g. "2026-03-14T21:00:00.000Z"',
  serialize: (value) => (value instanceof Date ? value : new Date(value as string)).toISOString(),
  parseValue: parseDateTime,
  parseLiteral: (ast) => {
    if (ast.kind !== Kind.STRING) throw invalid("DateTime must be a string");
    return parseDateTime(ast.value);
  },
});
