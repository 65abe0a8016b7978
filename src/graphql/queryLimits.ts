// Query limits (GraphQL Armor) and the numbers they are set to. The numbers come from our own
// deepest legitimate operations (test/fixtures/referenceQueries.ts; `npm run limits:measure`
// prints what each one measures) with headroom, and docs/api.md "Query limits" lists both.
import { costLimitRule } from "@escape.tech/graphql-armor-cost-limit";
import type { EnvelopArmorPlugin } from "@escape.tech/graphql-armor";
import {
  GraphQLError,
  Kind,
  validate,
  visit,
  type DocumentNode,
  type GraphQLSchema,
  type ASTVisitor,
  type ValidationContext,
  type ValueNode,
} from "graphql";
import { perDocument } from "./perOperation.js";

type GraphQLArmorConfig = NonNullable<Parameters<typeof EnvelopArmorPlugin>[0]>;

export interface QueryLimits {
  /** Deepest field nesting (inline fragments and spreads count as a level; introspection's __schema is exempt). */
  depth: number;
  /** Armor's cost: 2 per object field, 1 per scalar, ×1.5 per level, ×`first`/`last` per connection. */
  cost: number;
  /** Aliased fields per operation (__typename is exempt). */
  aliases: number;
  /** Lexical tokens in the whole document. */
  tokens: number;
  /** Directive uses per operation (@include/@skip, ...). */
  directives: number;
}

export const QUERY_LIMITS: QueryLimits = {
  depth: 8,
  cost: 150_000,
  aliases: 20,
  tokens: 1_000,
  directives: 10,
};

/** A limit rejection: a validation error with the standard code, reported before execution. */
function limitError(limit: keyof QueryLimits, armorError: GraphQLError): GraphQLError {
  return new GraphQLError(armorError.message.replace(/^Syntax Error: /, ""), {
    extensions: { code: "GRAPHQL_VALIDATION_FAILED", limit, http: { status: 400 } },
  });
}

const report =
  (limit: keyof QueryLimits) =>
  (context: ValidationContext | null, error: GraphQLError): void => {
    context?.reportError(limitError(limit, error));
  };

type AcceptCallback = (limit: keyof QueryLimits, measured: number) => void;

/**
 * Armor's settings for the limits; `onAccept` sees each measured number (the measuring script
 * uses it). Suggestions are hidden by plugins/useHideSuggestions.ts, which catches every form.
 */
export function armorConfig(limits: QueryLimits, options: { onAccept?: AcceptCallback } = {}): GraphQLArmorConfig {
  const callbacks = (limit: keyof QueryLimits) => ({
    // Tokens are counted while parsing: there is no validation context to report to, so that one
    // throws (a parse error); the others report into validation like any other rule.
    propagateOnRejection: limit === "tokens",
    onReject: limit === "tokens" ? [] : [report(limit)],
    onAccept: options.onAccept ? [(_: unknown, details: { n: number }) => options.onAccept!(limit, details.n)] : [],
  });
  return {
    maxDepth: { n: limits.depth, ignoreIntrospection: true, ...callbacks("depth") },
    costLimit: { maxCost: limits.cost, ignoreIntrospection: true, ...callbacks("cost") },
    maxAliases: { n: limits.aliases, ...callbacks("aliases") },
    maxTokens: { n: limits.tokens, ...callbacks("tokens") },
    maxDirectives: { n: limits.directives, ...callbacks("directives") },
    blockFieldSuggestion: { enabled: false },
  };
}

/** The largest `first`/`last` any list field serves; larger ones are refused as BAD_USER_INPUT. */
export const MAX_PAGE_SIZE = 100;

const isPageSizeArgument = (name: string) => name === "first" || name === "last";

function literal(value: unknown): ValueNode | null {
  return typeof value === "number" && Number.isInteger(value)
    ? { kind: Kind.INT, value: String(Math.min(value, MAX_PAGE_SIZE)) }
    : null;
}

/**
 * A literal page size out of range is the client's BAD_USER_INPUT, whatever the cost limit would
 * make of it (useQueryLimits then reports it alone).
 */
export function pageSizeRule(context: ValidationContext): ASTVisitor {
  return {
    Argument(node) {
      if (!isPageSizeArgument(node.name.value) || node.value.kind !== Kind.INT) return;
      const size = Number(node.value.value);
      if (size >= 0 && size <= MAX_PAGE_SIZE) return;
      context.reportError(
        new GraphQLError(`${node.name.value} must be between 0 and ${MAX_PAGE_SIZE}`, {
          nodes: [node],
          extensions: {
            code: "BAD_USER_INPUT",
            issues: [{ path: node.name.value, message: `must be between 0 and ${MAX_PAGE_SIZE}` }],
          },
        }),
      );
    },
  };
}

// Per document: does any page-size argument take a variable? Most documents answer no, and then
// need no walk per request.
const hasVariablePageSize = perDocument((document) => {
  let found = false;
  visit(document, {
    Argument(node) {
      if (isPageSizeArgument(node.name.value) && node.value.kind === Kind.VARIABLE) found = true;
    },
  });
  return found;
});

/**
 * The document with every `first`/`last` argument that a variable supplies replaced by the
 * variable's value (or its default; capped at MAX_PAGE_SIZE, since a larger one is refused by the
 * field itself), so that the cost counts page sizes sent as variables as it counts literal ones.
 * Returns the same document when no page size comes from a variable.
 */
export function withPageSizes(document: DocumentNode, variables: Record<string, unknown> | undefined): DocumentNode {
  if (!hasVariablePageSize(document)) return document;
  const defaults = new Map<string, ValueNode>();
  for (const definition of document.definitions) {
    if (definition.kind !== Kind.OPERATION_DEFINITION) continue;
    for (const v of definition.variableDefinitions ?? []) {
      if (v.defaultValue) defaults.set(v.variable.name.value, v.defaultValue);
    }
  }
  return visit(document, {
    Argument(node) {
      if (!isPageSizeArgument(node.name.value) || node.value.kind !== Kind.VARIABLE) return;
      const name = node.value.name.value;
      const value = variables && name in variables ? literal(variables[name]) : (defaults.get(name) ?? null);
      return value ? { ...node, value } : undefined;
    },
  });
}

/**
 * Armor's cost rule runs during validation, whose result is cached per document, and sees only
 * literal page sizes. This re-measures the cost with the request's variables at execution start.
 */
export function costWithVariablesErrors(
  limits: QueryLimits,
  schema: GraphQLSchema,
  document: DocumentNode,
  variables: Record<string, unknown> | undefined,
): readonly GraphQLError[] {
  const sized = withPageSizes(document, variables);
  if (sized === document) return [];
  return validate(schema, sized, [costLimitRule(armorConfig(limits).costLimit)]);
}
