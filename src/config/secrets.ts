// JWT secrets: required in production; generated once and kept under DATA_DIR elsewhere,
// so `npm start` works out of the box and tokens survive a restart.
import { hkdfSync, randomBytes } from "node:crypto";
import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import type { Env } from "./env.js";
import { ConfigError } from "./error.js";

const MIN_SECRET_BYTES = 32;

function requireStrong(name: string, value: string | undefined): string {
  if (!value) {
    throw new ConfigError(
      `${name} is required in production: set it to at least ${MIN_SECRET_BYTES} random bytes, e.g. ${name}=$(openssl rand -base64 32)`,
    );
  }
  const bytes = Buffer.byteLength(value);
  if (bytes < MIN_SECRET_BYTES) {
    throw new ConfigError(
      `${name} is too short (${bytes} bytes, at least ${MIN_SECRET_BYTES} needed): make one with ${name}=$(openssl rand -base64 32)`,
    );
  }
  return value;
}

function storedDevSecret(dataDir: string, warnings: string[]): string {
  const path = join(dataDir, "jwt-secret");
  if (existsSync(path)) return readFileSync(path, "utf8").trim();
  mkdirSync(dataDir, { recursive: true });
  const secret = randomBytes(48).toString("base64url");
  writeFileSync(path, secret, { mode: 0o600 });
  warnings.push(
    `JWT_SECRET is not set: generated a random one and stored it in ${path} (mode 0600); it is reused on every start. Set JWT_SECRET in production.`,
  );
  return secret;
}

/** Without JWT_REFRESH_SECRET, the refresh-token key is derived from JWT_SECRET (HKDF), never equal to it. */
function deriveRefreshSecret(accessSecret: string): string {
  return Buffer.from(hkdfSync("sha256", accessSecret, "mundo-tango", "refresh-token-hmac", 32)).toString("base64url");
}

export function resolveSecrets(env: Env, isProduction: boolean) {
  const warnings: string[] = [];
  const accessSecret = isProduction
    ? requireStrong("JWT_SECRET", env.JWT_SECRET)
    : (env.JWT_SECRET ?? storedDevSecret(env.DATA_DIR, warnings));
  const refreshSecret =
    env.JWT_REFRESH_SECRET !== undefined
      ? isProduction
        ? requireStrong("JWT_REFRESH_SECRET", env.JWT_REFRESH_SECRET)
        : env.JWT_REFRESH_SECRET
      : deriveRefreshSecret(accessSecret);
  return { secrets: { accessSecret, refreshSecret }, warnings };
}
