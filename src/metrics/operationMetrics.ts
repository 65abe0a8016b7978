// Feeds the operation reports of the timing plugin into the duration histogram and the error
// counter. Operation names are client-chosen, so they go through a label budget.
import type { OperationListener } from "../graphql/operationReport.js";
import { labelBudget } from "./labelBudget.js";
import type { Metrics } from "./registry.js";

/** Distinct operation names kept as label values per instance; a frontend has a few dozen. */
export const MAX_OPERATION_NAME_LABELS = 200;

export function operationMetrics(metrics: Metrics): OperationListener {
  const nameLabel = labelBudget(MAX_OPERATION_NAME_LABELS);
  return (report) => {
    const operationType = report.operationType ?? "unknown";
    metrics.operationDuration.observe(
      { operation_name: nameLabel(report.operationName), operation_type: operationType, transport: report.transport },
      report.durationMs / 1000,
    );
    for (const code of report.errorCodes) metrics.errors.inc({ code, operation_type: operationType });
  };
}
