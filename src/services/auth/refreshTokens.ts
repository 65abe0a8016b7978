// Refresh tokens are opaque random strings; only their HMAC is stored, so a database leak
// yields nothing that can be presented back to the API.
import { createHmac, randomBytes } from "node:crypto";

const TOKEN_BYTES = 32;

export function newRefreshToken(): string {
  return randomBytes(TOKEN_BYTES).toString("base64url");
}

export function refreshTokenHasher(secret: string) {
  return (token: string) => createHmac("sha256", secret).update(token).digest("hex");
}
