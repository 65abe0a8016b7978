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
import {
  getNamedType,
  getVariableValues,
  isInputObjectType,
  isNonNullType,
  Kind,
  typeFromAST,
  type GraphQLInputObjectType,
  type GraphQLSchema,
  type OperationDefinitionNode,
  type VariableDefinitionNode,
} from "graphql";
import type { Plugin } from "graphql-yoga";
import type { Logger } from "../../logger.js";
import { perOperation } from "../perOperation.js";

/** Whether `type`, or an input object inside it, has a non-null field with a default value. */
function hasRequiredFieldWithDefault(type: GraphQLInputObjectType, seen = new Set<GraphQLInputObjectType>()): boolean {
  if (seen.has(type)) return false;
  seen.add(type);
  return Object.values(type.getFields()).some((field) => {
    if (isNonNullType(field.type) && field.defaultValue !== undefined) return true;
    const named = getNamedType(field.type);
    return isInputObjectType(named) && hasRequiredFieldWithDefault(named, seen);
  });
}

/**
 * graphql-jit 0.8 coerces variables with code of its own, which refuses an omitted non-null value
 * that has a default where graphql-js applies the default: a variable (`$first: Int! = 5`) or an
 * input field (`orderBy: { field: TITLE }` for `direction: SortDirection! = ASC`). Such documents
 * keep graphql-js. Returns the operation's variable definitions when it can be compiled, null
 * when it cannot.
 */
export function compilableVariables(schema: GraphQLSchema, operation: OperationDefinitionNode): readonly VariableDefinitionNode[] | null {
  const definitions = operation.variableDefinitions ?? [];
  const unsafe = definitions.some((definition) => {
    if (definition.type.kind === Kind.NON_NULL_TYPE && definition.defaultValue) return true;
    const named = getNamedType(typeFromAST(schema, definition.type as never));
    return isInputObjectType(named) && hasRequiredFieldWithDefault(named);
  });
  return unsafe ? null : definitions;
}

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
      onError: (result) => logger.debug({ errors: result.errors?.map((e) => e.message) }, "graphql-jit could not compile a document"),
    },
  ) as Plugin;
}
