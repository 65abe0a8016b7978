// Pothos writes directive arguments into its mock AST before our directive definitions exist, so
// an enum argument such as @auth(requires: ADMIN) lands there as the string "ADMIN", which
// getDirective (@graphql-tools/utils) then rejects. This re-types them against the definitions.
import { MapperKind, mapSchema } from "@graphql-tools/utils";
import {
  astFromValue,
  valueFromASTUntyped,
  type ConstArgumentNode,
  type ConstDirectiveNode,
  type ConstValueNode,
  type FieldDefinitionNode,
  type GraphQLFieldConfig,
  type GraphQLSchema,
} from "graphql";

function retype(schema: GraphQLSchema, node: ConstDirectiveNode): ConstDirectiveNode {
  const definition = schema.getDirective(node.name.value);
  if (!definition || !node.arguments?.length) return node;
  return {
    ...node,
    arguments: node.arguments.map((argument): ConstArgumentNode => {
      const argDefinition = definition.args.find((arg) => arg.name === argument.name.value);
      const typed = argDefinition && astFromValue(valueFromASTUntyped(argument.value), argDefinition.type);
      // astFromValue of a plain value has no variables: the node is constant.
      return typed ? { ...argument, value: typed as ConstValueNode } : argument;
    }),
  };
}

export function withTypedDirectiveArguments(schema: GraphQLSchema): GraphQLSchema {
  return mapSchema(schema, {
    [MapperKind.OBJECT_FIELD]: (field: GraphQLFieldConfig<unknown, unknown>) => {
      const directives = field.astNode?.directives;
      if (!field.astNode || !directives?.length) return field;
      const astNode: FieldDefinitionNode = { ...field.astNode, directives: directives.map((node) => retype(schema, node)) };
      return { ...field, astNode };
    },
  });
}
