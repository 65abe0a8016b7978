// How long a password may be: the one rule for accounts (services/auth/validation.ts) and for the
// ADMIN_PASSWORD that configuration checks at startup, before any service exists.
export const PASSWORD_MIN = 10;
export const PASSWORD_MAX = 128;
