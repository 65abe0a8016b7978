// What the timing plugin reports once per operation, to the log and to the metrics.
import { getOperationAST, type DocumentNode, type GraphQLError } from "graphql";
import { isErrorCode, type ErrorCode } from "../errors.js";
import type { Context } from "./context.js";

export type OperationType = "query" | "mutation" | "subscription";

export interface OperationReport {
  requestId: string | undefined;
  transport: Context["transport"];
  /** The client's operation name; null for an anonymous operation. */
  operationName: string | null;
  /** null when the document did not parse, or names no operation. */
  operationType: OperationType | null;
  userId: string | null;
  /** For a subscription: the time to set it up, not its lifetime. */
  durationMs: number;
  /** Distinct error codes of the result, in order of appearance; empty on success. */
  errorCodes: ErrorCode[];
}

export type OperationListener = (report: OperationReport) => void;

export function operationTypeOf(document: DocumentNode | undefined, operationName: string | null | undefined) {
  if (!document) return null;
  return getOperationAST(document, operationName)?.operation ?? null;
}

/**
 * Codes of errors as clients will see them. Errors from execution were already formatted by
 * useErrorFormatting; those raised before it (parse, validation, context) get the code the
 * formatter will give them: their own when it is one of ours, the parse or validation code when
 * they are GraphQL's, else `fallback`.
 */
export function errorCodesOf(errors: readonly (Error | GraphQLError)[] | undefined, fallback: ErrorCode): ErrorCode[] {
  const codes = new Set<ErrorCode>();
  for (const error of errors ?? []) {
    const { extensions, locations } = error as Partial<GraphQLError>;
    if (isErrorCode(extensions?.code)) codes.add(extensions.code);
    else if (error.message.startsWith("Syntax Error")) codes.add("GRAPHQL_PARSE_FAILED");
    else if (locations?.length) codes.add("GRAPHQL_VALIDATION_FAILED");
    else codes.add(fallback);
  }
  return [...codes];
}
