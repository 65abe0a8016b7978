import pino, { type Logger } from "pino";
import pretty from "pino-pretty";

export type { Logger };

/** Fields that may carry secrets; pino replaces them wherever they appear in a log line. */
export const redactPaths = [
  "password",
  "*.password",
  "*.*.password",
  "accessToken",
  "*.accessToken",
  "*.*.accessToken",
  "refreshToken",
  "*.refreshToken",
  "*.*.refreshToken",
  "token",
  "*.token",
  "*.*.token",
  "authorization",
  "*.authorization",
  "*.headers.authorization",
  "connectionParams",
  "*.connectionParams",
  "headers.cookie",
  "*.headers.cookie",
  "variables",
  "*.variables",
];

export interface LoggerOptions {
  level: string;
  /** Human-readable lines (pino-pretty) instead of JSON; ignored when a destination is given. */
  pretty?: boolean;
  destination?: pino.DestinationStream;
}

function prettyStream() {
  // In-process and synchronous: nothing is lost when the process exits right after a log line.
  return pretty({ colorize: true, sync: true, translateTime: "SYS:HH:MM:ss.l", ignore: "pid,hostname" });
}

export function createLogger({ level, pretty: readable = false, destination }: LoggerOptions): Logger {
  return pino(
    {
      level,
      base: undefined,
      redact: { paths: redactPaths, censor: "[redacted]" },
      timestamp: pino.stdTimeFunctions.isoTime,
    },
    destination ?? (readable ? prettyStream() : undefined),
  );
}
