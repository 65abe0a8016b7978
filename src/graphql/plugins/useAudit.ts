// Records every mutation call in the audit trail (services/audit), on both transports: one entry
// per root mutation field that ran, with the viewer, the target id, the outcome code ("OK" or the
// error code clients saw: pipeline.ts runs it after the error mask), request id and client IP.
// Arguments are never stored; only an `id` argument is read.
import { isAsyncIterable } from "@envelop/core";
import {
  defaultFieldResolver,
  getNamedType,
  getNullableType,
  getOperationAST,
  isListType,
  isObjectType,
  Kind,
  type ExecutionResult,
  type GraphQLNamedType,
  type GraphQLObjectType,
  type GraphQLOutputType,
  type GraphQLSchema,
  type OperationDefinitionNode,
} from "graphql";
import type { Plugin } from "graphql-yoga";
import { isErrorCode } from "../../errors.js";
import { encodeGlobalId } from "../../schema/globalId.js";
import type { AuditEntry, AuditService } from "../../services/audit/index.js";
import type { Context } from "../context.js";

interface MutationCall {
  field: string;
  responseKey: string;
  idArg: string | null;
  returnType: GraphQLOutputType;
  value?: unknown;
}

// Module-level on purpose: the resolver wrappers below are installed once on the shared schema
// object and serve every app instance in the process; each operation's context is its own key.
const callsByContext = new WeakMap<object, MutationCall[]>();
const WRAPPED = Symbol.for("mundo-tango.audit.wrapped");

/** Wraps each Mutation field's resolver so the audit sees which fields ran and what they returned. */
function captureMutationCalls(schema: GraphQLSchema) {
  for (const field of Object.values(schema.getMutationType()?.getFields() ?? {})) {
    const marked = field as typeof field & { [WRAPPED]?: true };
    if (marked[WRAPPED]) continue;
    const resolve = field.resolve ?? defaultFieldResolver;
    field.resolve = (source, args, context, info) => {
      const calls = callsByContext.get(context);
      if (!calls) return resolve(source, args, context, info);
      const call: MutationCall = {
        field: info.fieldName,
        responseKey: String(info.path.key),
        idArg: typeof args.id === "string" ? args.id : null,
        returnType: info.returnType,
      };
      calls.push(call);
      const result = resolve(source, args, context, info);
      if (typeof (result as PromiseLike<unknown> | null)?.then !== "function") {
        call.value = result;
        return result;
      }
      return (result as PromiseLike<unknown>).then((value) => {
        call.value = value;
        return value;
      });
    };
    marked[WRAPPED] = true;
  }
}

const isNodeType = (type: GraphQLNamedType): type is GraphQLObjectType =>
  isObjectType(type) && type.getInterfaces().some((i) => i.name === "Node");

/** The Node type an ID field of a payload names by convention: `messageId` → Message. */
function nodeTypeNamedBy(schema: GraphQLSchema, fieldName: string): GraphQLObjectType | null {
  if (!fieldName.endsWith("Id") || fieldName.length < 3) return null;
  const type = schema.getType(fieldName[0]!.toUpperCase() + fieldName.slice(1, -2));
  return type && isNodeType(type) ? type : null;
}

/**
 * The global id of the node a mutation returned: the value itself when its type is a Node (a row,
 * or just its id), or, for a payload type, the one singular Node field it carries (AuthPayload.user)
 * or else the one `<node>Id` field (MessageReceipt.messageId).
 */
function returnedNodeId(schema: GraphQLSchema, type: GraphQLNamedType, value: unknown, lookInside = true): string | null {
  if (value === null || value === undefined) return null;
  if (isNodeType(type)) {
    const raw = typeof value === "object" ? (value as { id?: unknown }).id : value;
    return typeof raw === "string" || typeof raw === "number" ? encodeGlobalId(type.name, raw) : null;
  }
  if (!lookInside || !isObjectType(type) || typeof value !== "object") return null;
  const fields = Object.values(type.getFields());
  const nodeFields = fields.filter((f) => !isListType(getNullableType(f.type)) && isNodeType(getNamedType(f.type)));
  if (nodeFields.length === 1) {
    const [field] = nodeFields;
    return returnedNodeId(schema, getNamedType(field!.type), (value as Record<string, unknown>)[field!.name], false);
  }
  const idFields = fields.flatMap((f) => {
    const node = getNamedType(f.type).name === "ID" ? nodeTypeNamedBy(schema, f.name) : null;
    return node ? [{ field: f.name, node }] : [];
  });
  if (nodeFields.length > 0 || idFields.length !== 1) return null;
  return returnedNodeId(schema, idFields[0]!.node, (value as Record<string, unknown>)[idFields[0]!.field], false);
}

function codeOf(extensions: Record<string, unknown> | undefined): string {
  return isErrorCode(extensions?.code) ? extensions.code : "INTERNAL_SERVER_ERROR";
}

function outcomeOf(responseKey: string, result: ExecutionResult): string {
  // The root field's own error, else an error of the whole operation (no path: e.g. the execution
  // timeout). A nested field's error (a longer path) came after the mutation was done: still OK.
  const own =
    result.errors?.find((e) => e.path?.length === 1 && e.path[0] === responseKey) ?? result.errors?.find((e) => !e.path?.length);
  return own ? codeOf(own.extensions) : "OK";
}

/** Root fields named in the document, for a mutation stopped before any resolver ran. */
function requestedFields(operation: OperationDefinitionNode): string[] {
  return operation.selectionSet.selections.flatMap((s) => (s.kind === Kind.FIELD ? [s.name.value] : []));
}

export function useAudit({ audit }: { audit: AuditService }): Plugin<Context> {
  return {
    onSchemaChange({ schema }) {
      captureMutationCalls(schema);
    },
    onExecute({ args }) {
      const operation = getOperationAST(args.document, args.operationName);
      if (operation?.operation !== "mutation") return;
      const context = args.contextValue;
      const calls: MutationCall[] = [];
      callsByContext.set(context, calls);
      const createdAt = new Date();
      return {
        onExecuteDone({ result }) {
          callsByContext.delete(context);
          if (isAsyncIterable(result)) return;
          const base = {
            userId: context.viewer?.id ?? null,
            requestId: context.requestId ?? null,
            clientIp: context.clientIp ?? null,
            createdAt,
          };
          const entries: AuditEntry[] = calls.length
            ? calls.map((call) => ({
                ...base,
                operation: call.field,
                targetId: call.idArg ?? returnedNodeId(args.schema, getNamedType(call.returnType), call.value),
                outcome: outcomeOf(call.responseKey, result),
              }))
            : result.errors?.length
              ? requestedFields(operation).map((field) => ({
                  ...base,
                  operation: field,
                  targetId: null,
                  outcome: codeOf(result.errors![0]!.extensions),
                }))
              : [];
          audit.record(entries);
        },
      };
    },
  };
}
