// Socket admission at connection_init: the token (if any) becomes the viewer (src/identity),
// the socket is counted against WS_MAX_SOCKETS_PER_USER (connections.ts), and a refusal closes
// the socket with the code graphql-ws clients act on (closeCodes.ts).
import { AppError } from "../../errors.js";
import type { Viewer } from "../../identity/viewer.js";
import { authCloseReason, CLOSE_AUTH, CLOSE_TRY_AGAIN_LATER, TOKEN_EXPIRED_REASON } from "./closeCodes.js";
import type { ConnectionRegistry } from "./connections.js";
import { OPEN, type LiveSocket } from "./socket.js";

export interface AdmissionDeps {
  viewerFromConnectionParams(params: unknown): Promise<Viewer | null>;
  connections: ConnectionRegistry;
  maxSocketsPerUser: number;
}

/** Admits a socket: its viewer (null: anonymous), or undefined when it was refused (and closed). */
export function socketAdmission({ viewerFromConnectionParams, connections, maxSocketsPerUser }: AdmissionDeps) {
  return async function admit(socket: LiveSocket, connectionParams: unknown): Promise<{ viewer: Viewer | null } | undefined> {
    let viewer: Viewer | null;
    try {
      viewer = await viewerFromConnectionParams(connectionParams);
    } catch (error) {
      if (!(error instanceof AppError)) throw error;
      // 4403 either way (graphql-ws clients reconnect on it); the reason tells a client
      // whether to refresh first or to sign in again, as TOKEN_EXPIRED / INVALID_TOKEN do on HTTP.
      socket.close(CLOSE_AUTH, authCloseReason(error));
      return undefined;
    }
    let admission: Awaited<ReturnType<ConnectionRegistry["open"]>>;
    try {
      admission = await connections.open(viewer);
    } catch {
      // Redis, where sockets are counted, is unreachable.
      socket.close(CLOSE_TRY_AGAIN_LATER, "Try again later");
      return undefined;
    }
    if (admission === "token-expired") {
      socket.close(CLOSE_AUTH, TOKEN_EXPIRED_REASON);
      return undefined;
    }
    if (admission === "too-many-connections") {
      socket.close(CLOSE_TRY_AGAIN_LATER, `Too many connections (at most ${maxSocketsPerUser} per user)`);
      return undefined;
    }
    // Closed while it was being admitted: uncounted again.
    if (socket.readyState !== OPEN) {
      void connections.close(viewer);
      return undefined;
    }
    return { viewer };
  };
}
