// Whose budget a @rateLimit call spends when a field decides it from its arguments (the
// `rateLimitIdentity` field extension): `refresh` is limited per session, the family of the token
// it names, not per client address. A call naming nothing known (a garbage token) has no such
// identity: it spends its client address's budget of unknown names instead, and takes that slot
// before the lookup, so an address over that budget gets no more lookups (no guessing oracle).
import type { Context } from "../graphql/context.js";
import { withinFailureBudgets } from "../services/rateLimit/failureBudgets.js";
import type { RateLimitRule } from "../services/rateLimit/index.js";

/** The budget identity a call's arguments name (e.g. "session:<id>"), or null when they name nothing known. */
export type RateLimitIdentify = (args: Record<string, unknown>, context: Context) => Promise<string | null>;

/** The field extension that holds a field's RateLimitIdentify. */
export const RATE_LIMIT_IDENTITY = "rateLimitIdentity";

const UNKNOWN = Symbol("names nothing known");

/**
 * The identity `identify` names for this call, or null when it names nothing known (then the call
 * has spent a slot of its address's budget of unknown names, under `unknownKey`). Throws
 * `refusal(retryAfterMs)` without looking anything up when that budget is spent.
 */
export async function identityFromArguments(
  identify: RateLimitIdentify,
  args: Record<string, unknown>,
  context: Context,
  unknownKey: string,
  rule: RateLimitRule,
  refusal: (retryAfterMs: number) => Error,
): Promise<string | null> {
  try {
    return await withinFailureBudgets(
      context.services.rateLimit.store,
      [{ key: unknownKey, rule }],
      async () => (await identify(args, context)) ?? Promise.reject(UNKNOWN),
      { isFailure: (error) => error === UNKNOWN, refusal },
    );
  } catch (error) {
    if (error === UNKNOWN) return null;
    throw error;
  }
}
