// Zod failures as BAD_USER_INPUT: one error naming every offending field in extensions.issues.
// Services validate their own input with parseInput; plugin-zod argument checks use zodValidationError.
import type { z, ZodError } from "zod";
import { badUserInput, type Issue } from "./errors.js";

function zodIssues(error: ZodError, prefix: readonly (string | number)[]): Issue[] {
  return error.issues.map((issue) => ({
    path: [...prefix, ...issue.path].map(String).join("."),
    message: issue.message,
  }));
}

/** The BAD_USER_INPUT for a zod failure, with paths under `prefix` (e.g. "input"). */
export function zodValidationError(error: ZodError, prefix: readonly (string | number)[] = []) {
  const issues = zodIssues(error, prefix);
  const summary = issues.map((i) => (i.path ? `${i.path}: ${i.message}` : i.message)).join("; ");
  return badUserInput(`Invalid input: ${summary}`, issues);
}

/** Parses or throws BAD_USER_INPUT naming each offending field. */
export function parseInput<S extends z.ZodType>(schema: S, value: unknown, prefix: string[] = []): z.output<S> {
  const result = schema.safeParse(value);
  if (result.success) return result.data;
  throw zodValidationError(result.error, prefix);
}

/** `build` memoised per key: zod schemas are costly to construct on every request, cheap to reuse. */
export function schemaPer<K, S extends z.ZodType>(build: (key: K) => S): (key: K) => S {
  const built = new Map<K, S>();
  return (key) => {
    let schema = built.get(key);
    if (!schema) built.set(key, (schema = build(key)));
    return schema;
  };
}
