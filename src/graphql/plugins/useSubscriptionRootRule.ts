// A subscription's root field may not be skipped or included conditionally. graphql-js 16 lets
// such a document through validation and then fails executing it with a TypeError (no root field
// left to subscribe to), or throws from its own validation rule when the condition is a variable.
// The GraphQL spec draft and graphql-js 17 refuse it at validation, as this plugin does (with
// graphql-js 17's message), before graphql-js' rules run.
import {
  GraphQLError,
  Kind,
  type DocumentNode,
  type FragmentDefinitionNode,
  type OperationDefinitionNode,
  type SelectionSetNode,
} from "graphql";
import type { Plugin } from "graphql-yoga";

const CONDITIONAL = new Set(["skip", "include"]);

function conditionalRootErrors(document: DocumentNode): GraphQLError[] {
  const operations = document.definitions.filter(
    (d): d is OperationDefinitionNode => d.kind === Kind.OPERATION_DEFINITION && d.operation === "subscription",
  );
  if (operations.length === 0) return [];
  const fragments = new Map(
    document.definitions
      .filter((d): d is FragmentDefinitionNode => d.kind === Kind.FRAGMENT_DEFINITION)
      .map((f) => [f.name.value, f]),
  );
  const usesConditional = (selectionSet: SelectionSetNode, seen: Set<string>): boolean =>
    selectionSet.selections.some((selection) => {
      if (selection.directives?.some((directive) => CONDITIONAL.has(directive.name.value))) return true;
      if (selection.kind === Kind.INLINE_FRAGMENT) return usesConditional(selection.selectionSet, seen);
      if (selection.kind !== Kind.FRAGMENT_SPREAD || seen.has(selection.name.value)) return false;
      seen.add(selection.name.value);
      const fragment = fragments.get(selection.name.value);
      return fragment ? usesConditional(fragment.selectionSet, seen) : false;
    });
  return operations
    .filter((operation) => usesConditional(operation.selectionSet, new Set()))
    .map((operation) => {
      const name = operation.name ? `"${operation.name.value}" ` : "";
      return new GraphQLError(
        `Subscription ${name}must not use \`@skip\` or \`@include\` directives in the top level selection.`,
        {
          nodes: operation,
        },
      );
    });
}

export function useSubscriptionRootRule(): Plugin {
  return {
    onValidate({ params, setResult }) {
      const errors = conditionalRootErrors(params.documentAST);
      if (errors.length > 0) setResult(errors);
    },
  };
}
