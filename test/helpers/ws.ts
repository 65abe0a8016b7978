// graphql-ws clients for tests: real sockets (the `ws` package) against a running test server,
// with helpers to collect a subscription's results and to await how the socket closed.
import { createClient, type Client, type FormattedExecutionResult } from "graphql-ws";
import WebSocket from "ws";
import type { TestServer } from "./server.js";

/** Generous upper bound for "this should happen": a missing event fails the test, never slows it. */
const WAIT_MS = 15_000;
/** Options for vi.waitFor / expect.poll on state that settles shortly (a loaded CI machine is slow). */
export const EVENTUALLY = { timeout: 10_000, interval: 50 };

export interface CloseInfo {
  code: number;
  reason: string;
}

export interface WsClientOptions {
  /** Sent as connectionParams `{ authorization: "Bearer <token>" }`. */
  token?: string;
  connectionParams?: Record<string, unknown>;
  /** A WebSocket class, e.g. one that does not answer pings. */
  webSocketImpl?: unknown;
  /** graphql-ws client pings (protocol messages) every this many ms; 0 = none. */
  keepAlive?: number;
}

export type Result<T = any> = FormattedExecutionResult<T>;

/** A running subscription: results as they arrive, and how it ended. */
export interface Collector<T = any> {
  readonly results: Result<T>[];
  /** The next result not yet taken. */
  next(): Promise<Result<T>>;
  /** Takes results until one matches; returns it. */
  until(predicate: (result: Result<T>) => boolean): Promise<Result<T>>;
  /** Resolves when the server completed the operation; rejects with its error. */
  readonly ended: Promise<void>;
  /** Sends complete for it. */
  stop(): void;
}

export interface TestWsClient {
  client: Client;
  /** Resolves once connection_ack arrived. */
  connected: Promise<void>;
  /** Resolves with the close code and reason of the socket. */
  closed: Promise<CloseInfo>;
  /** The underlying socket (after connected). */
  socket(): WebSocket;
  subscribe<T = any>(query: string, variables?: Record<string, unknown>): Collector<T>;
  /** A query or mutation over the socket; resolves with its single result. */
  request<T = any>(query: string, variables?: Record<string, unknown>): Promise<Result<T>>;
  /** Drops the connection without a close frame (like a crashed client or a pulled cable). */
  terminate(): void;
  dispose(): Promise<void>;
}

export const wsUrl = (server: Pick<TestServer, "url">) => server.url.replace(/^http/, "ws");

function withTimeout<T>(promise: Promise<T>, what: string): Promise<T> {
  let timer: NodeJS.Timeout;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`timed out waiting for ${what}`)), WAIT_MS);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}

export function connectWs(server: Pick<TestServer, "url">, options: WsClientOptions = {}): TestWsClient {
  let socket: WebSocket | null = null;
  let onClosed!: (info: CloseInfo) => void;
  let onConnected!: () => void;
  const closed = new Promise<CloseInfo>((resolve) => (onClosed = resolve));
  const connected = new Promise<void>((resolve) => (onConnected = resolve));
  const connectionParams = options.connectionParams ?? (options.token ? { authorization: `Bearer ${options.token}` } : {});

  const client = createClient({
    url: wsUrl(server),
    webSocketImpl: options.webSocketImpl ?? WebSocket,
    connectionParams,
    lazy: false,
    retryAttempts: 0,
    keepAlive: options.keepAlive ?? 0,
    onNonLazyError: () => undefined,
    on: {
      connected: (raw) => {
        socket = raw as WebSocket;
        onConnected();
      },
      closed: (event) => {
        const { code, reason } = event as { code: number; reason: unknown };
        onClosed({ code, reason: String(reason ?? "") });
      },
    },
  });

  function subscribe<T>(query: string, variables?: Record<string, unknown>): Collector<T> {
    const results: Result<T>[] = [];
    const waiters: (() => void)[] = [];
    let taken = 0;
    let done = false;
    let settle!: { resolve: () => void; reject: (error: unknown) => void };
    const ended = new Promise<void>((resolve, reject) => (settle = { resolve, reject }));
    ended.catch(() => undefined); // observed through `ended` by tests that care
    const wake = () => {
      for (const w of waiters.splice(0)) w();
    };
    const stop = client.subscribe<T>(
      { query, variables },
      {
        next: (result) => {
          results.push(result as Result<T>);
          wake();
        },
        error: (error) => {
          done = true;
          settle.reject(error);
          wake();
        },
        complete: () => {
          done = true;
          settle.resolve();
          wake();
        },
      },
    );

    async function next(): Promise<Result<T>> {
      return withTimeout(
        (async () => {
          while (taken >= results.length) {
            if (done) throw new Error(`subscription ended after ${results.length} results: ${JSON.stringify(results.at(-1))}`);
            await new Promise<void>((resolve) => waiters.push(resolve));
          }
          return results[taken++]!;
        })(),
        `a result of ${query.trim().split("\n")[0]}`,
      );
    }

    return {
      results,
      next,
      async until(predicate) {
        for (;;) {
          const result = await next();
          if (predicate(result)) return result;
        }
      },
      ended,
      stop,
    };
  }

  return {
    client,
    connected: withTimeout(connected, "connection_ack"),
    closed,
    socket: () => {
      if (!socket) throw new Error("not connected yet");
      return socket;
    },
    subscribe,
    async request<T>(query: string, variables?: Record<string, unknown>) {
      const collector = subscribe<T>(query, variables);
      const result = await collector.next();
      return result;
    },
    terminate: () => {
      if (!socket) throw new Error("not connected yet");
      socket.terminate();
    },
    dispose: () => client.dispose() as Promise<void>,
  };
}

/** Awaits how the socket closed. */
export const closeOf = (client: TestWsClient) => withTimeout(client.closed, "the socket to close");

/** A WebSocket that never answers pings: a peer that is gone without closing. */
export class SilentWebSocket extends WebSocket {
  constructor(address: string, protocols?: string | string[]) {
    super(address, protocols, { autoPong: false });
  }
}

/**
 * The code of the GraphQL error an operation failed with: refused up front (an error message)
 * or failed while running (a result with errors).
 */
export async function errorCodeOf(collector: Collector): Promise<string | undefined> {
  try {
    const result = await collector.next();
    return result.errors?.[0]?.extensions?.code as string | undefined;
  } catch {
    const error = await collector.ended.then(
      () => undefined,
      (e: unknown) => e,
    );
    const errors = error as { extensions?: { code?: string } }[] | undefined;
    return Array.isArray(errors) ? errors[0]?.extensions?.code : undefined;
  }
}

/** Closes every client in `clients` and empties the list (an afterEach of socket tests). */
export async function disposeAll(clients: TestWsClient[]): Promise<void> {
  await Promise.all(clients.splice(0).map((client) => client.dispose()));
}

/** Connects, keeps the client in `clients` (for disposeAll) and resolves once it is acknowledged. */
export async function connectKept(
  server: Pick<TestServer, "url">,
  clients: TestWsClient[],
  options: WsClientOptions = {},
): Promise<TestWsClient> {
  const client = connectWs(server, options);
  clients.push(client);
  await client.connected;
  return client;
}
