// Event input rules, checked in the service so every caller (GraphQL, seed) obeys them.
// An update is checked on the merged result, so it cannot leave an event inconsistent.
import { z } from "zod";
import { EventKind } from "../../generated/prisma/enums.js";

export const TITLE_MIN = 3;
export const TITLE_MAX = 120;
export const DESCRIPTION_MAX = 5000;
export const CITY_MAX = 80;
export const VENUE_MAX = 120;
export const SEARCH_MAX = 200;

/** A name the IANA time zone database knows (aliases included); offsets like "+01:00" are not names. */
export function isIanaTimeZone(name: string): boolean {
  if (!/^[A-Za-z][A-Za-z0-9_+\-/]*$/.test(name)) return false;
  try {
    new Intl.DateTimeFormat("en", { timeZone: name });
    return true;
  } catch {
    return false;
  }
}

const requiredText = (min: number, max: number) =>
  z
    .string({ message: "is required" })
    .trim()
    .min(min, { message: min === 1 ? "must not be empty" : `must be at least ${min} characters` })
    .max(max, { message: `must be at most ${max} characters` });

/** Optional text: blank becomes null (no description rather than an empty one). */
const optionalText = (max: number) =>
  z
    .string()
    .trim()
    .max(max, { message: `must be at most ${max} characters` })
    .nullish()
    .transform((value) => (value ? value : null));

const dateTime = z.date({ message: "is required" });

export const eventSchema = z
  .object({
    title: requiredText(TITLE_MIN, TITLE_MAX),
    description: optionalText(DESCRIPTION_MAX),
    kind: z.enum(EventKind, { message: "is required" }),
    startsAt: dateTime,
    endsAt: dateTime,
    timezone: z
      .string({ message: "is required" })
      .refine(isIanaTimeZone, { message: 'must be an IANA time zone name, e.g. "Europe/Paris"' }),
    city: requiredText(1, CITY_MAX),
    venue: optionalText(VENUE_MAX),
  })
  .refine((event) => event.endsAt.getTime() > event.startsAt.getTime(), {
    path: ["endsAt"],
    message: "must be after startsAt",
    // Also reported next to other fields' issues, as long as both dates are there.
    when: ({ value }) => {
      const { startsAt, endsAt } = value as { startsAt?: unknown; endsAt?: unknown };
      return startsAt instanceof Date && endsAt instanceof Date;
    },
  });

export type EventInput = z.input<typeof eventSchema>;
export type ValidEvent = z.output<typeof eventSchema>;

/** Fields of an update; absent (undefined) keeps the stored value, null clears an optional one. */
export type EventPatch = { [K in keyof EventInput]?: EventInput[K] | null };

export const filterSchema = z.object({
  city: z
    .string()
    .trim()
    .max(CITY_MAX, { message: `must be at most ${CITY_MAX} characters` })
    .nullish(),
  kinds: z.array(z.enum(EventKind)).nullish(),
  startsAfter: z.date().nullish(),
  startsBefore: z.date().nullish(),
  search: z
    .string()
    .trim()
    .max(SEARCH_MAX, { message: `must be at most ${SEARCH_MAX} characters` })
    .nullish(),
  organizerId: z.uuid({ message: "is not a valid User ID" }).nullish(),
});

export type EventFilter = z.input<typeof filterSchema>;
