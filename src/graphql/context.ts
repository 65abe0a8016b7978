// What every resolver receives. Built per HTTP request, and per operation on a WebSocket.
import type { Services } from "../services/index.js";
import type { Viewer } from "../identity/viewer.js";
import type { AuthenticatedConnection } from "../realtime/sessions/connections.js";

export type { Viewer } from "../identity/viewer.js";

/** Sends a subscription's results straight to its client, bypassing the transport's own loop. */
export interface DirectDelivery {
  /**
   * Sends one result, already serialized as JSON; true when done with it (also when the
   * subscription has ended meanwhile), false when it cannot now (a slow client).
   */
  send(payloadJson: string): boolean;
}

export interface Context {
  requestId: string;
  clientIp: string;
  transport: "http" | "ws";
  viewer: Viewer | null;
  /** The WebSocket connection the operation runs on; null over HTTP. */
  connection: AuthenticatedConnection | null;
  /** Set for a graphql-ws subscription; see useSharedSubscriptionExecution. */
  directDelivery?: DirectDelivery;
  services: Services;
}
