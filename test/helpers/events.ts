// Generated events for the events tests: inserted straight into the test server's database
// (createManyAndReturn, one statement) and the same rows kept in memory as the expectation.
import type { Event } from "../../src/generated/prisma/client.js";
import { EventKind } from "../../src/generated/prisma/enums.js";
import { encodeGlobalId } from "../../src/schema/globalId.js";
import type { GraphQLResponse, TestServer } from "./server.js";

export const KINDS = Object.values(EventKind);

// Lower-case words, none a prefix of another, and two-digit numbers: every collation (C,
// en_US, ...) orders these titles as JavaScript does, so in-memory sorts are the oracle.
const WORDS = ["abrazo", "cortina", "milonga", "ocho", "practica", "tango", "vals"];
const CITIES = ["Buenos Aires", "BUENOS AIRES", "buenos aires", "Buenos_Aires", "Paris", "Berlin", "Montevideo"];
// "100% vinyl" and "1000 people" tell an escaped `%` from a wildcard; "salon_grande" and
// "salon grande" an escaped `_`.
const DESCRIPTIONS = [null, "100% vinyl all night", "1000 people expected", "salon_grande", "salon grande", "A night of tango"];

/** A small deterministic generator (mulberry32), so a failing run can be replayed. */
function random(seed: number) {
  return () => {
    seed = (seed + 0x6d2b79f5) | 0;
    let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export const BASE_TIME = Date.parse("2027-01-01T00:00:00.000Z");
const HOUR = 3_600_000;

/**
 * `count` events spread over `organizerIds`, with many shared start times, creation times and
 * titles, so every sort relies on the id tie-break.
 */
export async function insertEvents(server: TestServer, organizerIds: string[], count: number, seed = 7): Promise<Event[]> {
  const next = random(seed);
  const pick = <T>(list: readonly T[]) => list[Math.floor(next() * list.length)]!;
  const data = Array.from({ length: count }, () => {
    const startsAt = new Date(BASE_TIME + Math.floor(next() * 60) * 6 * HOUR);
    return {
      title: `${pick(WORDS)} ${String(Math.floor(next() * 20)).padStart(2, "0")}`,
      description: pick(DESCRIPTIONS),
      kind: pick(KINDS),
      startsAt,
      endsAt: new Date(startsAt.getTime() + 4 * HOUR),
      timezone: "America/Argentina/Buenos_Aires",
      city: pick(CITIES),
      venue: next() < 0.5 ? "Salon Canning" : null,
      organizerId: pick(organizerIds),
      createdAt: new Date(BASE_TIME - Math.floor(next() * 45) * 60_000),
    };
  });
  return server.app.services.prisma.event.createManyAndReturn({ data });
}

export const eventGlobalId = (event: { id: string }) => encodeGlobalId("Event", event.id);

type SortField = "STARTS_AT" | "CREATED_AT" | "TITLE";
const sortColumn = { STARTS_AT: "startsAt", CREATED_AT: "createdAt", TITLE: "title" } as const;

/** The order the API promises: sort key, then id, both in the given direction. */
export function sortEvents(events: Event[], field: SortField = "STARTS_AT", direction: "ASC" | "DESC" = "ASC"): Event[] {
  const column = sortColumn[field];
  const sign = direction === "ASC" ? 1 : -1;
  const compare = (a: string | number, b: string | number) => (a < b ? -1 : a > b ? 1 : 0);
  const key = (event: Event) => {
    const value = event[column];
    return value instanceof Date ? value.getTime() : value;
  };
  return [...events].sort((a, b) => sign * (compare(key(a), key(b)) || compare(a.id, b.id)));
}

/** The error codes of a response (empty when it succeeded). */
export const codes = (response: GraphQLResponse) => (response.errors ?? []).map((e) => e.extensions.code);

/** The single error of a response, asserting there is exactly one. */
export function onlyError(response: GraphQLResponse) {
  if (response.errors?.length !== 1) throw new Error(`expected one error, got ${JSON.stringify(response)}`);
  return response.errors[0]!;
}
