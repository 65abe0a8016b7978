// Response time, in two plugins, placed by pipeline.ts. useResponseTime starts the clock when an
// HTTP request arrives and sets X-Response-Time on its response. useOperationTiming times every
// operation on both transports, after the error mask (so it sees the codes clients see),
// and reports it once (name, type, user, duration, error codes) to its listeners: the operation
// log and the metrics. Over HTTP an operation's clock is its request's; over the socket it starts
// when the operation's message is handled (realtime/server.ts calls yoga.getEnveloped per operation).
// An operation is reported where it ends: a parse or validation failure, a failed context (bad
// token), or the end of execution; for a subscription, the end of its setup.
import { isAsyncIterable } from "@envelop/core";
import type { DocumentNode } from "graphql";
import type { Plugin } from "graphql-yoga";
import type { ErrorCode } from "../../errors.js";
import type { Context } from "../context.js";
import type { ContextInput } from "../contextFactory.js";
import { errorCodesOf, operationTypeOf, type OperationListener } from "../operationReport.js";
import { requestIdOf } from "../requestId.js";

/** The context object as it grows: transport input first, our Context once built. */
interface OperationContext extends Partial<Context> {
  request?: Request;
  ws?: ContextInput;
  params?: { operationName?: string | null };
}

interface Timing {
  start: number;
  document?: DocumentNode;
}

export const RESPONSE_TIME_HEADER = "X-Response-Time";

export const formatDuration = (ms: number) => `${ms.toFixed(1)}ms`;

function requestIdOfContext(context: OperationContext): string | undefined {
  return context.requestId ?? context.ws?.requestId ?? (context.request ? requestIdOf(context.request) : undefined);
}

// Module-level so both plugins share it; each Request object is a key of its own.
const requestStarts = new WeakMap<Request, number>();

export function useResponseTime(): Plugin<Context> {
  return {
    onRequest({ request }) {
      requestStarts.set(request, performance.now());
    },
    onResponse({ request, response }) {
      const start = requestStarts.get(request);
      if (start !== undefined) response.headers.set(RESPONSE_TIME_HEADER, formatDuration(performance.now() - start));
    },
  };
}

export function useOperationTiming({ listeners }: { listeners: OperationListener[] }): Plugin<Context> {
  /** Operations not reported yet; reporting removes the entry (a subscription's context outlives it). */
  const timings = new WeakMap<object, Timing>();

  function report(context: OperationContext, errorCodes: ErrorCode[], document?: DocumentNode) {
    const timing = timings.get(context);
    if (!timing) return;
    timings.delete(context);
    const doc = document ?? timing.document;
    const requestedName = context.params?.operationName ?? null;
    const entry = {
      requestId: requestIdOfContext(context),
      transport: context.transport ?? (context.ws ? "ws" : "http"),
      operationName: requestedName ?? operationNameIn(doc),
      operationType: operationTypeOf(doc, requestedName),
      userId: context.viewer?.id ?? null,
      durationMs: performance.now() - timing.start,
      errorCodes,
    } as const;
    for (const listener of listeners) listener(entry);
  }

  return {
    onPluginInit({ registerContextErrorHandler }) {
      registerContextErrorHandler(({ context, error }) =>
        report(context, errorCodesOf([error as Error], "INTERNAL_SERVER_ERROR")),
      );
    },
    onEnveloped({ context }) {
      if (!context) return;
      const request = (context as OperationContext).request;
      const start = (request && requestStarts.get(request)) ?? performance.now();
      timings.set(context, { start });
    },
    onParse({ context }) {
      return ({ result }) => {
        if (result instanceof Error) report(context, ["GRAPHQL_PARSE_FAILED"]);
        else if (result) {
          const timing = timings.get(context);
          if (timing) timing.document = result;
        }
      };
    },
    onValidate({ context, params }) {
      return ({ valid, result }) => {
        if (!valid) report(context, errorCodesOf(result, "GRAPHQL_VALIDATION_FAILED"), params.documentAST);
      };
    },
    onExecute({ args }) {
      return {
        onExecuteDone({ result }) {
          const codes = isAsyncIterable(result) ? [] : errorCodesOf(result.errors, "INTERNAL_SERVER_ERROR");
          report(args.contextValue, codes, args.document);
        },
      };
    },
    onSubscribe({ args }) {
      return {
        onSubscribeResult({ result }) {
          const codes = isAsyncIterable(result) ? [] : errorCodesOf(result.errors, "INTERNAL_SERVER_ERROR");
          report(args.contextValue, codes, args.document);
        },
      };
    },
    // HTTP only, and a no-op for operations reported above. It catches what those hooks cannot
    // see: a parse error served from yoga's parser cache (thrown before our onParse hook's end)
    // and an execution that threw instead of returning a result.
    onExecutionResult({ result, context }) {
      const codes = !result || isAsyncIterable(result) ? [] : errorCodesOf(result.errors, "INTERNAL_SERVER_ERROR");
      report(context, codes);
    },
  };
}

/** The name of the document's only operation, when the client did not name one to run. */
function operationNameIn(document: DocumentNode | undefined): string | null {
  const operations = document?.definitions.filter((d) => d.kind === "OperationDefinition") ?? [];
  return operations.length === 1 && operations[0]!.kind === "OperationDefinition" ? (operations[0].name?.value ?? null) : null;
}
