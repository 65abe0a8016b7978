// Budgets that only failed attempts spend, such as OWASP's failed-login counters. Each attempt
// takes a slot in every budget first, in the store's one atomic step, so concurrent attempts (from
// any number of addresses and instances) can never be evaluated more often than the budget allows;
// an attempt that turns out not to count (a login that succeeded) gives its slots back.
import { randomUUID } from "node:crypto";
import type { RateLimitRule, RateLimitStore } from "./types.js";

export interface FailureBudget {
  key: string;
  rule: RateLimitRule;
}

export interface FailureBudgetOptions {
  /** True for an error that counts as a failed attempt; any other outcome gives the slots back. */
  isFailure(error: unknown): boolean;
  /** The error for an attempt refused because a budget is spent; `retryAfterMs` until a slot frees. */
  refusal(retryAfterMs: number): Error;
}

/** Runs `attempt` when every budget has room, keeping its slots only if it fails. */
export async function withinFailureBudgets<T>(
  store: RateLimitStore,
  budgets: FailureBudget[],
  attempt: () => Promise<T>,
  { isFailure, refusal }: FailureBudgetOptions,
): Promise<T> {
  const callId = randomUUID();
  const taken: FailureBudget[] = [];
  const giveBack = () => Promise.all(taken.map((budget) => store.undo(budget.key, callId)));
  for (const budget of budgets) {
    const decision = await store.hit(budget.key, budget.rule, callId);
    if (!decision.allowed) {
      await giveBack();
      throw refusal(decision.retryAfterMs);
    }
    taken.push(budget);
  }
  let result: T;
  try {
    result = await attempt();
  } catch (error) {
    if (!isFailure(error)) await giveBack();
    throw error;
  }
  await giveBack();
  return result;
}
