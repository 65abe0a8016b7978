// Production: no "Did you mean ...?" hints in error messages, so the schema cannot be mapped by
// guessing. graphql-js appends them to unknown fields, arguments and types, unknown enum values
// (in literals and in variables) and unknown input fields; GraphQL Armor's own mask only catches
// the `Did you mean "x"?` form, so this removes every form, on both transports. A running
// subscription's events need nothing: their input was coerced when it started (a single result,
// scrubbed here), and executing an event raises no suggestion.
import { handleStreamOrSingleExecutionResult, isAsyncIterable } from "@envelop/core";
import { GraphQLError } from "graphql";
import type { Plugin } from "graphql-yoga";

const SUGGESTION = /\s*Did you mean .+\?$/s;

function scrub(errors: readonly unknown[] | undefined) {
  for (const error of errors ?? []) {
    if (error instanceof GraphQLError && SUGGESTION.test(error.message)) {
      error.message = error.message.replace(SUGGESTION, "");
    }
  }
}

export function useHideSuggestions(enabled: boolean): Plugin {
  if (!enabled) return {};
  return {
    onValidate:
      () =>
      ({ result }) =>
        scrub(result),
    onExecute: () => ({
      onExecuteDone: (payload) => handleStreamOrSingleExecutionResult(payload, ({ result }) => scrub(result.errors)),
    }),
    onSubscribe: () => ({
      onSubscribeResult: ({ result }) => {
        if (!isAsyncIterable(result)) scrub(result.errors);
      },
    }),
  };
}
