import pino, { type Logger } from "pino";

export type { Logger };

/** Fields that may carry secrets; pino replaces them wherever they appear in a log line. */
export const redactPaths = [
  "password",
  "*.password",
  "*.*.password",
  "accessToken",
  "*.accessToken",
  "refreshToken",
  "*.refreshToken",
  "token",
  "*.token",
  "authorization",
  "*.authorization",
  "*.headers.authorization",
  "headers.cookie",
  "*.headers.cookie",
  "variables",
  "*.variables",
];

export interface LoggerOptions {
  level: string;
  pretty?: boolean;
  destination?: pino.DestinationStream;
}

export function createLogger({ level, destination }: LoggerOptions): Logger {
  return pino(
    {
      level,
      base: undefined,
      redact: { paths: redactPaths, censor: "[redacted]" },
      timestamp: pino.stdTimeFunctions.isoTime,
    },
    destination,
  );
}
