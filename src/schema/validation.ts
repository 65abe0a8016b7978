import type { ZodError } from "zod";
import { badUserInput, type Issue } from "../errors.js";

export function zodIssues(error: ZodError, prefix: readonly (string | number)[] = []): Issue[] {
  return error.issues.map((issue) => ({
    path: [...prefix, ...issue.path].map(String).join("."),
    message: issue.message,
  }));
}

/** plugin-zod hands every failed argument validation here: one BAD_USER_INPUT naming the fields. */
export function zodValidationError(error: ZodError) {
  const issues = zodIssues(error);
  const summary = issues.map((i) => (i.path ? `${i.path}: ${i.message}` : i.message)).join("; ");
  return badUserInput(`Invalid input: ${summary}`, issues);
}
