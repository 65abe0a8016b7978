// A graphql-ws client on the test server's /graphql socket, and one-shot operations over it.
import { createClient, type Client } from "graphql-ws";
import WebSocket from "ws";
import type { GraphQLResponse, TestServer } from "./server.js";

export function wsClient(server: TestServer, connectionParams: Record<string, unknown> = {}): Client {
  return createClient({
    url: server.url.replace(/^http/, "ws"),
    webSocketImpl: WebSocket,
    connectionParams,
    lazy: false,
    retryAttempts: 0,
  });
}

/** Runs one operation to completion; an `error` message (a list of GraphQL errors) resolves as { errors }. */
export function wsOnce(client: Client, query: string, variables?: Record<string, unknown>): Promise<GraphQLResponse> {
  return new Promise((resolve, reject) => {
    let last: GraphQLResponse | undefined;
    client.subscribe(
      { query, variables },
      {
        next: (value) => void (last = value as GraphQLResponse),
        error: (error) => (Array.isArray(error) ? resolve({ errors: error as GraphQLResponse["errors"] }) : reject(error)),
        complete: () => (last ? resolve(last) : reject(new Error("completed without a result"))),
      },
    );
  });
}
