// The operation-log level policy and the metric label budget, on their own.
import { Writable } from "node:stream";
import { describe, expect, it } from "vitest";
import { operationLogger } from "../src/graphql/operationLog.js";
import type { OperationReport } from "../src/graphql/operationReport.js";
import { createLogger } from "../src/logger.js";
import { ANONYMOUS_LABEL, labelBudget, OTHER_LABEL } from "../src/metrics/labelBudget.js";

function capture(level = "trace") {
  const lines: Record<string, any>[] = [];
  const destination = new Writable({
    write(chunk, _encoding, callback) {
      lines.push(JSON.parse(String(chunk)));
      callback();
    },
  });
  return { logger: createLogger({ level, destination }), lines };
}

const report = (durationMs: number): OperationReport => ({
  requestId: "r1",
  transport: "http",
  operationName: "Events",
  operationType: "query",
  userId: null,
  durationMs,
  errorCodes: [],
});

describe("operation log levels", () => {
  const thresholds = { slowOperationMs: 500, slowOperationAlertMs: 2000 };

  it("logs every operation at debug by default, and at info with LOG_RESPONSE_TIME", () => {
    const quiet = capture();
    operationLogger(quiet.logger, { ...thresholds, responseTime: false })(report(12.34));
    expect(quiet.lines).toMatchObject([{ level: 20, msg: "operation", operationName: "Events", durationMs: 12.3 }]);

    const verbose = capture();
    operationLogger(verbose.logger, { ...thresholds, responseTime: true })(report(12.34));
    expect(verbose.lines).toMatchObject([{ level: 30, msg: "operation", operationType: "query", durationMs: 12.3 }]);
  });

  it("warns from the slow threshold and alerts at error level from the alert threshold", () => {
    const { logger, lines } = capture();
    const log = operationLogger(logger, { ...thresholds, responseTime: false });
    log(report(499.9));
    log(report(500));
    log(report(1999.9));
    log(report(2000));
    expect(lines.map((l) => l.level)).toEqual([20, 40, 40, 50]);
    expect(lines[3]).toMatchObject({ alert: "slow_operation", thresholdMs: 2000, durationMs: 2000 });
    expect(lines[1]!.msg).toBe("slow operation: query Events took 500 ms");
  });

  it("names the error codes of a failed operation", () => {
    const { logger, lines } = capture();
    operationLogger(logger, { ...thresholds, responseTime: true })({ ...report(1), errorCodes: ["FORBIDDEN", "NOT_FOUND"] });
    expect(lines[0]).toMatchObject({ errorCode: "FORBIDDEN", errorCodes: ["FORBIDDEN", "NOT_FOUND"] });
  });
});

describe("operation name label budget", () => {
  it("keeps the first distinct names and folds the rest into one label", () => {
    const label = labelBudget(2);
    expect(label("A")).toBe("A");
    expect(label("B")).toBe("B");
    expect(label("C")).toBe(OTHER_LABEL);
    expect(label("A")).toBe("A");
    expect(label(null)).toBe(ANONYMOUS_LABEL);
    expect(labelBudget(10)("x".repeat(101))).toBe(OTHER_LABEL);
  });
});
