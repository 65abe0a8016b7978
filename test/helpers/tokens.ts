// Forging access tokens in tests: start from a real token's claims and change one thing.
import { randomUUID } from "node:crypto";
import { decodeJwt, SignJWT, type JWTPayload } from "jose";
import { TEST_JWT_SECRET } from "./server.js";

export const TEST_ISSUER = "mundo-tango-api";
export const TEST_AUDIENCE = "mundo-tango-clients";

export interface MintOptions {
  claims?: JWTPayload;
  header?: Record<string, unknown>;
  secret?: string;
}

/** Signs `base`'s claims (plus overrides) with HS256, by default with the test server's secret. */
export function mintToken(base: string, { claims = {}, header = {}, secret = TEST_JWT_SECRET }: MintOptions = {}) {
  const now = Math.floor(Date.now() / 1000);
  const payload = { ...decodeJwt(base), jti: randomUUID(), iat: now, exp: now + 600, ...claims };
  return new SignJWT(payload)
    .setProtectedHeader({ alg: "HS256", typ: "at+jwt", ...header } as { alg: string })
    .sign(new TextEncoder().encode(secret));
}

const b64 = (value: unknown) => Buffer.from(JSON.stringify(value)).toString("base64url");

/** An unsigned token (`alg: none`) carrying a real token's claims. */
export function unsignedToken(base: string): string {
  return `${b64({ alg: "none", typ: "at+jwt" })}.${b64(decodeJwt(base))}.`;
}

/** The same token with one byte of its signature changed. */
export function flipSignatureByte(token: string): string {
  const [header, payload, signature] = token.split(".") as [string, string, string];
  const bytes = Buffer.from(signature, "base64url");
  bytes[0] ^= 0x01;
  return `${header}.${payload}.${bytes.toString("base64url")}`;
}
