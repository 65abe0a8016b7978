// An async iterator that can also hand its values straight to a listener, skipping the chain of
// iterators a subscription's values normally travel through (graphql-js, envelop's hooks,
// graphql-ws's loop): fanout to many subscribers pays one function call per subscriber instead.
//
// Pushing happens only while the reader waits with nothing queued, so a pushed value never
// overtakes one still travelling the pull path; the reader simply stays waiting meanwhile.
export const PUSH = Symbol("push");

export interface PushChannel<T> {
  /** Stops pushing for good: this value and every later one go to the reader, in order. */
  toReader(value: T): void;
}

export interface Pushable<T> {
  [PUSH](listener: (value: T) => void): PushChannel<T>;
}

export const isPushable = <T>(value: unknown): value is Pushable<T> =>
  typeof value === "object" && value !== null && PUSH in value;
