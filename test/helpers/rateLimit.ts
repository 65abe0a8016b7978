// Calling rate-limited fields over HTTP and sorting the answers into evaluated and refused.
import { randomUUID } from "node:crypto";
import type { GraphQLResponse, TestServer } from "./server.js";

export const LOGIN = "mutation ($input: LoginInput!) { login(input: $input) { accessToken } }";

/**
 * A login that the resolver evaluates and refuses (wrong password): anything but RATE_LIMITED means it ran.
 * Without an email, each names an account of its own, so the per-account failure limit stays out of the way.
 */
export const wrongLogin = (email = `nobody-${randomUUID()}@example.test`) => ({
  query: LOGIN,
  variables: { input: { email, password: "not-the-password" } },
});

export interface Answer {
  status: number;
  retryAfter: string | null;
  body: GraphQLResponse;
}

export async function send(server: TestServer, body: unknown, headers: Record<string, string> = {}): Promise<Answer> {
  const response = await server.post(body, headers);
  return {
    status: response.status,
    retryAfter: response.headers.get("retry-after"),
    body: (await response.json()) as GraphQLResponse,
  };
}

export const rateLimitErrors = (answer: Answer) =>
  (answer.body.errors ?? []).filter((error) => error.extensions.code === "RATE_LIMITED");

export const isRefused = (answer: Answer) => rateLimitErrors(answer).length > 0;

/** How many of these one-field requests ran and how many the limit refused. */
export function tally(answers: Answer[]) {
  const refused = answers.filter(isRefused).length;
  return { evaluated: answers.length - refused, refused };
}

let lastAddress = 0;
/** A client address of its own (for servers started with TRUST_PROXY=true), unique in this process. */
export function freshClient() {
  lastAddress += 1;
  return { "x-forwarded-for": `198.18.${Math.floor(lastAddress / 250) % 250}.${(lastAddress % 250) + 1}` };
}
