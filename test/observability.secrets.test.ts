// Passwords, tokens and Authorization headers never reach the log, even at the most verbose
// level with every operation logged: sign in, use the token over HTTP and the socket, refresh,
// fail a sign-in, then search everything the server wrote.
import { createClient } from "graphql-ws";
import { afterAll, beforeAll, expect, it } from "vitest";
import WebSocket from "ws";
import { startTestServer, type TestServer } from "./helpers/server.js";
import { createUser } from "./helpers/users.js";

let server: TestServer;
beforeAll(async () => {
  server = await startTestServer({
    env: { LOG_LEVEL: "trace", LOG_RESPONSE_TIME: "true", SLOW_OPERATION_MS: "0", SLOW_OPERATION_ALERT_MS: "0" },
  });
});
afterAll(() => server?.stop());

const AUTH_FIELDS = "accessToken refreshToken user { id }";

it("never logs a password, an access or refresh token, or an Authorization header", async () => {
  const user = await createUser(server);
  const wrongPassword = `${user.password}-but-wrong`;
  const secrets: string[] = [user.password, wrongPassword, user.accessToken, user.refreshToken];

  const login = await server.gql(`mutation Login($input: LoginInput!) { login(input: $input) { ${AUTH_FIELDS} } }`, {
    input: { email: user.email, password: user.password },
  });
  expect(login.errors).toBeUndefined();
  const { accessToken, refreshToken } = login.data.login;
  secrets.push(accessToken, refreshToken, `Bearer ${accessToken}`);

  const me = await server.gql("query Me { me { id } }", {}, { token: accessToken });
  expect(me.data.me.id).toBe(user.id);

  const refreshed = await server.gql(
    `mutation Refresh($refreshToken: String!) { refresh(refreshToken: $refreshToken) { ${AUTH_FIELDS} } }`,
    { refreshToken },
  );
  expect(refreshed.errors).toBeUndefined();
  secrets.push(refreshed.data.refresh.accessToken, refreshed.data.refresh.refreshToken);

  // The socket, signed in through connectionParams (before the reuse below revokes the session).
  const client = createClient({
    url: server.url.replace(/^http/, "ws"),
    webSocketImpl: WebSocket,
    connectionParams: { authorization: `Bearer ${refreshed.data.refresh.accessToken}` },
    retryAttempts: 0,
  });
  try {
    const viaSocket = await new Promise<any>((resolve, reject) => {
      let value: unknown;
      client.subscribe(
        { query: "query SocketMe { me { id } }" },
        { next: (v) => (value = v), error: reject, complete: () => resolve(value) },
      );
    });
    expect(viaSocket.data.me.id).toBe(user.id);
  } finally {
    await client.dispose();
  }
  // The spent refresh token again (a reuse), and a failed sign-in with the password inline.
  const reuse = await server.gql(`mutation Reuse { refresh(refreshToken: "${refreshToken}") { accessToken } }`);
  expect(reuse.errors?.[0]?.extensions.code).toBeDefined();
  const failed = await server.gql(
    `mutation BadLogin { login(input: { email: "${user.email}", password: "${wrongPassword}" }) { accessToken } }`,
  );
  expect(failed.errors?.[0]?.extensions.code).toBe("UNAUTHENTICATED");

  // A forged token in the header fails the request: its error is logged, the token is not.
  const forged = `${accessToken.slice(0, -4)}AAAA`;
  secrets.push(forged);
  await server.gql("query Forged { me { id } }", {}, { token: forged });

  await server.app.services.audit.flush();

  const log = server.logs.join("");
  // The log did record these operations, so the search below searched something.
  for (const name of ["Login", "Me", "Refresh", "Reuse", "BadLogin", "Forged", "SocketMe"]) {
    expect(log).toContain(`"operationName":"${name}"`);
  }
  for (const secret of secrets) expect(log).not.toContain(secret);
  expect(log.toLowerCase()).not.toContain("bearer ");
});
