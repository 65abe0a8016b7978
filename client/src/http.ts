// GraphQL over HTTP for the kit's own operations: a JSON POST (no CSRF header needed), the
// server's errors turned into KitErrors. Login, register and refresh go without Authorization:
// an expired token would make the server refuse them.
import type { TypedDocumentString } from "./generated/operations.js";
import { fromGraphQLErrors, KitError, type GraphQLErrorLike } from "./errors.js";

export type Fetch = typeof fetch;

export interface HttpOptions {
  url: string;
  fetch: Fetch;
  /** Extra headers on every request (e.g. for a proxy). */
  headers?: () => Record<string, string>;
}

export async function postGraphQL<TResult, TVariables>(
  http: HttpOptions,
  document: TypedDocumentString<TResult, TVariables>,
  variables: TVariables,
  accessToken?: string | null,
): Promise<TResult> {
  let response: Response;
  try {
    response = await http.fetch(http.url, {
      method: "POST",
      headers: {
        "content-type": "application/json",
        accept: "application/graphql-response+json, application/json",
        ...http.headers?.(),
        ...(accessToken ? { authorization: `Bearer ${accessToken}` } : {}),
      },
      body: JSON.stringify({ query: document.toString(), variables }),
    });
  } catch (error) {
    throw new KitError("NETWORK_ERROR", `Could not reach ${http.url}`, { cause: String(error) });
  }
  let body: { data?: TResult | null; errors?: GraphQLErrorLike[] };
  try {
    body = (await response.json()) as typeof body;
  } catch {
    throw new KitError(
      response.status >= 500 ? "SERVICE_UNAVAILABLE" : "BAD_RESPONSE",
      `HTTP ${response.status} without a GraphQL body`,
      {
        status: response.status,
      },
    );
  }
  if (body.errors?.length) throw fromGraphQLErrors(body.errors);
  if (!body.data) throw new KitError("BAD_RESPONSE", `HTTP ${response.status} without data`, { status: response.status });
  return body.data;
}
