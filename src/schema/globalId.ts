// Relay global ids: base64("Type:uuid"). Anything else is the client's mistake (BAD_USER_INPUT),
// never a database error.
import { badUserInput, quoted } from "../errors.js";

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
export const NODE_TYPES = ["User", "Event", "Room", "Message"] as const;
export type NodeTypeName = (typeof NODE_TYPES)[number];

export function encodeGlobalId(typename: string, id: string | number | bigint): string {
  return Buffer.from(`${typename}:${id}`, "utf8").toString("base64");
}

const unpadded = (base64: string) => base64.replace(/=+$/, "");

export function decodeGlobalId(globalId: string): { typename: NodeTypeName; id: string } {
  const decoded = Buffer.from(globalId, "base64").toString("utf8");
  // Node's decoder skips characters that are not base64: only the id's own text (padding
  // optional) names it, not "<id>$$$" or " <id> ".
  if (unpadded(Buffer.from(decoded, "utf8").toString("base64")) !== unpadded(globalId))
    throw badUserInput(`${quoted(globalId)} is not a valid ID`);
  const separator = decoded.indexOf(":");
  const typename = decoded.slice(0, separator) as NodeTypeName;
  const id = decoded.slice(separator + 1);
  if (separator < 1 || !NODE_TYPES.includes(typename) || !UUID.test(id)) {
    throw badUserInput(`${quoted(globalId)} is not a valid ID`);
  }
  // Stored uuids are lowercase; loaders match rows by the id string.
  return { typename, id: id.toLowerCase() };
}

/** Decodes an id that must name a `typename`; one of another type is BAD_USER_INPUT too. */
export function decodeIdOf(typename: NodeTypeName, globalId: string): string {
  const decoded = decodeGlobalId(globalId);
  if (decoded.typename !== typename) throw badUserInput(`${quoted(globalId)} is not a ${typename} ID`);
  return decoded.id;
}
