// Reads an access token's lifetime from its JWT payload, without verifying it: the client only
// needs to know when to refresh; the server verifies.

export interface TokenTimes {
  /** Expiry, ms since the epoch. */
  expiresAt: number;
  /** Issue time, ms since the epoch (the expiry minus nothing when absent). */
  issuedAt: number;
}

function decodeBase64Url(part: string): string {
  const base64 = part
    .replace(/-/g, "+")
    .replace(/_/g, "/")
    .padEnd(Math.ceil(part.length / 4) * 4, "=");
  const binary = atob(base64);
  const bytes = Uint8Array.from(binary, (char) => char.charCodeAt(0));
  return new TextDecoder().decode(bytes);
}

/** exp and iat of a JWT; null when the token is not a JWT with a numeric exp. */
export function tokenTimes(token: string): TokenTimes | null {
  const payload = token.split(".")[1];
  if (!payload) return null;
  try {
    const claims = JSON.parse(decodeBase64Url(payload)) as { exp?: unknown; iat?: unknown };
    if (typeof claims.exp !== "number") return null;
    const expiresAt = claims.exp * 1000;
    return { expiresAt, issuedAt: typeof claims.iat === "number" ? claims.iat * 1000 : expiresAt };
  } catch {
    return null;
  }
}
