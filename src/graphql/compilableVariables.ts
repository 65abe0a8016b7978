// Which operations graphql-jit may run: shared by compiled queries (useCompiledExecution) and
// the shared execution of subscription events (useSharedSubscriptionExecution).
import {
  getNamedType,
  isInputObjectType,
  isNonNullType,
  Kind,
  typeFromAST,
  type GraphQLInputObjectType,
  type GraphQLSchema,
  type OperationDefinitionNode,
  type VariableDefinitionNode,
} from "graphql";

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
export function compilableVariables(
  schema: GraphQLSchema,
  operation: OperationDefinitionNode,
): readonly VariableDefinitionNode[] | null {
  const definitions = operation.variableDefinitions ?? [];
  const unsafe = definitions.some((definition) => {
    if (definition.type.kind === Kind.NON_NULL_TYPE && definition.defaultValue) return true;
    const named = getNamedType(typeFromAST(schema, definition.type as never));
    return isInputObjectType(named) && hasRequiredFieldWithDefault(named);
  });
  return unsafe ? null : definitions;
}
