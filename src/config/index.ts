import { envSchema } from "./env.js";
import { loadEnvFile } from "./envFile.js";
import { ConfigError } from "./error.js";
import { resolveSecrets } from "./secrets.js";
import { PASSWORD_MAX, PASSWORD_MIN } from "../passwordLength.js";

export { ConfigError } from "./error.js";
export { parseDurationSeconds } from "./env.js";

/** Reads `env`; by default the process environment, after `.env` is loaded into it (envFile.ts). */
export function loadConfig(env: Record<string, string | undefined> = loadEnvFile()) {
  const parsed = envSchema.safeParse(env);
  if (!parsed.success) {
    const first = parsed.error.issues[0]!;
    throw new ConfigError(`Invalid configuration: ${first.path.join(".")}: ${first.message}`);
  }
  const e = parsed.data;
  const isProduction = e.NODE_ENV === "production";
  const { secrets, warnings } = resolveSecrets(e, isProduction);

  const config = {
    env: e.NODE_ENV,
    isProduction,
    host: e.HOST,
    port: e.PORT,
    dataDir: e.DATA_DIR,
    databaseUrl: e.DATABASE_URL,
    databasePoolMax: e.DATABASE_POOL_MAX,
    redisUrl: e.REDIS_URL,
    /** A Redis command unanswered this long fails (a frozen Redis must not hang requests). */
    redisCommandTimeoutMs: e.REDIS_COMMAND_TIMEOUT_MS,
    auth: {
      accessSecret: secrets.accessSecret,
      refreshSecret: secrets.refreshSecret,
      issuer: e.JWT_ISSUER,
      audience: e.JWT_AUDIENCE,
      accessTokenTtlSeconds: e.ACCESS_TOKEN_TTL,
      refreshTokenTtlSeconds: e.REFRESH_TOKEN_TTL,
      adminEmail: e.ADMIN_EMAIL,
      adminPassword: e.ADMIN_PASSWORD,
    },
    trustProxy: e.TRUST_PROXY,
    rateLimit: {
      redisKeyPrefix: e.RATE_LIMIT_REDIS_PREFIX,
      /** Failed logins per account and client address, and per account from anywhere. */
      loginFailuresPerAccountIp: e.LOGIN_FAILURE_LIMIT_PER_ACCOUNT_IP,
      loginFailuresPerAccount: e.LOGIN_FAILURE_LIMIT_PER_ACCOUNT,
    },
    log: {
      level: e.LOG_LEVEL,
      /** undefined: pretty in development when stdout is a terminal, JSON otherwise (main.ts). */
      format: e.LOG_FORMAT,
      responseTime: e.LOG_RESPONSE_TIME,
      slowOperationMs: e.SLOW_OPERATION_MS,
      slowOperationAlertMs: e.SLOW_OPERATION_ALERT_MS,
    },
    metricsToken: e.METRICS_TOKEN,
    http: {
      corsOrigins: e.CORS_ORIGINS,
      introspection: e.INTROSPECTION ?? !isProduction,
      maxBodyBytes: e.MAX_BODY_BYTES,
      executionTimeoutMs: e.EXECUTION_TIMEOUT_MS,
      headersTimeoutMs: e.HTTP_HEADERS_TIMEOUT_MS,
      requestTimeoutMs: e.HTTP_REQUEST_TIMEOUT_MS,
      keepAliveTimeoutMs: e.HTTP_KEEP_ALIVE_TIMEOUT_MS,
    },
    shutdownTimeoutMs: e.SHUTDOWN_TIMEOUT_MS,
    ws: {
      pingIntervalMs: e.WS_PING_INTERVAL_MS,
      pongTimeoutMs: e.WS_PONG_TIMEOUT_MS,
      maxPayloadBytes: e.WS_MAX_PAYLOAD_BYTES,
      connectionInitTimeoutMs: e.WS_CONNECTION_INIT_TIMEOUT_MS,
      maxSocketsPerUser: e.WS_MAX_SOCKETS_PER_USER,
      maxSubscriptionsPerSocket: e.WS_MAX_SUBSCRIPTIONS_PER_SOCKET,
      maxBufferedBytes: e.WS_MAX_BUFFERED_BYTES,
    },
    presenceTtlMs: e.PRESENCE_TTL_MS,
    /** How long a member whose socket vanished (no close frame) still counts; 0: they leave at once. */
    presenceLeaveDelayMs: e.PRESENCE_LEAVE_DELAY_MS,
    rooms: {
      redisKeyPrefix: e.ROOMS_REDIS_PREFIX,
      delivery: { gapWaitMs: e.ROOMS_GAP_WAIT_MS, idleCheckMs: e.ROOMS_IDLE_CHECK_MS, redisTimeoutMs: e.ROOMS_REDIS_TIMEOUT_MS },
    },
  };
  if (config.auth.adminEmail && !config.auth.adminPassword) {
    throw new ConfigError("Invalid configuration: ADMIN_EMAIL is set but ADMIN_PASSWORD is missing");
  }
  const adminPasswordLength = config.auth.adminPassword?.length ?? PASSWORD_MIN;
  if (adminPasswordLength < PASSWORD_MIN || adminPasswordLength > PASSWORD_MAX) {
    throw new ConfigError(
      `Invalid configuration: ADMIN_PASSWORD must be ${PASSWORD_MIN} to ${PASSWORD_MAX} characters, like every password`,
    );
  }
  // A healthy client answers each ping; with a timeout not above the interval it would be cut off.
  if (config.ws.pongTimeoutMs <= config.ws.pingIntervalMs) {
    throw new ConfigError("Invalid configuration: WS_PONG_TIMEOUT_MS must be greater than WS_PING_INTERVAL_MS");
  }
  // Node refuses a header deadline past the whole request's: the headers are part of the request.
  if (config.http.headersTimeoutMs > config.http.requestTimeoutMs) {
    throw new ConfigError("Invalid configuration: HTTP_HEADERS_TIMEOUT_MS must not be greater than HTTP_REQUEST_TIMEOUT_MS");
  }
  if (isProduction && !config.metricsToken) {
    warnings.push("METRICS_TOKEN is not set: /metrics is open to anyone who can reach this server");
  }
  return { config, warnings };
}

export type Config = ReturnType<typeof loadConfig>["config"];
