// A graphql-ws subscribe message turned into the execution of one operation through yoga's
// envelop pipeline (getEnveloped), so every plugin runs as over HTTP: parse, validate and the
// checks HTTP makes, each failure answered as formatted errors for that operation alone.
import { getOperationAST, GraphQLError, Kind, type DocumentNode, type ExecutionArgs } from "graphql";
import type { SubscribePayload } from "graphql-ws";
import { ApiError } from "../graphql/apiError.js";
import type { ContextInput } from "../graphql/contextFactory.js";
import type { GraphQLServer } from "../graphql/server.js";

export type Enveloped = ReturnType<GraphQLServer["getEnveloped"]>;

/** The operation to run, with its enveloped functions in rootValue (see envelopedOf). */
export type PreparedOperation = ExecutionArgs & { rootValue: Enveloped };

/**
 * onSubscribe hands the operation's enveloped functions over in rootValue; they are taken out
 * before it runs, so a subscription (held as long as it streams) does not keep them, and root
 * resolvers see no root value, as over HTTP.
 */
export function envelopedOf(args: { rootValue?: unknown }): Enveloped {
  const enveloped = args.rootValue as Enveloped;
  args.rootValue = undefined;
  return enveloped;
}

/** The root field a subscription streams ("unknown" when selected through a fragment); null for other operations. */
export function subscriptionFieldOf(document: DocumentNode, operationName?: string | null): string | null {
  const operation = getOperationAST(document, operationName);
  if (operation?.operation !== "subscription") return null;
  const selection = operation.selectionSet.selections[0];
  return selection?.kind === Kind.FIELD ? selection.name.value : "unknown";
}

/**
 * Parses and validates `params` with the pipeline of one operation. Only `ws` goes into the
 * pipeline: whatever goes in stays in the context for the subscription's lifetime.
 */
export function parseOperation(yoga: GraphQLServer, ws: ContextInput, params: SubscribePayload) {
  const enveloped = yoga.getEnveloped({ ws });
  const refused = (errors: readonly GraphQLError[]) => ({ enveloped, document: null, errors });
  let document: DocumentNode;
  let errors: readonly GraphQLError[];
  try {
    document = enveloped.parse(params.query);
    // graphql-js rules may throw a GraphQLError instead of reporting it.
    errors = enveloped.validate(enveloped.schema, document);
  } catch (error) {
    if (error instanceof GraphQLError) return refused([error]);
    throw error;
  }
  if (errors.length > 0) return refused(errors);
  // As over HTTP; left to graphql-ws, this client mistake would be an unexplained error.
  if (!getOperationAST(document, params.operationName))
    return refused([new ApiError("BAD_REQUEST", "Could not determine what operation to execute.")]);
  return { enveloped, document, errors: null };
}

/** The execution arguments of a parsed operation; runs the pipeline's context factory. */
export async function operationArgs(
  enveloped: Enveloped,
  document: DocumentNode,
  params: SubscribePayload,
): Promise<PreparedOperation> {
  return {
    schema: enveloped.schema,
    operationName: params.operationName,
    document,
    variableValues: params.variables,
    contextValue: await enveloped.contextFactory(),
    rootValue: enveloped,
  };
}
