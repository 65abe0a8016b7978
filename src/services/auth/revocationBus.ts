// "This user's (or this session's) access is gone": announced in-process and, with Redis, to
// every other instance over pub/sub, so sockets are closed and caches dropped everywhere.
import { randomUUID } from "node:crypto";
import type { Redis } from "ioredis";
import type { Logger } from "../../logger.js";

export interface AccessRevokedEvent {
  userId: string;
  /** Set when one session was revoked; absent when every session of the user is affected. */
  sessionId?: string;
}

export type AccessRevokedListener = (event: AccessRevokedEvent) => void;

export const ACCESS_REVOKED_CHANNEL = "mundo-tango:auth:access-revoked";

interface WireMessage extends AccessRevokedEvent {
  origin: string;
}

function parseWire(raw: string): WireMessage | null {
  try {
    const value = JSON.parse(raw) as Partial<WireMessage>;
    if (typeof value.origin !== "string" || typeof value.userId !== "string") return null;
    if (value.sessionId !== undefined && typeof value.sessionId !== "string") return null;
    return { origin: value.origin, userId: value.userId, ...(value.sessionId ? { sessionId: value.sessionId } : {}) };
  } catch {
    return null;
  }
}

export function createRevocationBus({ redis, logger }: { redis: Redis | null; logger: Logger }) {
  const instanceId = randomUUID();
  const listeners = new Set<AccessRevokedListener>();
  const log = logger.child({ component: "auth-revocation" });

  function deliver(event: AccessRevokedEvent) {
    for (const listener of listeners) {
      try {
        listener(event);
      } catch (error) {
        log.error({ err: error, userId: event.userId }, "access-revoked listener failed");
      }
    }
  }

  // A subscribed ioredis connection cannot run other commands: subscribe on a duplicate.
  // No ready check: a SUBSCRIBE sent while ioredis runs its connect-time INFO check can fail.
  const subscriber = redis?.duplicate({ connectionName: "mundo-tango-auth-revocation", enableReadyCheck: false }) ?? null;
  let subscribed: Promise<void> = Promise.resolve();
  if (subscriber) {
    const subscribe = () =>
      subscriber.subscribe(ACCESS_REVOKED_CHANNEL).then(
        () => undefined,
        (error: Error) => log.warn({ err: error.message }, "could not subscribe to access revocations"),
      );
    subscriber.on("error", () => undefined); // the main connection already logs Redis outages
    subscriber.on("message", (channel: string, raw: string) => {
      if (channel !== ACCESS_REVOKED_CHANNEL) return;
      const message = parseWire(raw);
      if (!message || message.origin === instanceId) return;
      const { origin: _origin, ...event } = message;
      deliver(event);
    });
    subscribed = subscribe();
    // After an outage ioredis resubscribes what it had; this also covers a first attempt that failed.
    subscriber.on("ready", () => void subscribe());
  }

  return {
    /** Resolves once this instance hears other instances' revocations (immediately without Redis). */
    ready: () => subscribed,
    publish(event: AccessRevokedEvent) {
      deliver(event);
      if (!redis) return;
      const message: WireMessage = { origin: instanceId, ...event };
      redis.publish(ACCESS_REVOKED_CHANNEL, JSON.stringify(message)).catch((error: Error) => {
        log.warn({ err: error.message, userId: event.userId }, "could not publish an access revocation");
      });
    },
    on(listener: AccessRevokedListener): () => void {
      listeners.add(listener);
      return () => void listeners.delete(listener);
    },
    async close() {
      listeners.clear();
      if (subscriber) await subscriber.quit().catch(() => subscriber.disconnect());
    },
  };
}

export type RevocationBus = ReturnType<typeof createRevocationBus>;
