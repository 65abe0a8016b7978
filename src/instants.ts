// The instants this API takes and stores: years 0001 to 9999 in UTC. PostgreSQL's timestamptz
// reaches further, but ISO-8601 text without its expanded-year form (what clients send and what
// dates serialize to) stops there: PostgreSQL refuses year 0 and `+010000-…` alike, so an instant
// outside the range would be a failed statement, or a stored row no client could read back.
const MIN_INSTANT = Date.parse("0001-01-01T00:00:00.000Z");
const MAX_INSTANT = Date.parse("9999-12-31T23:59:59.999Z");

export const SUPPORTED_RANGE = "years 0001 to 9999 in UTC";

export const isSupportedInstant = (date: Date) => {
  const time = date.getTime();
  return time >= MIN_INSTANT && time <= MAX_INSTANT;
};
