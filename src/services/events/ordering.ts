// The orders events can be listed in. Each pairs its sort key with the id as tie-break, so
// cursors and page numbers stay stable when many events share a start time or a title.
import type { Event } from "../../generated/prisma/client.js";
import { dateKey, stringKey, type KeyCodec } from "../pagination/cursor.js";
import type { KeysetOrder, SortDirection } from "../pagination/keyset.js";

export type EventSortField = "STARTS_AT" | "CREATED_AT" | "TITLE";
export interface EventOrderInput {
  field: EventSortField;
  direction?: "ASC" | "DESC" | null;
}

export const DEFAULT_ORDER = { field: "STARTS_AT", direction: "ASC" } as const satisfies EventOrderInput;

/** Sort keys of different types share one shape; each codec checks its own type in cursors. */
export type EventOrder = KeysetOrder<Event, unknown>;

function keyed<V>(field: keyof Event & string, codec: KeyCodec<V>) {
  return (name: string, direction: SortDirection): EventOrder => ({
    name,
    field,
    direction,
    codec,
    keyOf: (event) => event[field],
    tieBreaker: "id",
    tieBreakerOf: (event) => event.id,
  });
}

const sortKeys = {
  STARTS_AT: keyed("startsAt", dateKey),
  CREATED_AT: keyed("createdAt", dateKey),
  TITLE: keyed("title", stringKey),
} satisfies Record<EventSortField, unknown>;

export function eventOrder(input: EventOrderInput | null | undefined): EventOrder {
  const field = input?.field ?? DEFAULT_ORDER.field;
  const direction = input?.direction ?? DEFAULT_ORDER.direction;
  return sortKeys[field](`event:${field}:${direction}`, direction === "ASC" ? "asc" : "desc");
}
