// Who is in which room: a user is in a room while at least one of their roomEvents subscriptions
// to it runs, on any instance. MemberJoined/MemberLeft go out only when that changes.
import type { Logger } from "../../logger.js";
import type { RoomEventBus } from "./pubsub.js";
import type { Departure, PresenceChange, RealtimeStore } from "./store.js";

export function createPresence({ store, bus, logger }: { store: RealtimeStore; bus: RoomEventBus; logger: Logger }) {
  function announce(kind: "MemberJoined" | "MemberLeft", { roomId, userId, memberCount }: Departure) {
    return bus.publish({ kind, roomId, userId, memberCount, at: new Date() }).catch((error: Error) => {
      logger.warn({ err: error.message, roomId, userId, kind }, "could not publish a presence change");
    });
  }

  async function announceChange(kind: "MemberJoined" | "MemberLeft", roomId: string, userId: string, change: PresenceChange) {
    if (change.changed) await announce(kind, { roomId, userId, memberCount: change.memberCount });
  }

  return {
    async join(roomId: string, userId: string): Promise<void> {
      await announceChange("MemberJoined", roomId, userId, await store.enterRoom(roomId, userId));
    },

    async leave(roomId: string, userId: string): Promise<void> {
      await announceChange("MemberLeft", roomId, userId, await store.leaveRoom(roomId, userId));
    },

    members: (roomId: string) => store.members(roomId),

    /** Changes found by the store itself (another instance gone, this one restored). */
    async announce({ arrivals, departures }: { arrivals: Departure[]; departures: Departure[] }) {
      await Promise.all([
        ...departures.map((departure) => announce("MemberLeft", departure)),
        ...arrivals.map((arrival) => announce("MemberJoined", arrival)),
      ]);
    },
  };
}

export type Presence = ReturnType<typeof createPresence>;
