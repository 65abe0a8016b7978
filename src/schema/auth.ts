// Accounts and sessions: me, register, login, refresh, logout, logoutAll.
import { RATE_LIMIT_IDENTITY, type RateLimitIdentify } from "../directives/rateLimitIdentity.js";
import type { AuthSession } from "../services/auth/index.js";
import { displayNameSchema, emailSchema, passwordSchema } from "../services/auth/validation.js";
import { builder } from "./builder.js";
import { asOwnRecord, User } from "./users.js";

const AuthPayload = builder.objectRef<AuthSession>("AuthPayload").implement({
  fields: (t) => ({
    accessToken: t.exposeString("accessToken", { description: "JWT, valid for ACCESS_TOKEN_TTL (15 minutes)" }),
    refreshToken: t.exposeString("refreshToken", { description: "Single use, valid for REFRESH_TOKEN_TTL (7 days)" }),
    accessTokenExpiresAt: t.expose("accessTokenExpiresAt", { type: "DateTime" }),
    refreshTokenExpiresAt: t.expose("refreshTokenExpiresAt", { type: "DateTime" }),
    user: t.field({ type: User, resolve: (session) => asOwnRecord(session.user) }),
  }),
});

// The service validates again (and normalises); validating here too names the GraphQL path.
const RegisterInput = builder.inputType("RegisterInput", {
  fields: (t) => ({
    email: t.string({ required: true, validate: { schema: emailSchema } }),
    password: t.string({ required: true, validate: { schema: passwordSchema } }),
    displayName: t.string({ required: true, validate: { schema: displayNameSchema } }),
  }),
});

const LoginInput = builder.inputType("LoginInput", {
  fields: (t) => ({
    email: t.string({ required: true }),
    password: t.string({ required: true }),
  }),
});

const refreshBudgetIdentity: RateLimitIdentify = async ({ refreshToken }, { services }) => {
  const sessionId = await services.auth.refreshTokenSession(String(refreshToken));
  return sessionId && `session:${sessionId}`;
};

builder.queryField("me", (t) =>
  t.field({
    type: User,
    nullable: true,
    directives: { auth: {} },
    resolve: (_root, _args, { viewer }) => viewer!.id,
  }),
);

builder.mutationFields((t) => ({
  register: t.field({
    type: AuthPayload,
    args: { input: t.arg({ type: RegisterInput, required: true }) },
    directives: { rateLimit: { max: 5, window: "15m" } },
    resolve: (_root, { input }, { services }) => services.auth.register(input),
  }),
  login: t.field({
    type: AuthPayload,
    args: { input: t.arg({ type: LoginInput, required: true }) },
    directives: { rateLimit: { max: 5, window: "15m" } },
    resolve: (_root, { input }, { services, clientIp }) => services.auth.login(input, { ip: clientIp }),
  }),
  refresh: t.field({
    type: AuthPayload,
    args: { refreshToken: t.arg.string({ required: true }) },
    directives: { rateLimit: { max: 30, window: "15m" } },
    // Per session (the token's family), so clients behind one address do not share a budget.
    extensions: { [RATE_LIMIT_IDENTITY]: refreshBudgetIdentity },
    resolve: (_root, { refreshToken }, { services }) => services.auth.refresh(refreshToken),
  }),
  logout: t.boolean({
    description: "Revokes the session of this refresh token. Always true, also for an unknown or spent token.",
    args: { refreshToken: t.arg.string({ required: true }) },
    resolve: (_root, { refreshToken }, { services }) => services.auth.logout(refreshToken),
  }),
  logoutAll: t.int({
    description: "Revokes every session of the viewer; returns how many were open.",
    directives: { auth: {} },
    resolve: (_root, _args, { viewer, services }) => services.auth.logoutAll(viewer!.id),
  }),
}));
