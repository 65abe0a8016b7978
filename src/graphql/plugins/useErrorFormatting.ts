// The error mask, in one place: execution results on both transports (envelop hooks) and
// errors yoga raises before execution (parse, validation, context) on HTTP.
import { handleStreamOrSingleExecutionResult } from "@envelop/core";
import type { DocumentNode, ExecutionResult, GraphQLError } from "graphql";
import type { Plugin } from "graphql-yoga";
import type { Context } from "../context.js";
import { requestIdOf } from "../requestId.js";
import { formatError, isFormatted, type FormatOptions } from "./errorFormat.js";

type Options = Omit<FormatOptions, "requestId">;

function formatResult<T extends ExecutionResult>(result: T, options: FormatOptions): T {
  if (!result.errors?.length || result.errors.every(isFormatted)) return result;
  return {
    ...result,
    errors: result.errors.map((e: GraphQLError) => (isFormatted(e) ? e : formatError(e, options))),
  };
}

export function useErrorFormatting(options: Options): Plugin<Context> {
  const onResult = (context: Context, document?: DocumentNode) => (payload: Parameters<Parameters<typeof handleStreamOrSingleExecutionResult>[1]>[0]) => {
    const formatted = formatResult(payload.result, { ...options, requestId: context.requestId, document });
    if (formatted !== payload.result) payload.setResult(formatted);
  };
  return {
    onExecute: ({ args }) => ({
      onExecuteDone: (payload) => handleStreamOrSingleExecutionResult(payload, onResult(args.contextValue, args.document)),
    }),
    onSubscribe: ({ args }) => ({
      onSubscribeResult: (payload) => handleStreamOrSingleExecutionResult(payload, onResult(args.contextValue, args.document)),
    }),
    onResultProcess({ request, result, setResult }) {
      if (Array.isArray(result) || !result || Symbol.asyncIterator in result) return;
      const formatted = formatResult(result as ExecutionResult, { ...options, requestId: requestIdOf(request) });
      if (formatted !== result) setResult(formatted);
    },
  };
}
