// Sockets as the rooms service sees them: counted (per user, capped) for roomStats and the
// socket limit, and re-authenticated in place (authenticateConnection) so a long-lived socket
// outlives its first token.
import { AppError, badUserInput, forbidden } from "../../errors.js";
import type { Viewer } from "../../identity/viewer.js";
import type { RealtimeStore } from "../presence/store.js";

/** A live connection whose viewer can be replaced (SocketSession implements it). */
export interface AuthenticatedConnection {
  readonly viewer: Viewer | null;
  /** True once it went away without a close frame (presence then waits before announcing a leave). */
  readonly vanished: boolean;
  /** Switches to `viewer` (same user, fresh token) and moves the expiry to its token's. */
  reauthenticate(viewer: Viewer): void;
}

const isExpired = (viewer: Viewer) => viewer.tokenExpiresAt.getTime() <= Date.now();

export interface ConnectionRegistryDeps {
  store: RealtimeStore;
  maxSocketsPerUser: number;
  verifyAccessToken(token: string): Promise<Viewer>;
}

export function createConnectionRegistry({ store, maxSocketsPerUser, verifyAccessToken }: ConnectionRegistryDeps) {
  return {
    /**
     * Admits and counts a new connection, unless its token has expired already (verifyAccessToken
     * tolerates a little clock skew; a connection never outlives its token) or its user already
     * has the maximum of connections open.
     */
    async open(viewer: Viewer | null): Promise<"admitted" | "token-expired" | "too-many-connections"> {
      if (viewer && isExpired(viewer)) return "token-expired";
      return (await store.openConnection(viewer?.id ?? null, maxSocketsPerUser)) ? "admitted" : "too-many-connections";
    },
    close: (viewer: Viewer | null) => store.closeConnection(viewer?.id ?? null),
    subscriptionStarted: () => store.countSubscription(null, 1),
    /** `count` subscriptions on a socket ended (one by default; at close, all it still ran). */
    subscriptionsEnded: (count = 1) => (count > 0 ? store.countSubscription(null, -count) : Promise.resolve()),

    /**
     * authenticateConnection: only over a WebSocket (BAD_USER_INPUT otherwise); the token must be
     * valid and belong to the connection's user (another user's token: FORBIDDEN). Returns the
     * new expiry.
     */
    async authenticateConnection(connection: AuthenticatedConnection | null, accessToken: string): Promise<Date> {
      if (!connection) {
        throw badUserInput("authenticateConnection works only over a WebSocket connection (graphql-ws)", [
          { path: "accessToken", message: "only over a WebSocket connection" },
        ]);
      }
      const viewer = await verifyAccessToken(accessToken);
      if (isExpired(viewer)) throw new AppError("TOKEN_EXPIRED", "This access token has expired");
      if (viewer.id !== connection.viewer?.id) {
        throw forbidden("This access token belongs to another user than the one this connection is signed in as");
      }
      connection.reauthenticate(viewer);
      return viewer.tokenExpiresAt;
    },
  };
}

export type ConnectionRegistry = ReturnType<typeof createConnectionRegistry>;
