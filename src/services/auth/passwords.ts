// Password hashing with argon2id at OWASP's minimum cost (19 MiB, 2 passes, 1 lane).
import { randomBytes } from "node:crypto";
import { hash, parseOptions, verify, type Algorithm, type Options } from "@node-rs/argon2";

// `Algorithm` is an ambient const enum (unusable under isolatedModules); 2 is Argon2id.
const ARGON2ID = 2 as Algorithm;

export const PASSWORD_POLICY = {
  algorithm: ARGON2ID,
  memoryCost: 19_456,
  timeCost: 2,
  parallelism: 1,
} satisfies Options;

export function hashPassword(password: string): Promise<string> {
  return hash(password, PASSWORD_POLICY);
}

/** False for a wrong password and for a hash that cannot be parsed (never throws on bad input). */
export async function verifyPassword(passwordHash: string, password: string): Promise<boolean> {
  try {
    return await verify(passwordHash, password);
  } catch {
    return false;
  }
}

/** True when the stored hash was made with weaker settings than the current policy. */
export function needsRehash(passwordHash: string): boolean {
  try {
    const used = parseOptions(passwordHash);
    return (
      used.algorithm !== PASSWORD_POLICY.algorithm ||
      used.memoryCost < PASSWORD_POLICY.memoryCost ||
      used.timeCost < PASSWORD_POLICY.timeCost
    );
  } catch {
    return true;
  }
}

/**
 * A hash of a random password, made once per process. Logins for unknown emails verify against
 * it so they cost the same argon2 work as a wrong password and cannot be told apart by timing.
 */
let dummyHash: Promise<string> | undefined;
export function dummyPasswordHash(): Promise<string> {
  return (dummyHash ??= hashPassword(randomBytes(16).toString("base64url")));
}
