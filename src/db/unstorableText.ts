// PostgreSQL text cannot hold the NUL character (U+0000): a statement carrying one fails with
// SQLSTATE 22021 (22P05 inside JSON). JavaScript strings sent by the drivers are valid UTF-8
// otherwise, so this is always the client's input reaching a column: BAD_USER_INPUT, not a bug.
import { someInChain } from "./errorChain.js";

const CODES = new Set(["22021", "22P05"]);

export const isUnstorableText = (error: unknown) =>
  // pg's and PGlite's DatabaseError carry a severity, the driver adapter's error kind "postgres".
  someInChain(error, (e) => CODES.has(e.code as string) && (typeof e.severity === "string" || e.kind === "postgres"));

export const UNSTORABLE_TEXT_MESSAGE = "Invalid input: text must not contain the NUL character (U+0000)";
