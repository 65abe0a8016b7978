// HTTP 429 with Retry-After when every root field of an operation was refused by @rateLimit
// (typically a lone `login`). Yoga would answer with the highest status found on any error, so a
// document where some root fields ran would also become 429; instead the status is set here on
// the whole result, only when nothing ran, and a partly evaluated document keeps its status.
import { handleStreamOrSingleExecutionResult } from "@envelop/core";
import { collectFields } from "@graphql-tools/utils";
import { getOperationAST, Kind, type ExecutionArgs, type ExecutionResult, type FragmentDefinitionNode } from "graphql";
import type { Plugin } from "graphql-yoga";
import type { Context } from "../context.js";

/** The response keys of the operation's root fields (after @skip/@include and fragments). */
function rootResponseKeys(args: ExecutionArgs): string[] {
  const operation = getOperationAST(args.document, args.operationName);
  const rootType = operation && args.schema.getRootType(operation.operation);
  if (!operation || !rootType) return [];
  const fragments: Record<string, FragmentDefinitionNode> = {};
  for (const definition of args.document.definitions) {
    if (definition.kind === Kind.FRAGMENT_DEFINITION) fragments[definition.name.value] = definition;
  }
  // @graphql-tools/utils takes variables in graphql 17's shape; on graphql 16 it reads `coerced`.
  const variables = { coerced: args.variableValues ?? {}, sources: {} };
  const { fields } = collectFields(args.schema, fragments, variables, rootType, operation.selectionSet);
  return [...fields.keys()];
}

/** Seconds to wait when every root field was rate limited, else null. */
function retryAfterWhenAllLimited(args: ExecutionArgs, result: ExecutionResult): number | null {
  const limited = new Map<string, number>();
  for (const error of result.errors ?? []) {
    const key = error.path?.length === 1 ? error.path[0] : undefined;
    const retryAfter = error.extensions?.retryAfter;
    if (error.extensions?.code === "RATE_LIMITED" && typeof key === "string" && typeof retryAfter === "number") {
      limited.set(key, retryAfter);
    }
  }
  if (limited.size === 0) return null;
  const keys = rootResponseKeys(args);
  if (keys.length === 0 || !keys.every((key) => limited.has(key))) return null;
  // Retrying the same document needs every field's slot: wait for the last one.
  return Math.max(...limited.values());
}

export function useRateLimitStatus(): Plugin<Context> {
  return {
    onExecute({ args }) {
      // The status and header are HTTP's; over WebSocket the error's retryAfter says it all.
      if (args.contextValue.transport !== "http") return;
      return {
        onExecuteDone: (payload) =>
          handleStreamOrSingleExecutionResult(payload, ({ result, setResult }) => {
            const retryAfter = retryAfterWhenAllLimited(args, result);
            if (retryAfter === null) return;
            setResult({
              ...result,
              extensions: { ...result.extensions, http: { status: 429, headers: { "Retry-After": String(retryAfter) } } },
            });
          }),
      };
    },
  };
}
