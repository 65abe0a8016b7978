// Where presence and the live counters (sockets, subscriptions) are kept: in process, or in Redis
// shared by every instance (redisStore.ts). Both keep this instance's own share in a LocalState.

/** `changed`: the user was in the room on no instance before (enter) / is on none now (leave). */
export type PresenceChange = { changed: false } | { changed: true; memberCount: number };

/** A user who left a room because the instance holding their subscriptions went away. */
export interface Departure {
  roomId: string;
  userId: string;
  memberCount: number;
}

export interface LiveCounts {
  connections: number;
  subscriptions: number;
  /** roomEvents subscriptions per room id (rooms with none are absent). */
  roomSubscriptions: Map<string, number>;
}

export interface RealtimeStore {
  /** One more roomEvents subscription of `userId` to the room, on this instance. */
  enterRoom(roomId: string, userId: string): Promise<PresenceChange>;
  /** One roomEvents subscription of `userId` to the room ended, on this instance. */
  leaveRoom(roomId: string, userId: string): Promise<PresenceChange>;
  /** Ids of the users in the room right now, on every instance. */
  members(roomId: string): Promise<string[]>;
  /** Counts a socket of `userId` (null: anonymous) unless the user already has `maxPerUser` open. */
  openConnection(userId: string | null, maxPerUser: number): Promise<boolean>;
  closeConnection(userId: string | null): Promise<void>;
  /** Subscriptions over sockets: all of them (roomId null) or roomEvents of one room. */
  countSubscription(roomId: string | null, delta: number): Promise<void>;
  /** Summed over every instance. */
  liveCounts(): Promise<LiveCounts>;
  /** Takes this instance's presence out (returns who left rooms by it) and stops. */
  close(): Promise<Departure[]>;
}

export const CONNECTIONS = "connections";
export const SUBSCRIPTIONS = "subscriptions";
export const roomCounter = (roomId: string) => `room:${roomId}`;
export const userCounter = (userId: string) => `user:${userId}`;
export const subscriptionCounter = (roomId: string | null) => (roomId === null ? SUBSCRIPTIONS : roomCounter(roomId));

/** This instance's presence (subscriptions per room and user) and counters. */
export class LocalState {
  private readonly presence = new Map<string, Map<string, number>>();
  private readonly counters = new Map<string, number>();

  /** True when this is the user's first subscription to the room here. */
  enter(roomId: string, userId: string): boolean {
    let users = this.presence.get(roomId);
    if (!users) this.presence.set(roomId, (users = new Map()));
    const count = (users.get(userId) ?? 0) + 1;
    users.set(userId, count);
    return count === 1;
  }

  /** True when that was the user's last subscription to the room here. */
  exit(roomId: string, userId: string): boolean {
    const users = this.presence.get(roomId);
    const count = users?.get(userId);
    if (!users || count === undefined) return false;
    if (count > 1) {
      users.set(userId, count - 1);
      return false;
    }
    users.delete(userId);
    if (users.size === 0) this.presence.delete(roomId);
    return true;
  }

  members(roomId: string): string[] {
    return [...(this.presence.get(roomId)?.keys() ?? [])];
  }

  /** Every (room, user) present here. */
  memberships(): Record<string, string[]> {
    return Object.fromEntries([...this.presence].map(([roomId, users]) => [roomId, [...users.keys()]]));
  }

  count(counter: string): number {
    return this.counters.get(counter) ?? 0;
  }

  add(counter: string, delta: number): number {
    const value = this.count(counter) + delta;
    if (value > 0) this.counters.set(counter, value);
    else this.counters.delete(counter);
    return value;
  }

  countersSnapshot(): Record<string, number> {
    return Object.fromEntries(this.counters);
  }

  clear(): void {
    this.presence.clear();
    this.counters.clear();
  }
}

/** Adds up counter hashes (one per instance) into LiveCounts. */
export function sumCounters(perInstance: Iterable<Record<string, number>>): LiveCounts {
  const totals: LiveCounts = { connections: 0, subscriptions: 0, roomSubscriptions: new Map() };
  for (const counters of perInstance) {
    for (const [name, value] of Object.entries(counters)) {
      if (!(value > 0)) continue;
      if (name === CONNECTIONS) totals.connections += value;
      else if (name === SUBSCRIPTIONS) totals.subscriptions += value;
      else if (name.startsWith("room:")) {
        const roomId = name.slice("room:".length);
        totals.roomSubscriptions.set(roomId, (totals.roomSubscriptions.get(roomId) ?? 0) + value);
      }
    }
  }
  return totals;
}

/** Everything in process: this instance is the whole world. */
export function createMemoryStore(): RealtimeStore {
  const local = new LocalState();
  const memberCount = (roomId: string) => local.members(roomId).length;
  return {
    async enterRoom(roomId, userId) {
      return local.enter(roomId, userId) ? { changed: true, memberCount: memberCount(roomId) } : { changed: false };
    },
    async leaveRoom(roomId, userId) {
      return local.exit(roomId, userId) ? { changed: true, memberCount: memberCount(roomId) } : { changed: false };
    },
    async members(roomId) {
      return local.members(roomId);
    },
    async openConnection(userId, maxPerUser) {
      if (userId !== null && local.count(userCounter(userId)) >= maxPerUser) return false;
      if (userId !== null) local.add(userCounter(userId), 1);
      local.add(CONNECTIONS, 1);
      return true;
    },
    async closeConnection(userId) {
      if (userId !== null) local.add(userCounter(userId), -1);
      local.add(CONNECTIONS, -1);
    },
    async countSubscription(roomId, delta) {
      local.add(subscriptionCounter(roomId), delta);
    },
    async liveCounts() {
      return sumCounters([local.countersSnapshot()]);
    },
    async close() {
      const departures = Object.entries(local.memberships()).flatMap(([roomId, users]) =>
        users.map((userId, index) => ({ roomId, userId, memberCount: users.length - index - 1 })),
      );
      local.clear();
      return departures;
    },
  };
}
