// Failed-login limits, as OWASP's Authentication Cheat Sheet advises: a quick lockout per account
// and client address (one address guessing cannot lock the owner out from elsewhere) and a slower
// budget per account (guessing from many addresses, credential stuffing, stops there). Only failed
// attempts spend them, a lockout lasts at most its window, and unknown emails are counted exactly
// like existing accounts, so the answer never tells whether an account exists. Budgets live in the
// rate-limit store (Redis across instances); accounts are keyed by an HMAC of the email, so no
// address is written there.
import type { Config } from "../../config/index.js";
import { AppError } from "../../errors.js";
import { retryAfterSeconds, type RateLimitService } from "../rateLimit/index.js";
import { withinFailureBudgets } from "../rateLimit/failureBudgets.js";
import { refreshTokenHasher } from "./refreshTokens.js";
import { normalizeEmail } from "./validation.js";

/** What the throttle needs to know of a failure: wrong credentials, and nothing else, count. */
const isWrongCredentials = (error: unknown) => error instanceof AppError && error.code === "UNAUTHENTICATED";

export function createLoginThrottle({ config, rateLimit }: { config: Config; rateLimit: RateLimitService }) {
  const { loginFailuresPerAccountIp, loginFailuresPerAccount } = config.rateLimit;
  const accountKey = refreshTokenHasher(config.auth.refreshSecret);

  return {
    /** Runs a login attempt for `email` from `clientIp` unless that account's failures are over budget. */
    guard<T>(email: string, clientIp: string, attempt: () => Promise<T>): Promise<T> {
      const account = accountKey(normalizeEmail(email));
      const budgets = [
        { key: `login-failures:account-ip:${account}|${clientIp}`, rule: loginFailuresPerAccountIp },
        { key: `login-failures:account:${account}`, rule: loginFailuresPerAccount },
      ];
      return withinFailureBudgets(rateLimit.store, budgets, attempt, {
        isFailure: isWrongCredentials,
        refusal(retryAfterMs) {
          const retryAfter = retryAfterSeconds(retryAfterMs);
          // Counted with the @rateLimit refusals of the same mutation.
          rateLimit.recordRejection({ field: "Mutation.login", retryAfterSeconds: retryAfter });
          return new AppError("RATE_LIMITED", "Too many failed sign-in attempts: try again later", { retryAfter });
        },
      });
    },
  };
}

export type LoginThrottle = ReturnType<typeof createLoginThrottle>;
