// roomStats: live sockets and subscriptions, and per active room its members and subscriptions,
// summed over every instance (with Redis) or this one.
import type { RoomDirectory } from "../../services/rooms/rooms.js";
import type { RealtimeStore } from "./store.js";

export interface RoomStat {
  slug: string;
  memberCount: number;
  subscriptionCount: number;
}

export interface RoomStats {
  connections: number;
  subscriptions: number;
  /** Rooms with at least one roomEvents subscription, by slug. */
  rooms: RoomStat[];
}

export async function collectRoomStats(store: RealtimeStore, directory: RoomDirectory): Promise<RoomStats> {
  const counts = await store.liveCounts();
  const rooms = await directory.byIds([...counts.roomSubscriptions.keys()]);
  const stats = await Promise.all(
    rooms.map(async (room) => ({
      slug: room.slug,
      memberCount: (await store.members(room.id)).length,
      subscriptionCount: counts.roomSubscriptions.get(room.id) ?? 0,
    })),
  );
  stats.sort((a, b) => (a.slug < b.slug ? -1 : a.slug > b.slug ? 1 : 0));
  return { connections: counts.connections, subscriptions: counts.subscriptions, rooms: stats };
}
