// Query limits on both transports (plugins run for HTTP requests and for every graphql-ws
// operation alike): GraphQL Armor's depth, cost, alias, token and directive limits during parse
// and validation, plus the cost measured again with the request's page-size variables before
// execution starts. A rejected operation never reaches a resolver.
import { EnvelopArmorPlugin } from "@escape.tech/graphql-armor";
import type { GraphQLError } from "graphql";
import type { Plugin, YogaInitialContext } from "graphql-yoga";
import { armorConfig, costWithVariablesErrors, QUERY_LIMITS, type QueryLimits } from "../queryLimits.js";

export interface QueryLimitOptions {
  limits?: QueryLimits;
  /** Replace "Did you mean ...?" hints in validation errors (on in production). */
  hideSuggestions: boolean;
}

export function useQueryLimits({ limits = QUERY_LIMITS, hideSuggestions }: QueryLimitOptions): Plugin {
  const armor = EnvelopArmorPlugin<YogaInitialContext>(armorConfig(limits, { hideSuggestions }));
  const rejected = (errors: readonly GraphQLError[]) => ({ errors: [...errors] });
  return {
    onPluginInit({ addPlugin }) {
      addPlugin(armor);
    },
    onExecute({ args, setResultAndStopExecution }) {
      const errors = costWithVariablesErrors(limits, args.schema, args.document, args.variableValues ?? undefined);
      if (errors.length > 0) setResultAndStopExecution(rejected(errors));
    },
    onSubscribe({ args, setResultAndStopExecution }) {
      const errors = costWithVariablesErrors(limits, args.schema, args.document, args.variableValues ?? undefined);
      if (errors.length > 0) setResultAndStopExecution(rejected(errors));
    },
  };
}
