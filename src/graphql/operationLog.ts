// One structured log line per operation: error level at the alert threshold, warn at the slow
// threshold, info for every operation with LOG_RESPONSE_TIME=true, otherwise debug. Variables,
// arguments and the query text are never logged: they may hold passwords and tokens.
import type { Config } from "../config/index.js";
import type { Logger } from "../logger.js";
import type { OperationListener } from "./operationReport.js";

type Thresholds = Pick<Config["log"], "responseTime" | "slowOperationMs" | "slowOperationAlertMs">;

export function operationLogger(
  logger: Logger,
  { responseTime, slowOperationMs, slowOperationAlertMs }: Thresholds,
): OperationListener {
  return (report) => {
    const durationMs = Math.round(report.durationMs * 10) / 10;
    const name = report.operationName ?? "anonymous";
    const line = {
      requestId: report.requestId,
      transport: report.transport,
      operationName: report.operationName,
      operationType: report.operationType,
      userId: report.userId,
      durationMs,
      ...(report.errorCodes.length ? { errorCode: report.errorCodes[0], errorCodes: report.errorCodes } : {}),
    };
    const subject = `${report.operationType ?? "operation"} ${name}`;
    if (durationMs >= slowOperationAlertMs) {
      logger.error(
        { ...line, alert: "slow_operation", thresholdMs: slowOperationAlertMs },
        `slow operation alert: ${subject} took ${durationMs} ms`,
      );
    } else if (durationMs >= slowOperationMs) {
      logger.warn({ ...line, thresholdMs: slowOperationMs }, `slow operation: ${subject} took ${durationMs} ms`);
    } else if (responseTime) {
      logger.info(line, "operation");
    } else {
      logger.debug(line, "operation");
    }
  };
}
