// urql on the kit: @urql/exchange-auth's authExchange with the session's tokens (refresh ahead of
// expiry, and once after TOKEN_EXPIRED), and a subscriptionExchange forwarding to the kit's
// socket. Room streams that must resume without gaps use realtime.roomEvents instead.
//   exchanges: [cacheExchange, ...urqlExchanges(kit), fetchExchange]
import { subscriptionExchange, type Exchange } from "@urql/core";
import { authExchange } from "@urql/exchange-auth";
import type { Realtime } from "./realtime.js";
import type { Session } from "./session.js";

export interface UrqlKit {
  session: Session;
  /** Subscriptions go over its socket; without it, no subscription exchange is added. */
  realtime?: Realtime;
}

const hasCode = (errors: readonly { extensions?: Record<string, unknown> }[], code: string) =>
  errors.some((error) => error.extensions?.code === code);

export function urqlExchanges({ session, realtime }: UrqlKit): Exchange[] {
  const auth = authExchange(async (utils) => ({
    addAuthToOperation(operation) {
      const token = session.currentAccessToken();
      return token ? utils.appendHeaders(operation, { Authorization: `Bearer ${token}` }) : operation;
    },
    willAuthError: () => session.needsRefresh(),
    didAuthError: (error) => hasCode(error.graphQLErrors, "TOKEN_EXPIRED"),
    async refreshAuth() {
      // A refused refresh ends the session: the app hears it through session.on("signedOut").
      await session.refresh().catch(() => undefined);
    },
  }));
  if (!realtime) return [auth];
  const subscriptions = subscriptionExchange({
    forwardSubscription: (request) => ({
      subscribe: (sink) => ({ unsubscribe: realtime.client.subscribe({ ...request, query: request.query ?? "" }, sink) }),
    }),
  });
  return [auth, subscriptions];
}
