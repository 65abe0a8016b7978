// Query limits on both transports (plugins run for HTTP requests and for every graphql-ws
// operation alike): GraphQL Armor's depth, cost, alias, token and directive limits during parse
// and validation, plus the cost measured again with the request's page-size variables before
// execution starts. A rejected operation never reaches a resolver.
import { EnvelopArmorPlugin } from "@escape.tech/graphql-armor";
import type { ExecutionArgs, ExecutionResult } from "graphql";
import type { Plugin, YogaInitialContext } from "graphql-yoga";
import { armorConfig, costWithVariablesErrors, pageSizeRule, QUERY_LIMITS, type QueryLimits } from "../queryLimits.js";

interface CostCheckPayload {
  args: Pick<ExecutionArgs, "schema" | "document" | "variableValues">;
  setResultAndStopExecution: (result: ExecutionResult) => void;
}

export function useQueryLimits(limits: QueryLimits = QUERY_LIMITS): Plugin {
  const armor = EnvelopArmorPlugin<YogaInitialContext>(armorConfig(limits));
  const checkCost = ({ args, setResultAndStopExecution }: CostCheckPayload) => {
    const errors = costWithVariablesErrors(limits, args.schema, args.document, args.variableValues ?? undefined);
    if (errors.length > 0) setResultAndStopExecution({ errors: [...errors] });
  };
  return {
    onPluginInit({ addPlugin }) {
      addPlugin(armor);
    },
    onValidate({ addValidationRule }) {
      addValidationRule(pageSizeRule);
      // An out-of-range page size is the real mistake; the cost it implies would only confuse.
      return ({ result, setResult }) => {
        const pageSizeErrors = result.filter((error) => error.extensions?.code === "BAD_USER_INPUT");
        if (pageSizeErrors.length > 0 && pageSizeErrors.length < result.length) setResult(pageSizeErrors);
      };
    },
    onExecute: checkCost,
    onSubscribe: checkCost,
  };
}
