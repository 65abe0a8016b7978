// Reconnect delays: exponential backoff with full jitter (a random delay up to the exponential
// bound), so clients dropped together do not come back together. A browser's "online" event
// cuts the wait short.

export interface BackoffOptions {
  /** The bound of the first delay. Default 500 ms. */
  baseMs?: number;
  /** The largest bound. Default 15 000 ms. */
  maxMs?: number;
}

export function backoffDelay(attempt: number, { baseMs = 500, maxMs = 15_000 }: BackoffOptions = {}): number {
  const bound = Math.min(maxMs, baseMs * 2 ** Math.min(attempt, 20));
  return Math.round(Math.random() * bound);
}

/** Resolves after the attempt's backoff, or earlier when `early` resolves or the browser comes online. */
export function waitBackoff(attempt: number, options: BackoffOptions, early?: Promise<unknown>): Promise<void> {
  return new Promise((resolve) => {
    const target = globalThis as {
      addEventListener?: (type: string, listener: () => void) => void;
      removeEventListener?: (type: string, listener: () => void) => void;
    };
    const done = () => {
      clearTimeout(timer);
      target.removeEventListener?.("online", done);
      resolve();
    };
    const timer = setTimeout(done, backoffDelay(attempt, options));
    target.addEventListener?.("online", done);
    void early?.then(done, done);
  });
}
