// The one reader of process.env: every setting is parsed, defaulted and validated here.
// Each variable is documented in .env.example.
import { z } from "zod";

const bool = z.enum(["true", "false", "1", "0", "yes", "no"]).transform((v) => v === "true" || v === "1" || v === "yes");
const int = (def: number, min = 0) => z.coerce.number().int().min(min).default(def);
const optionalString = z
  .string()
  .optional()
  .transform((v) => (v === undefined || v.trim() === "" ? undefined : v.trim()));
const list = z
  .string()
  .default("")
  .transform((v) =>
    v
      .split(",")
      .map((s) => s.trim())
      .filter(Boolean),
  );
/** Durations like "15m", "7d", "30s", "2h" or a plain number of seconds. */
const duration = (def: string) =>
  z
    .string()
    .default(def)
    .transform((v, ctx) => {
      const seconds = parseDurationSeconds(v);
      if (seconds === null) {
        ctx.addIssue({ code: "custom", message: `expected a duration such as 15m, 7d or 3600, got "${v}"` });
        return z.NEVER;
      }
      return seconds;
    });

/** A rate limit as "<max>/<window>", e.g. "5/15m": at most max per window. */
const limit = (def: string) =>
  z
    .string()
    .default(def)
    .transform((v, ctx) => {
      const [max, window, ...rest] = v.split("/").map((part) => part.trim());
      const seconds = window === undefined ? null : parseDurationSeconds(window);
      const count = Number(max);
      if (rest.length > 0 || !Number.isInteger(count) || count < 1 || seconds === null || seconds <= 0) {
        ctx.addIssue({ code: "custom", message: `expected <max>/<window> such as 5/15m, got "${v}"` });
        return z.NEVER;
      }
      return { max: count, windowMs: Math.round(seconds * 1000) };
    });

export function parseDurationSeconds(value: string): number | null {
  const match = /^(\d+)\s*(ms|s|m|h|d)?$/.exec(value.trim());
  if (!match) return null;
  const n = Number(match[1]);
  const unit = match[2] ?? "s";
  const factor = { ms: 0.001, s: 1, m: 60, h: 3600, d: 86400 }[unit]!;
  return n * factor;
}

export const envSchema = z.object({
  NODE_ENV: z.enum(["development", "production", "test"]).default("development"),
  HOST: z.string().default("0.0.0.0"),
  PORT: int(4000).pipe(z.number().max(65535)),
  DATA_DIR: z.string().default("./.data"),
  DATABASE_URL: optionalString,
  DATABASE_POOL_MAX: int(10, 1),
  REDIS_URL: optionalString,
  REDIS_COMMAND_TIMEOUT_MS: int(2000, 50),

  JWT_SECRET: optionalString,
  JWT_REFRESH_SECRET: optionalString,
  JWT_ISSUER: z.string().default("mundo-tango-api"),
  JWT_AUDIENCE: z.string().default("mundo-tango-clients"),
  ACCESS_TOKEN_TTL: duration("15m"),
  REFRESH_TOKEN_TTL: duration("7d"),
  ADMIN_EMAIL: optionalString,
  ADMIN_PASSWORD: optionalString,
  TRUST_PROXY: bool.default(false),
  RATE_LIMIT_REDIS_PREFIX: z.string().min(1).default("mt:ratelimit:"),
  LOGIN_FAILURE_LIMIT_PER_ACCOUNT_IP: limit("5/15m"),
  LOGIN_FAILURE_LIMIT_PER_ACCOUNT: limit("20/15m"),

  LOG_LEVEL: z.enum(["fatal", "error", "warn", "info", "debug", "trace", "silent"]).default("info"),
  LOG_FORMAT: z.enum(["json", "pretty"]).optional(),
  LOG_RESPONSE_TIME: bool.default(false),
  SLOW_OPERATION_MS: int(500),
  SLOW_OPERATION_ALERT_MS: int(2000),
  METRICS_TOKEN: optionalString,

  CORS_ORIGINS: list,
  INTROSPECTION: bool.optional(),
  MAX_BODY_BYTES: int(100_000, 1),
  EXECUTION_TIMEOUT_MS: int(10_000, 1),
  HTTP_HEADERS_TIMEOUT_MS: int(10_000, 1),
  HTTP_REQUEST_TIMEOUT_MS: int(30_000, 1),
  HTTP_KEEP_ALIVE_TIMEOUT_MS: int(5_000, 1),
  SHUTDOWN_TIMEOUT_MS: int(10_000),

  WS_PING_INTERVAL_MS: int(30_000, 1),
  WS_PONG_TIMEOUT_MS: int(90_000, 1),
  WS_MAX_PAYLOAD_BYTES: int(65_536, 1),
  WS_CONNECTION_INIT_TIMEOUT_MS: int(10_000, 1),
  WS_MAX_SOCKETS_PER_USER: int(20, 1),
  WS_MAX_SUBSCRIPTIONS_PER_SOCKET: int(50, 1),
  WS_MAX_BUFFERED_BYTES: int(1_048_576, 65_536),
  PRESENCE_TTL_MS: int(6_000, 1000),
  PRESENCE_LEAVE_DELAY_MS: int(15_000),
  ROOMS_REDIS_PREFIX: z.string().min(1).default("mt:rooms:"),
  ROOMS_GAP_WAIT_MS: int(100, 1),
  ROOMS_IDLE_CHECK_MS: int(1000, 100),
  ROOMS_REDIS_TIMEOUT_MS: int(1000, 1),
});

export type Env = z.infer<typeof envSchema>;
