// Queries and single-field mutations run through graphql-jit: each document is compiled once into a function
// specialised for its selection set, instead of graphql-js walking the AST on every request
// (about a fifth of the server's CPU per request on the http-read benchmark, see BENCHMARKS.md).
// The compiled function is cached per parsed document (yoga's parser cache hands back the same
// DocumentNode for the same text). Subscriptions are not handled here: useSharedSubscriptionExecution
// executes their events, once per distinct operation, compiled the same way.
//
// Variables are coerced by graphql-js first: when they do not coerce, graphql-js executes the
// request, so a client gets graphql-js's errors (400, locations, the scalar's own message) rather
// than graphql-jit's coarser ones.
import { useGraphQlJit } from "@envelop/graphql-jit";
import { getVariableValues, Kind, type OperationDefinitionNode } from "graphql";
import type { Plugin } from "graphql-yoga";
import type { Logger } from "../../logger.js";
import { compilableVariables } from "../compilableVariables.js";
import { perOperation } from "../perOperation.js";

/**
 * graphql-jit runs every root field of a mutation even after one whose non-null result failed,
 * where graphql-js stops at it (the spec's serial execution: data is null, later fields never
 * run). Only a mutation of one root field is compiled, so none runs unseen by its caller.
 */
const isSingleFieldMutation = (operation: OperationDefinitionNode) =>
  operation.selectionSet.selections.length === 1 && operation.selectionSet.selections[0]!.kind === Kind.FIELD;

export function useCompiledExecution({ logger }: { logger: Logger }): Plugin {
  const decided = perOperation((schema, operation) => {
    if (!operation || operation.operation === "subscription") return null;
    if (operation.operation === "mutation" && !isSingleFieldMutation(operation)) return null;
    return compilableVariables(schema, operation);
  });
  return useGraphQlJit(
    {},
    {
      enableIf: ({ schema, document, operationName, variableValues }) => {
        const definitions = decided(schema, document, operationName);
        if (!definitions) return false;
        return definitions.length === 0 || !getVariableValues(schema, definitions, variableValues ?? {}, { maxErrors: 1 }).errors;
      },
      // A document graphql-jit cannot compile is answered with the compilation errors.
      onError: (result) =>
        logger.debug({ errors: result.errors?.map((e) => e.message) }, "graphql-jit could not compile a document"),
    },
  ) as Plugin;
}
