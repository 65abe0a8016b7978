// Starts a real server instance on a free port for a test file, and talks to it over HTTP.
import { randomBytes } from "node:crypto";
import { Writable } from "node:stream";
import { loadConfig } from "../../src/config/index.js";
import { createLogger } from "../../src/logger.js";
import { startApp, type App } from "../../src/server/app.js";
import { createTestDatabase, type TestDatabase } from "./database.js";

export interface GraphQLResponse<T = any> {
  data?: T;
  errors?: { message: string; path?: (string | number)[]; extensions: Record<string, any> }[];
}

export interface TestServer {
  app: App;
  url: string;
  origin: string;
  db: TestDatabase;
  env: Record<string, string>;
  /** Every log line the server wrote, as raw text. */
  logs: string[];
  gql<T = any>(
    query: string,
    variables?: Record<string, unknown>,
    options?: { token?: string; headers?: Record<string, string> },
  ): Promise<GraphQLResponse<T>>;
  post(body: unknown, headers?: Record<string, string>): Promise<Response>;
  stop(): Promise<void>;
}

export interface StartOptions {
  env?: Record<string, string>;
  /** Reuse a database (for a second instance or a restart); it is then not dropped by stop(). */
  db?: TestDatabase;
  embedded?: boolean;
}

export const TEST_JWT_SECRET = randomBytes(32).toString("base64");

export async function startTestServer(options: StartOptions = {}): Promise<TestServer> {
  const ownsDb = !options.db;
  const db = options.db ?? (await createTestDatabase({ embedded: options.embedded }));
  const env: Record<string, string> = {
    NODE_ENV: "test",
    HOST: "127.0.0.1",
    PORT: "0",
    DATA_DIR: db.dataDir,
    JWT_SECRET: TEST_JWT_SECRET,
    LOG_LEVEL: "info",
    ...(db.url ? { DATABASE_URL: db.url } : {}),
    ...options.env,
  };
  const logs: string[] = [];
  const destination = new Writable({
    write(chunk, _encoding, callback) {
      logs.push(String(chunk));
      callback();
    },
  });
  const { config } = loadConfig(env);
  const logger = createLogger({ level: config.log.level, destination });
  const app = await startApp(config, logger);

  const post = (body: unknown, headers: Record<string, string> = {}) =>
    fetch(app.url, {
      method: "POST",
      headers: { "content-type": "application/json", accept: "application/graphql-response+json", ...headers },
      body: JSON.stringify(body),
    });

  return {
    app,
    url: app.url,
    origin: new URL(app.url).origin,
    db,
    env,
    logs,
    post,
    async gql(query, variables, { token, headers = {} } = {}) {
      const response = await post({ query, variables }, token ? { authorization: `Bearer ${token}`, ...headers } : headers);
      return (await response.json()) as GraphQLResponse;
    },
    async stop() {
      await app.close();
      if (ownsDb) await db.drop();
    },
  };
}
