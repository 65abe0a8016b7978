// The error mask: execution results on both transports (envelop hooks) and errors yoga raises
// before execution (parse, validation, context) on HTTP. Its parse and validate hooks mark the
// errors those steps produce, so each error is coded by the step it arose in (errorFormat.ts).
// The events of a running subscription are formatted by the real-time server as graphql-ws sends
// them (realtime/server.ts, onNext):
// formatting them here would wrap every subscription's stream in one more iterator layer, about
// 1 KiB for as long as it runs; a subscribe that ends in a single result is formatted here.
import { handleStreamOrSingleExecutionResult, isAsyncIterable } from "@envelop/core";
import type { DocumentNode, ExecutionResult } from "graphql";
import type { Plugin } from "graphql-yoga";
import type { Context } from "../context.js";
import { requestIdOf } from "../requestId.js";
import { formatResult, markParseError, markValidationErrors, type FormatOptions } from "./errorFormat.js";

type Options = Omit<FormatOptions, "requestId">;

export function useErrorFormatting(options: Options): Plugin<Context> {
  type Payload = { result: ExecutionResult; setResult(result: ExecutionResult): void };
  const onResult = (context: Context, document?: DocumentNode) => (payload: Payload) => {
    const formatted = formatResult(payload.result, { ...options, requestId: context.requestId, document });
    if (formatted !== payload.result) payload.setResult(formatted);
  };
  return {
    // Last among the plugins that change these results (see server.ts), so the errors marked are
    // the ones sent. A parse error yoga's cache throws again is the object marked the first time.
    onParse:
      () =>
      ({ result }) => {
        if (result instanceof Error) markParseError(result);
      },
    onValidate:
      () =>
      ({ result }) =>
        markValidationErrors(result),
    onExecute: ({ args }) => ({
      onExecuteDone: (payload) => handleStreamOrSingleExecutionResult(payload, onResult(args.contextValue, args.document)),
    }),
    onSubscribe: ({ args }) => ({
      onSubscribeResult: ({ result, setResult }) => {
        if (!isAsyncIterable(result)) onResult(args.contextValue, args.document)({ result, setResult });
      },
    }),
    onResultProcess({ request, result, setResult }) {
      if (Array.isArray(result) || !result || Symbol.asyncIterator in result) return;
      const formatted = formatResult(result as ExecutionResult, { ...options, requestId: requestIdOf(request) });
      if (formatted !== result) setResult(formatted);
    },
  };
}
