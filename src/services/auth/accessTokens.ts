// Access tokens: short-lived HS256 JWTs. Verification pins everything an attacker could vary
// (algorithm, issuer, audience, token type), so only tokens this API minted as access tokens pass.
import { randomUUID } from "node:crypto";
import { errors, jwtVerify, SignJWT } from "jose";
import { BoundedMap } from "../../boundedMap.js";
import { AppError } from "../../errors.js";
import { Role } from "../../generated/prisma/enums.js";

/** `typ` header of access tokens (RFC 9068); no other token this API hands out carries it. */
export const ACCESS_TOKEN_TYPE = "at+jwt";
export const ACCESS_TOKEN_ALGORITHM = "HS256";
/** Seconds of clock skew accepted between the signing and the verifying instance. */
export const CLOCK_TOLERANCE_SECONDS = 5;

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export interface AccessTokenSettings {
  accessSecret: string;
  issuer: string;
  audience: string;
  accessTokenTtlSeconds: number;
}

export interface AccessClaims {
  userId: string;
  role: Role;
  sessionId: string;
  expiresAt: Date;
}

/** Tokens whose signature and claims were checked, kept so a client's next request skips the HMAC. */
const VERIFIED_CACHE_SIZE = 10_000;

export const invalidToken = (message = "Invalid access token") => new AppError("INVALID_TOKEN", message);

export function createAccessTokens(settings: AccessTokenSettings) {
  // Imported once: handed raw bytes, jose imports a WebCrypto key again on every sign and verify.
  const key = crypto.subtle.importKey(
    "raw",
    new TextEncoder().encode(settings.accessSecret),
    { name: "HMAC", hash: "SHA-256" },
    false,
    ["sign", "verify"],
  );

  async function sign(subject: { userId: string; role: Role; sessionId: string }) {
    const issuedAt = Math.floor(Date.now() / 1000);
    const expiresAtSeconds = issuedAt + settings.accessTokenTtlSeconds;
    const token = await new SignJWT({ role: subject.role, sid: subject.sessionId })
      .setProtectedHeader({ alg: ACCESS_TOKEN_ALGORITHM, typ: ACCESS_TOKEN_TYPE })
      .setSubject(subject.userId)
      .setJti(randomUUID())
      .setIssuedAt(issuedAt)
      .setExpirationTime(expiresAtSeconds)
      .setIssuer(settings.issuer)
      .setAudience(settings.audience)
      .sign(await key);
    return { token, expiresAt: new Date(expiresAtSeconds * 1000) };
  }

  // Expiry is checked on every use.
  const verified = new BoundedMap<string, AccessClaims>(VERIFIED_CACHE_SIZE);

  /** Checks signature and claims only; whether the session still stands is the caller's question. */
  async function verify(token: string): Promise<AccessClaims> {
    const known = verified.get(token);
    if (known && known.expiresAt.getTime() + CLOCK_TOLERANCE_SECONDS * 1000 > Date.now()) return known;
    verified.delete(token);
    const claims = await verifySignatureAndClaims(token);
    verified.set(token, claims);
    return claims;
  }

  async function verifySignatureAndClaims(token: string): Promise<AccessClaims> {
    let payload: Awaited<ReturnType<typeof jwtVerify>>["payload"];
    try {
      ({ payload } = await jwtVerify(token, await key, {
        algorithms: [ACCESS_TOKEN_ALGORITHM],
        issuer: settings.issuer,
        audience: settings.audience,
        typ: ACCESS_TOKEN_TYPE,
        clockTolerance: CLOCK_TOLERANCE_SECONDS,
        requiredClaims: ["sub", "jti", "iat", "exp", "sid", "role"],
      }));
    } catch (error) {
      if (error instanceof errors.JWTExpired) throw new AppError("TOKEN_EXPIRED", "Access token expired");
      if (error instanceof errors.JOSEError) throw invalidToken();
      throw error;
    }
    const { sub, sid, role, exp } = payload;
    if (
      typeof sub !== "string" ||
      !UUID.test(sub) ||
      typeof sid !== "string" ||
      !UUID.test(sid) ||
      typeof role !== "string" ||
      !Object.hasOwn(Role, role)
    ) {
      throw invalidToken();
    }
    return { userId: sub, role: role as Role, sessionId: sid, expiresAt: new Date(exp! * 1000) };
  }

  return { sign, verify };
}

export type AccessTokens = ReturnType<typeof createAccessTokens>;
