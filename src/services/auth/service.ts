// Accounts and sessions: register, login, refresh-token rotation with reuse detection, logout,
// access-token verification, and the admin operations that change who may do what.
import type { Redis } from "ioredis";
import type { Config } from "../../config/index.js";
import type { DirectSql } from "../../db/client.js";
import { forbidden, notFound, unauthenticated, conflict } from "../../errors.js";
import type { Prisma, PrismaClient, User } from "../../generated/prisma/client.js";
import type { Role } from "../../generated/prisma/enums.js";
import type { Viewer } from "../../identity/viewer.js";
import type { Logger } from "../../logger.js";
import type { RateLimitService } from "../rateLimit/index.js";
import { createAccessTokens, invalidToken } from "./accessTokens.js";
import { createLoginThrottle } from "./loginThrottle.js";
import { dummyPasswordHash, hashPassword, needsRehash, verifyPassword } from "./passwords.js";
import { newRefreshToken, refreshTokenHasher } from "./refreshTokens.js";
import { createRevocationBus, type AccessRevokedListener } from "./revocationBus.js";
import { createSessionStatusCache } from "./sessionStatus.js";
import { parseInput } from "../../validation.js";
import { normalizeEmail, registerSchema, type LoginInput, type RegisterInput } from "./validation.js";

export interface AuthServiceDeps {
  config: Config;
  logger: Logger;
  prisma: PrismaClient;
  sql: DirectSql;
  redis: Redis | null;
  rateLimit: RateLimitService;
}

/** What register, login and refresh hand back (the GraphQL AuthPayload). */
export interface AuthSession {
  accessToken: string;
  refreshToken: string;
  accessTokenExpiresAt: Date;
  refreshTokenExpiresAt: Date;
  sessionId: string;
  user: User;
}

const INVALID_CREDENTIALS = "Invalid email or password";
const ACCOUNT_DISABLED = "account disabled";
const invalidRefreshToken = () => invalidToken("Invalid refresh token");

function isUniqueViolation(error: unknown): boolean {
  return (error as { code?: string } | null)?.code === "P2002";
}

