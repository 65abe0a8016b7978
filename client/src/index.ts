// @mundo-tango/client: the session (tokens), the realtime socket, resumable room streams and
// idempotent sends. Adapters: @mundo-tango/client/urql and @mundo-tango/client/apollo.
export { KitError, type KitErrorCode } from "./errors.js";
export { memoryStorage, defaultStorage, indexedDbStorage, type KeyValueStorage } from "./storage.js";
export { inProcessLocks, type RefreshLocks } from "./tabs.js";
export { tokenTimes, type TokenTimes } from "./jwt.js";
export { CLOSE_RULES, closeRule, type CloseAction } from "./closeCodes.js";
export {
  createSession,
  Session,
  type SessionEvents,
  type SessionOptions,
  type SessionTokens,
  type SessionUser,
  type SignedOutReason,
} from "./session.js";
export {
  createRealtime,
  Realtime,
  type ConnectionStatus,
  type RealtimeEvents,
  type RealtimeOptions,
  type SocketProblem,
} from "./realtime.js";
export { RoomStream, type RoomEvent, type RoomEventsHandlers, type RoomEventsOptions, type RoomMessage } from "./roomEvents.js";
export type { MessageReceipt, QueuedMessage, SentMessage } from "./outbox.js";
export * as operations from "./generated/operations.js";
