// Text arguments must be well-formed Unicode without NUL characters. A lone UTF-16 surrogate
// ("\ud800", valid in a GraphQL string) would be stored as U+FFFD: silently changed, so two
// different client message ids could become one and a message be dropped as a "retry". NUL is
// text PostgreSQL cannot hold at all. Both are refused before anything runs, for variables and
// for literals in the document alike.
import { visit, type ExecutionArgs } from "graphql";
import type { Plugin } from "graphql-yoga";
import { badUserInput } from "../../errors.js";
import { ApiError } from "../apiError.js";
import { perDocument } from "../perOperation.js";

/** A NUL, or a surrogate not paired (with the `u` flag, a pair reads as one code point). */
const ILL_FORMED = /[\0\p{Cs}]/u;
const MESSAGE = "must be well-formed Unicode text without NUL characters";

/** The path of the first ill-formed string in `value`, or null. */
function illFormedPath(value: unknown, path: string): string | null {
  if (typeof value === "string") return ILL_FORMED.test(value) ? path : null;
  if (Array.isArray(value)) {
    for (let i = 0; i < value.length; i++) {
      const found = illFormedPath(value[i], `${path}.${i}`);
      if (found) return found;
    }
  } else if (value && typeof value === "object") {
    for (const [key, inner] of Object.entries(value)) {
      const found = illFormedPath(inner, `${path}.${key}`);
      if (found) return found;
    }
  }
  return null;
}

const hasIllFormedLiteral = perDocument((document) => {
  let found = false;
  visit(document, {
    StringValue(node) {
      if (ILL_FORMED.test(node.value)) found = true;
    },
  });
  return found;
});

function refusal(args: ExecutionArgs): ApiError | null {
  for (const [name, value] of Object.entries(args.variableValues ?? {})) {
    const path = illFormedPath(value, `$${name}`);
    if (path) return ApiError.from(badUserInput(`Invalid input: ${path}: ${MESSAGE}`, [{ path, message: MESSAGE }]));
  }
  return hasIllFormedLiteral(args.document)
    ? ApiError.from(badUserInput(`Invalid input: a string in the document ${MESSAGE}`))
    : null;
}

export function useWellFormedText(): Plugin {
  return {
    onExecute({ args, setResultAndStopExecution }) {
      const error = refusal(args);
      if (error) setResultAndStopExecution({ errors: [error] });
    },
    onSubscribe({ args, setResultAndStopExecution }) {
      const error = refusal(args);
      if (error) setResultAndStopExecution({ errors: [error] });
    },
  };
}
