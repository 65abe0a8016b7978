// Apollo Client 4 on the kit: a link chain that adds the session's access token (refreshed ahead
// of expiry), retries once after TOKEN_EXPIRED with a refreshed token, and sends subscriptions
// over the kit's socket (GraphQLWsLink on its graphql-ws client), the rest over HTTP.
//   new ApolloClient({ link: apolloLink(kit), cache: new InMemoryCache() })
import { ApolloLink, HttpLink } from "@apollo/client";
import { CombinedGraphQLErrors, ServerError } from "@apollo/client/errors";
import { SetContextLink } from "@apollo/client/link/context";
import { ErrorLink } from "@apollo/client/link/error";
import { GraphQLWsLink } from "@apollo/client/link/subscriptions";
import { from, mergeMap } from "rxjs";
import type { Realtime } from "./realtime.js";
import type { Session } from "./session.js";

export interface ApolloKit {
  session: Session;
  /** Subscriptions go over its socket; without it, everything goes over HTTP. */
  realtime?: Realtime;
  /** The terminating HTTP link. Default: an HttpLink to the session's URL. */
  httpLink?: ApolloLink;
}

function isTokenExpired(error: unknown): boolean {
  if (CombinedGraphQLErrors.is(error)) return error.errors.some((e) => e.extensions?.code === "TOKEN_EXPIRED");
  return ServerError.is(error) && error.statusCode === 401 && error.bodyText.includes('"TOKEN_EXPIRED"');
}

export function apolloLink({ session, realtime, httpLink }: ApolloKit): ApolloLink {
  const retryOnceExpired = new ErrorLink(({ error, operation, forward }) => {
    if (!isTokenExpired(error) || operation.getContext().kitRetried) return;
    operation.setContext({ kitRetried: true });
    return from(session.refresh()).pipe(mergeMap(() => forward(operation)));
  });
  const auth = new SetContextLink(async (previous) => {
    const token = await session.accessToken().catch(() => session.currentAccessToken());
    return { headers: { ...previous.headers, ...(token ? { authorization: `Bearer ${token}` } : {}) } };
  });
  const http = httpLink ?? new HttpLink({ uri: session.url });
  const transport = realtime
    ? ApolloLink.split((operation) => operation.operationType === "subscription", new GraphQLWsLink(realtime.client), http)
    : http;
  return ApolloLink.from([retryOnceExpired, auth, transport]);
}
