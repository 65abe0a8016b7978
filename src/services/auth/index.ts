export { createAuthService, type AuthService, type AuthSession } from "./service.js";
export { ACCESS_TOKEN_TYPE, CLOCK_TOLERANCE_SECONDS } from "./accessTokens.js";
export { STATUS_TTL_MS } from "./sessionStatus.js";
export type { AccessRevokedEvent, AccessRevokedListener } from "./revocationBus.js";
export { normalizeEmail, PASSWORD_MIN, PASSWORD_MAX, DISPLAY_NAME_MAX } from "./validation.js";