export function createAuthService({ config, logger, prisma, sql, redis, rateLimit }: AuthServiceDeps) {
  const settings = config.auth;
  const log = logger.child({ component: "auth" });
  const accessTokens = createAccessTokens(settings);
  const hashRefreshToken = refreshTokenHasher(settings.refreshSecret);
  const bus = createRevocationBus({ redis, logger });
  const sessionStatus = createSessionStatusCache(sql);
  const loginThrottle = createLoginThrottle({ config, rateLimit });
  // Registered first, so listeners that re-check a token already see the revocation.
  bus.on((event) => sessionStatus.invalidate(event));

  const refreshExpiry = () => new Date(Date.now() + settings.refreshTokenTtlSeconds * 1000);

  async function issue(user: User, sessionId: string, refreshToken: string, refreshTokenExpiresAt: Date) {
    const access = await accessTokens.sign({ userId: user.id, role: user.role, sessionId });
    return {
      accessToken: access.token,
      accessTokenExpiresAt: access.expiresAt,
      refreshToken,
      refreshTokenExpiresAt,
      sessionId,
      user,
    } satisfies AuthSession;
  }

  /** A new session (refresh-token family) for a user who just proved who they are. */
  async function startSession(user: User): Promise<AuthSession> {
    const refreshToken = newRefreshToken();
    const expiresAt = refreshExpiry();
    const session = await prisma.session.create({
      data: {
        userId: user.id,
        expiresAt,
        refreshTokens: { create: { tokenHash: hashRefreshToken(refreshToken), expiresAt } },
      },
      select: { id: true },
    });
    return issue(user, session.id, refreshToken, expiresAt);
  }

  /** Revokes sessions matching `where` that still stand; announces it when any did. */
  async function revokeSessions(where: Prisma.SessionWhereInput, event: { userId: string; sessionId?: string }) {
    const { count } = await prisma.session.updateMany({
      where: { ...where, revokedAt: null },
      data: { revokedAt: new Date() },
    });
    if (count > 0) bus.publish(event);
    return count;
  }

  const revokeFamily = (session: { id: string; userId: string }) =>
    revokeSessions({ id: session.id }, { userId: session.userId, sessionId: session.id });

  async function userById(id: string): Promise<User> {
    const user = await prisma.user.findUnique({ where: { id } });
    if (!user) throw notFound("User");
    return user;
  }

  /**
   * The viewer an access token stands for. Besides the JWT checks, the session must not be
   * revoked and the user must be active (known within STATUS_TTL_MS on every instance).
   * The role is the user's current one, so a role change applies within seconds too.
   */
  async function verifyAccessToken(token: string): Promise<Viewer> {
    const claims = await accessTokens.verify(token);
    const status = await sessionStatus.get(claims.sessionId);
    if (!status || status.userId !== claims.userId) throw invalidToken();
    if (!status.userActive) throw forbidden(ACCOUNT_DISABLED);
    if (status.revoked) throw invalidToken("Access token revoked");
    return { id: claims.userId, role: status.role, sessionId: claims.sessionId, tokenExpiresAt: claims.expiresAt };
  }

  /**
   * ADMIN_EMAIL / ADMIN_PASSWORD: that account exists and is an active ADMIN after boot. An
   * existing account is promoted and keeps its own password.
   */
  async function ensureAdminAccount(): Promise<User | null> {
    const { adminEmail, adminPassword } = settings;
    if (!adminEmail || !adminPassword) return null;
    const input = parseInput(registerSchema, { email: adminEmail, password: adminPassword, displayName: "Admin" });
    const passwordHash = await hashPassword(input.password);
    const upsert = () =>
      prisma.user.upsert({
        where: { email: input.email },
        create: { email: input.email, passwordHash, displayName: input.displayName, role: "ADMIN" },
        update: { role: "ADMIN", isActive: true },
      });
    // Two instances booting together may both try to create it: the loser then promotes.
    const admin = await upsert().catch((error) => (isUniqueViolation(error) ? upsert() : Promise.reject(error)));
    sessionStatus.invalidate({ userId: admin.id });
    log.info({ userId: admin.id }, "admin account ensured from ADMIN_EMAIL");
    return admin;
  }

  return {
    async register(input: RegisterInput): Promise<AuthSession> {
      const { email, password, displayName } = parseInput(registerSchema, input);
      const passwordHash = await hashPassword(password);
      let user: User;
      try {
        user = await prisma.user.create({ data: { email, passwordHash, displayName } });
      } catch (error) {
        if (isUniqueViolation(error)) throw conflict("An account with this email already exists");
        throw error;
      }
      return startSession(user);
    },

    /**
     * Unknown email and wrong password fail alike, after the same argon2 work. A disabled account
     * is reported only to someone who knows its password. Failed attempts are limited per account
     * and client address and per account (loginThrottle.ts): RATE_LIMITED, for unknown emails too.
     */
    login(input: LoginInput, client: { ip: string } = { ip: "local" }): Promise<AuthSession> {
      return loginThrottle.guard(input.email, client.ip, async () => {
        const user = await prisma.user.findUnique({ where: { email: normalizeEmail(input.email) } });
        const passwordOk = await verifyPassword(user?.passwordHash ?? (await dummyPasswordHash()), input.password);
        if (!user || !passwordOk) throw unauthenticated(INVALID_CREDENTIALS);
        if (!user.isActive) throw forbidden(ACCOUNT_DISABLED);
        if (needsRehash(user.passwordHash)) {
          await prisma.user.update({ where: { id: user.id }, data: { passwordHash: await hashPassword(input.password) } });
        }
        return startSession(user);
      });
    },

    /**
     * Spends a refresh token and returns a new pair in the same session. A token already spent
     * when presented again revokes the whole family (theft). Of concurrent refreshes of one unspent
     * token exactly one wins and its new pair stays good; the others get INVALID_TOKEN only (two
     * tabs refreshing at once are not a theft, and would otherwise sign each other out).
     */
    async refresh(refreshToken: string): Promise<AuthSession> {
      const tokenHash = hashRefreshToken(refreshToken);
      const row = await prisma.refreshToken.findUnique({
        where: { tokenHash },
        include: { session: { include: { user: true } } },
      });
      if (!row) throw invalidRefreshToken();
      const { session } = row;
      if (row.usedAt) {
        log.warn({ userId: session.userId, sessionId: session.id }, "refresh token reused: session revoked");
        await revokeFamily(session);
        throw invalidRefreshToken();
      }
      if (!session.user.isActive) throw forbidden(ACCOUNT_DISABLED);
      const now = new Date();
      if (session.revokedAt || row.expiresAt <= now || session.expiresAt <= now) throw invalidRefreshToken();

      const next = newRefreshToken();
      const expiresAt = refreshExpiry();
      const rotated = await prisma.$transaction(async (tx) => {
        // The conditional update is the lock: of two concurrent refreshes exactly one matches.
        const spent = await tx.refreshToken.updateMany({
          where: { id: row.id, usedAt: null, session: { revokedAt: null } },
          data: { usedAt: now },
        });
        if (spent.count !== 1) return false;
        await tx.refreshToken.create({ data: { sessionId: session.id, tokenHash: hashRefreshToken(next), expiresAt } });
        await tx.session.update({ where: { id: session.id }, data: { expiresAt } });
        return true;
      });
      if (!rotated) {
        log.info({ userId: session.userId, sessionId: session.id }, "refresh token spent by a concurrent refresh");
        throw invalidRefreshToken();
      }
      return issue(session.user, session.id, next, expiresAt);
    },

    /** The session (token family) a refresh token belongs to, whatever its state; null for an unknown token. */
    async refreshTokenSession(refreshToken: string): Promise<string | null> {
      const row = await prisma.refreshToken.findUnique({
        where: { tokenHash: hashRefreshToken(refreshToken) },
        select: { sessionId: true },
      });
      return row?.sessionId ?? null;
    },

    /** Revokes the session of this refresh token. Always true: an unknown token reveals nothing. */
    async logout(refreshToken: string): Promise<boolean> {
      const row = await prisma.refreshToken.findUnique({
        where: { tokenHash: hashRefreshToken(refreshToken) },
        select: { session: { select: { id: true, userId: true } } },
      });
      if (row) await revokeFamily(row.session);
      return true;
    },

    /** Revokes every unexpired session of the user; returns how many were still open. */
    logoutAll(userId: string): Promise<number> {
      return revokeSessions({ userId, expiresAt: { gt: new Date() } }, { userId });
    },

    verifyAccessToken,

    async setUserRole(actor: Viewer, userId: string, role: Role): Promise<User> {
      if (actor.id === userId && role !== "ADMIN") throw forbidden("Admins cannot demote themselves");
      const user = await userById(userId);
      if (user.role === role) return user;
      const updated = await prisma.user.update({ where: { id: userId }, data: { role } });
      sessionStatus.invalidate({ userId });
      log.info({ actorId: actor.id, userId, role }, "user role changed");
      return updated;
    },

    /** Deactivating also revokes every session, so re-activation needs a fresh login. */
    async setUserActive(actor: Viewer, userId: string, isActive: boolean): Promise<User> {
      if (actor.id === userId && !isActive) throw forbidden("Admins cannot deactivate themselves");
      const user = await userById(userId);
      if (user.isActive === isActive) return user;
      const updated = await prisma.user.update({ where: { id: userId }, data: { isActive } });
      if (isActive) sessionStatus.invalidate({ userId });
      else {
        await prisma.session.updateMany({ where: { userId, revokedAt: null }, data: { revokedAt: new Date() } });
        bus.publish({ userId });
      }
      log.info({ actorId: actor.id, userId, isActive }, "user active flag changed");
      return updated;
    },

    ensureAdminAccount,

    /** Called when a user's or a session's access is revoked, on this or (with Redis) any instance. */
    onAccessRevoked(listener: AccessRevokedListener): () => void {
      return bus.on(listener);
    },

    /** Boot step: ready to hear other instances' revocations, and the configured admin exists. */
    async bootstrap(): Promise<void> {
      await bus.ready();
      await dummyPasswordHash(); // made now, so the first unknown-email login is not slower
      await ensureAdminAccount();
    },

    close: () => bus.close(),
  };
}

export type AuthService = ReturnType<typeof createAuthService>;
