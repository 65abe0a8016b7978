// Executes a subscription event once per distinct operation instead of once per subscriber.
//
// graphql-js runs a subscription's selection set for every subscriber on every event: a room of
// N sockets costs N executions (and N author lookups) per message. The room event bus hands the
// SAME event object to every local subscriber, so the result of one execution can be reused by
// every subscriber whose operation would compute the same thing: same document, operation name
// and variables, and — when the document selects a field whose value depends on who asks (declared
// on the field: graphql/viewerDependent.ts) — the same viewer. Per-subscriber filtering (excludeSelf, replay) happens in the source stream, before
// this point, so it is unchanged. A result with errors is never shared: that subscriber's event is
// executed again on its own, so error extensions (requestId…) stay its own.
//
// When the transport can send results itself (context.directDelivery: graphql-ws) and the source
// stream can push (pushable.ts), live events skip the per-subscriber iterator chain altogether:
// the result is serialized once per event and operation and sent to each socket (deliveryGroups).
// Only error-free results go that way; anything else takes the subscriber's normal path, where
// the transport formats its errors as it sends it (no plugin hooks into a running subscription's
// results: an envelop onSubscribeResult onNext would wrap every stream in one more layer, and
// would not see the results sent directly).
//
// The one shared execution runs compiled by graphql-jit, like queries (useCompiledExecution); a
// result with errors is executed again by graphql-js for its subscriber, so errors read the same
// whichever ran first.
import { getDocumentString } from "@envelop/core";
import { mapAsyncIterator } from "@graphql-tools/utils";
import { compileQuery, isCompiledQuery, type CompiledQuery } from "graphql-jit";
import {
  createSourceEventStream,
  execute,
  GraphQLError,
  TypeInfo,
  visit,
  visitWithTypeInfo,
  type DocumentNode,
  type ExecutionArgs,
  type ExecutionResult,
  type GraphQLSchema,
} from "graphql";
import type { Plugin } from "graphql-yoga";
import { isPushable, PUSH } from "../streams/pushable.js";
import type { Context } from "../../graphql/context.js";
import { perOperation } from "../../graphql/perOperation.js";
import { compilableVariables } from "../../graphql/compilableVariables.js";
import { viewerDependentFields } from "../../graphql/viewerDependent.js";
import { DeliveryGroups, type Recipient } from "./deliveryGroups.js";

type Results = Map<string, Promise<ExecutionResult>>;

/** Whether the document selects any of `fields` ("Type.field"): its results are then shared per viewer. */
function selectsAny(schema: GraphQLSchema, document: DocumentNode, fields: ReadonlySet<string>): boolean {
  const typeInfo = new TypeInfo(schema);
  let found = false;
  visit(
    document,
    visitWithTypeInfo(typeInfo, {
      Field(node) {
        const parent = typeInfo.getParentType();
        if (parent && fields.has(`${parent.name}.${node.name.value}`)) found = true;
      },
    }),
  );
  return found;
}

export function useSharedSubscriptionExecution(): Plugin<Context> {
  /** Per event object: the results computed for it so far, by operation key. Dies with the event. */
  const resultsByEvent = new WeakMap<object, Results>();
  const documentIds = new WeakMap<DocumentNode, string>();
  const perViewer = new WeakMap<DocumentNode, boolean>();
  let nextDocumentId = 0;

  function operationKey(args: ExecutionArgs): string {
    const { document, schema } = args;
    let id = documentIds.get(document);
    if (id === undefined) documentIds.set(document, (id = getDocumentString(document) ?? `#${nextDocumentId++}`));
    let byViewer = perViewer.get(document);
    if (byViewer === undefined) perViewer.set(document, (byViewer = selectsAny(schema, document, viewerDependentFields(schema))));
    const viewer = (args.contextValue as Context).viewer;
    // The role is always part of the key: directives may answer differently per role.
    const who = byViewer ? `${viewer?.id ?? "-"}:${viewer?.role ?? "-"}` : (viewer?.role ?? "-");
    return `${who}\n${args.operationName ?? ""}\n${JSON.stringify(args.variableValues ?? {})}\n${id}`;
  }

  const executeFor = (args: ExecutionArgs, event: unknown) => execute({ ...args, rootValue: event });
  const groups = new DeliveryGroups();

  /** Its graphql-jit compilation, null where graphql-js runs it. */
  const compiledOperation = perOperation((schema, operation, document): CompiledQuery | null => {
    const attempt =
      operation && compilableVariables(schema, operation) ? compileQuery(schema, document, operation.name?.value) : null;
    return attempt && isCompiledQuery(attempt) ? attempt : null;
  });

  /** The one execution of `event` for every subscriber with this key. */
  function resultOnce(args: ExecutionArgs, key: string, event: object): Promise<ExecutionResult> {
    let results = resultsByEvent.get(event);
    if (!results) resultsByEvent.set(event, (results = new Map()));
    let result = results.get(key);
    if (!result) {
      const compiled = compiledOperation(args.schema, args.document, args.operationName);
      const run = () => (compiled ? compiled.query(event, args.contextValue, args.variableValues) : executeFor(args, event));
      results.set(key, (result = new Promise<ExecutionResult>((resolve) => resolve(run()))));
    }
    return result;
  }

  function sharedResult(args: ExecutionArgs, key: string, event: unknown): Promise<ExecutionResult> | ExecutionResult {
    if (typeof event !== "object" || event === null) return executeFor(args, event);
    return resultOnce(args, key, event).then(
      (shared) => (shared.errors?.length ? executeFor(args, event) : { ...shared }),
      () => executeFor(args, event),
    );
  }

  async function subscribe(args: ExecutionArgs) {
    let source: Awaited<ReturnType<typeof createSourceEventStream>>;
    try {
      source = await createSourceEventStream(args);
    } catch (error) {
      // graphql-js throws what it did not expect; thrown, graphql-ws would close the whole socket
      // (4500) and end the client's other subscriptions. As a result only this operation fails.
      return {
        errors: [
          error instanceof GraphQLError
            ? error
            : new GraphQLError("Subscription failed to start", { originalError: error as Error }),
        ],
      };
    }
    if (!(Symbol.asyncIterator in source)) return source;
    const key = operationKey(args);
    const delivery = (args.contextValue as Context).directDelivery;
    if (delivery && isPushable<object>(source)) {
      const recipient: Recipient = { delivery, toReader: (event) => channel.toReader(event as object) };
      const executeOnce = (event: unknown) => resultOnce(args, key, event as object);
      const channel = source[PUSH]((event) => groups.add(key, event, recipient, executeOnce));
    }
    return mapAsyncIterator(source as AsyncIterable<unknown>, (event) => sharedResult(args, key, event));
  }

  return {
    onSubscribe({ setSubscribeFn }) {
      setSubscribeFn(subscribe as Parameters<typeof setSubscribeFn>[0]);
    },
  };
}
