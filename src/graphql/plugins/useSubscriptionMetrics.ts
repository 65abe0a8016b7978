// Keeps the active-subscriptions gauge exact for every subscription on both transports: up when
// one starts streaming, down once when it ends, whether the client stopped it, the socket
// closed, or the stream failed.
import { isAsyncIterable } from "@envelop/core";
import { getOperationAST, Kind, type DocumentNode } from "graphql";
import type { Plugin } from "graphql-yoga";
import type { Metrics } from "../../metrics/registry.js";
import type { Context } from "../context.js";

function rootFieldOf(document: DocumentNode, operationName?: string | null): string {
  const selection = getOperationAST(document, operationName)?.selectionSet.selections[0];
  return selection?.kind === Kind.FIELD ? selection.name.value : "unknown";
}

export function useSubscriptionMetrics(metrics: Metrics): Plugin<Context> {
  return {
    onSubscribe({ args }) {
      let end = () => {};
      return {
        onSubscribeResult({ result }) {
          if (!isAsyncIterable(result)) return;
          const labels = { field: rootFieldOf(args.document, args.operationName) };
          metrics.activeSubscriptions.inc(labels);
          let ended = false;
          end = () => {
            if (ended) return;
            ended = true;
            metrics.activeSubscriptions.dec(labels);
          };
          return { onEnd: () => end() };
        },
        // A stream that throws does not reach onEnd.
        onSubscribeError: () => end(),
      };
    },
  };
}
