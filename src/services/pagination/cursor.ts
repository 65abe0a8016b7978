// Opaque connection cursors: base64url(JSON [orderName, sortKey, id]). The order name makes a
// cursor from another sort order a client mistake instead of a silently wrong position.
import { badUserInput } from "../../errors.js";
import { isSupportedInstant } from "../../instants.js";

/** How one sort key travels inside a cursor: written as JSON, read back with validation. */
export interface KeyCodec<V> {
  write(value: V): string | number;
  /** The key, or undefined when the cursor holds something that is not one. */
  read(raw: unknown): V | undefined;
}

export const dateKey: KeyCodec<Date> = {
  write: (value) => value.toISOString(),
  read: (raw) => {
    if (typeof raw !== "string") return undefined;
    const date = new Date(raw);
    return Number.isNaN(date.getTime()) || !isSupportedInstant(date) || date.toISOString() !== raw ? undefined : date;
  },
};

export const stringKey: KeyCodec<string> = {
  write: (value) => value,
  // No stored text holds NUL (PostgreSQL cannot): a key with one was not written by us.
  read: (raw) => (typeof raw === "string" && !raw.includes("\u0000") ? raw : undefined),
};

const INT8_MIN = -(2n ** 63n);
const INT8_MAX = 2n ** 63n - 1n;

/** bigint keys (an int8 column, e.g. an autoincrement sequence) as decimal strings: JSON has no bigint. */
export const bigintKey: KeyCodec<bigint> = {
  write: (value) => value.toString(),
  read: (raw) => {
    if (typeof raw !== "string" || !/^-?\d{1,19}$/.test(raw)) return undefined;
    const value = BigInt(raw);
    return value >= INT8_MIN && value <= INT8_MAX ? value : undefined;
  },
};

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export interface CursorPosition<V> {
  key: V;
  id: string;
}

export function encodeCursor<V>(orderName: string, codec: KeyCodec<V>, position: CursorPosition<V>): string {
  return Buffer.from(JSON.stringify([orderName, codec.write(position.key), position.id]), "utf8").toString("base64url");
}

/** Reads a cursor of `orderName`; anything else is BAD_USER_INPUT naming the argument. */
export function decodeCursor<V>(orderName: string, codec: KeyCodec<V>, cursor: string, argName: string): CursorPosition<V> {
  const invalid = (message: string) => badUserInput(`Invalid input: ${argName}: ${message}`, [{ path: argName, message }]);
  let parsed: unknown;
  try {
    parsed = JSON.parse(Buffer.from(cursor, "base64url").toString("utf8"));
  } catch {
    throw invalid("is not a valid cursor");
  }
  if (!Array.isArray(parsed) || parsed.length !== 3) throw invalid("is not a valid cursor");
  const [name, rawKey, id] = parsed as unknown[];
  if (name !== orderName) throw invalid("is a cursor of another sort order or list");
  const key = codec.read(rawKey);
  if (key === undefined || typeof id !== "string" || !UUID.test(id)) throw invalid("is not a valid cursor");
  return { key, id };
}
