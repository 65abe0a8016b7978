// Who is in which room: a user is in a room while at least one of their roomEvents subscriptions
// to it runs, on any instance. MemberJoined/MemberLeft go out only when that changes.
// Without flapping (as Ably does it): a subscription whose socket vanished without a close frame
// (network loss, pong timeout) keeps its user in the room for leaveDelayMs more, so a user who
// comes back within it, on this or another instance, is neither announced as gone nor as joined
// again. A completed subscription or a closed socket leaves at once. A crashed instance's members
// get the same delay in the Redis store (redisScripts.ts).
import type { Logger } from "../../logger.js";
import type { RoomEventBus } from "../bus/pubsub.js";
import type { Departure, PresenceChange, RealtimeStore } from "./store.js";

export interface PresenceDeps {
  store: RealtimeStore;
  bus: RoomEventBus;
  logger: Logger;
  /** PRESENCE_LEAVE_DELAY_MS; 0: every leave is announced at once. */
  leaveDelayMs: number;
}

export function createPresence({ store, bus, logger, leaveDelayMs }: PresenceDeps) {
  const delayedLeaves = new Set<NodeJS.Timeout>();

  function announce(kind: "MemberJoined" | "MemberLeft", { roomId, userId, memberCount }: Departure) {
    return bus.publish({ kind, roomId, userId, memberCount, at: new Date() }).catch((error: Error) => {
      logger.warn({ err: error.message, roomId, userId, kind }, "could not publish a presence change");
    });
  }

  async function announceChange(kind: "MemberJoined" | "MemberLeft", roomId: string, userId: string, change: PresenceChange) {
    if (change.changed) await announce(kind, { roomId, userId, memberCount: change.memberCount });
  }

  async function leaveNow(roomId: string, userId: string): Promise<void> {
    await announceChange("MemberLeft", roomId, userId, await store.leaveRoom(roomId, userId));
  }

  return {
    async join(roomId: string, userId: string): Promise<void> {
      await announceChange("MemberJoined", roomId, userId, await store.enterRoom(roomId, userId));
    },

    /** `vanished`: the subscription's socket went away without a close frame (delayed leave). */
    async leave(roomId: string, userId: string, { vanished = false } = {}): Promise<void> {
      if (!vanished || leaveDelayMs === 0) return leaveNow(roomId, userId);
      // The subscription stays counted until then: a join meanwhile is no change, and this
      // leave then is none either.
      const timer = setTimeout(() => {
        delayedLeaves.delete(timer);
        leaveNow(roomId, userId).catch((error: Error) => {
          logger.warn({ err: error.message, roomId, userId }, "could not record a delayed leave");
        });
      }, leaveDelayMs);
      delayedLeaves.add(timer);
    },

    members: (roomId: string) => store.members(roomId),

    /** Changes found by the store itself (another instance gone, this one restored). */
    async announce({ arrivals, departures }: { arrivals: Departure[]; departures: Departure[] }) {
      await Promise.all([
        ...departures.map((departure) => announce("MemberLeft", departure)),
        ...arrivals.map((arrival) => announce("MemberJoined", arrival)),
      ]);
    },

    /** Shutdown: delayed leaves are dropped; the store's close() announces everyone it still holds. */
    close(): void {
      for (const timer of delayedLeaves) clearTimeout(timer);
      delayedLeaves.clear();
    },
  };
}

export type Presence = ReturnType<typeof createPresence>;
