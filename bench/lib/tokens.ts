// Access tokens for seeded users, signed with the same secret and claims the server checks, so
// thousands of sockets authenticate without thousands of logins (login is rate limited).
import { randomBytes } from "node:crypto";
import { loadConfig } from "../../src/config/index.js";
import { createAccessTokens } from "../../src/services/auth/accessTokens.js";
import type { BenchUser } from "./db.js";

export const JWT_SECRET = randomBytes(48).toString("base64url");

const { config } = loadConfig({ NODE_ENV: "production", JWT_SECRET });
const accessTokens = createAccessTokens(config.auth);

export async function tokenFor(user: BenchUser): Promise<string> {
  return (await accessTokens.sign({ userId: user.id, role: user.role, sessionId: user.sessionId })).token;
}

export const tokensFor = (users: BenchUser[]) => Promise.all(users.map(tokenFor));
