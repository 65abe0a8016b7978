// Presence and live counters shared by every instance through Redis (layout in redisScripts.ts).
// Each instance heartbeats its registration every ttl/3; an instance that stops (crash, network
// split) no longer counts once its registration expires, at most presenceTtlMs after its last
// beat: its sockets stop counting toward the per-user cap and roomStats then. Its members still
// count for leaveDelayMs more (they may reconnect elsewhere meanwhile: no flapping), then the next
// beat of any other instance removes its entries and reports who left. A beat that comes after
// this instance's own registration expired (a stalled event loop) rewrites its share (resync).
// The local mirror is the truth for this instance's share: after a failed write, or after being
// swept while only unreachable, the next beat rewrites that share from it.
import { randomUUID } from "node:crypto";
import type { Redis } from "ioredis";
import { AppError } from "../../errors.js";
import type { Logger } from "../../logger.js";
import { ROOM_SCRIPTS } from "./redisScripts.js";
import {
  CONNECTIONS,
  LocalState,
  subscriptionCounter,
  sumCounters,
  userCounter,
  type Departure,
  type PresenceChange,
  type RealtimeStore,
} from "./store.js";

export interface RedisStoreOptions {
  redis: Redis;
  keyPrefix: string;
  /** How long an instance's entries count after its last heartbeat. */
  ttlMs: number;
  /** How much longer its presence entries count (PRESENCE_LEAVE_DELAY_MS). */
  leaveDelayMs: number;
  logger: Logger;
  /** Presence changed without a subscription starting or ending here (crashed instance, resync). */
  onPresenceChanges(changes: { arrivals: Departure[]; departures: Departure[] }): void;
}

type ScriptName = keyof typeof ROOM_SCRIPTS;
type ScriptRunner = (...keysAndArgs: (string | number)[]) => Promise<unknown>;

/** Flat {roomId, userId, memberCount, ...} → records. */
function presenceRecords(flat: unknown): Departure[] {
  const values = flat as (string | number)[];
  const records: Departure[] = [];
  for (let i = 0; i + 2 < values.length; i += 3) {
    records.push({ roomId: String(values[i]), userId: String(values[i + 1]), memberCount: Number(values[i + 2]) });
  }
  return records;
}

/** liveCounters output ('' ends each instance's HGETALL pairs) → one record per instance. */
function counterHashes(flat: string[]): Record<string, number>[] {
  const hashes: Record<string, number>[] = [];
  let current: Record<string, number> = {};
  for (let i = 0; i < flat.length; ) {
    if (flat[i] === "") {
      hashes.push(current);
      current = {};
      i += 1;
    } else {
      current[flat[i]!] = Number(flat[i + 1]);
      i += 2;
    }
  }
  return hashes;
}

const unavailable = () => new AppError("SERVICE_UNAVAILABLE", "Live rooms are unavailable right now; try again shortly");

export function createRedisStore({
  redis,
  keyPrefix,
  ttlMs,
  leaveDelayMs,
  logger,
  onPresenceChanges,
}: RedisStoreOptions): RealtimeStore {
  const instanceId = randomUUID();
  const local = new LocalState();
  const keys = {
    instances: `${keyPrefix}instances`,
    counters: `${keyPrefix}instance:${instanceId}`,
    rooms: `${keyPrefix}instance:${instanceId}:rooms`,
    presence: (roomId: string) => `${keyPrefix}presence:${roomId}`,
  };
  // Counters of a live instance never expire between beats; a dead one's are swept or expire.
  const countersTtlMs = ttlMs * 2;

  const run = (name: ScriptName, ...keysAndArgs: (string | number)[]) => {
    const command = `rooms_${name}`;
    const runner = (redis as unknown as Record<string, ScriptRunner | undefined>)[command];
    if (runner) return runner.call(redis, ...keysAndArgs);
    redis.defineCommand(command, ROOM_SCRIPTS[name]);
    return (redis as unknown as Record<string, ScriptRunner>)[command]!.call(redis, ...keysAndArgs);
  };

  let dirty = false;
  let resyncs = 0;
  const markDirty = (what: string) => (error: Error) => {
    dirty = true;
    logger.warn({ err: error.message, what }, "realtime state write to Redis failed; it is rewritten on the next heartbeat");
  };

  function addToCounters(changes: [string, number][]) {
    for (const [name, delta] of changes) local.add(name, delta);
    return run("addToCounters", keys.counters, countersTtlMs, ...changes.flat()).then(() => undefined, markDirty("counters"));
  }

  async function resync() {
    resyncs += 1;
    dirty = false;
    const [arrivals, departures] = (await run(
      "resyncInstance",
      keys.instances,
      keys.counters,
      keys.rooms,
      keyPrefix,
      instanceId,
      ttlMs,
      countersTtlMs,
      JSON.stringify(local.countersSnapshot()),
      JSON.stringify(local.memberships()),
      leaveDelayMs,
    )) as [unknown, unknown];
    const changes = { arrivals: presenceRecords(arrivals), departures: presenceRecords(departures) };
    if (changes.arrivals.length || changes.departures.length) onPresenceChanges(changes);
  }

  let registered = false;
  async function beat() {
    try {
      const unregistered = await run("heartbeat", keys.instances, keys.counters, instanceId, ttlMs, countersTtlMs);
      if (unregistered === 1 && registered) {
        logger.warn({ instanceId }, "this instance had expired in Redis (unreachable too long); restoring its share");
      }
      if (unregistered === 1 || dirty) await resync();
      registered = true;
      const departures = presenceRecords(await run("sweepDeadInstances", keys.instances, keyPrefix, instanceId, leaveDelayMs));
      if (departures.length) onPresenceChanges({ arrivals: [], departures });
    } catch (error) {
      dirty = true;
      logger.warn({ err: (error as Error).message }, "realtime heartbeat to Redis failed");
    }
  }

  let beating: Promise<void> | null = null;
  const tick = () => {
    beating ??= beat().finally(() => {
      beating = null;
    });
  };
  tick();
  const heartbeat = setInterval(tick, Math.max(Math.floor(ttlMs / 3), 100));

  async function presenceScript(name: "enterRoom" | "leaveRoom", roomId: string, userId: string): Promise<PresenceChange> {
    const [changed, memberCount] = (await run(
      name,
      keys.presence(roomId),
      keys.instances,
      keys.rooms,
      userId,
      instanceId,
      roomId,
      leaveDelayMs,
    )) as [number, number];
    return changed === 1 ? { changed: true, memberCount } : { changed: false };
  }

  return {
    async enterRoom(roomId, userId) {
      if (!local.enter(roomId, userId)) return { changed: false };
      try {
        return await presenceScript("enterRoom", roomId, userId);
      } catch (error) {
        local.exit(roomId, userId);
        markDirty("presence")(error as Error);
        throw unavailable();
      }
    },
    async leaveRoom(roomId, userId) {
      if (!local.exit(roomId, userId)) return { changed: false };
      try {
        return await presenceScript("leaveRoom", roomId, userId);
      } catch (error) {
        markDirty("presence")(error as Error);
        return { changed: false };
      }
    },
    async members(roomId) {
      try {
        return (await run("roomMembers", keys.presence(roomId), keys.instances, instanceId, leaveDelayMs)) as string[];
      } catch {
        throw unavailable();
      }
    },
    async openConnection(userId, maxPerUser) {
      const resyncsBefore = resyncs;
      let counted: unknown;
      try {
        counted = await run(
          "openConnection",
          keys.instances,
          keys.counters,
          keyPrefix,
          instanceId,
          userId ?? "",
          maxPerUser,
          countersTtlMs,
        );
      } catch {
        throw unavailable();
      }
      if (counted !== 1) return false;
      const changes: [string, number][] = [
        [CONNECTIONS, 1],
        ...(userId ? ([[userCounter(userId), 1]] as [string, number][]) : []),
      ];
      // A resync that ran meanwhile wrote the local counters, which did not have this socket yet.
      if (resyncs !== resyncsBefore) void addToCounters(changes);
      else for (const [name, delta] of changes) local.add(name, delta);
      return true;
    },
    closeConnection(userId) {
      return addToCounters([[CONNECTIONS, -1], ...(userId ? ([[userCounter(userId), -1]] as [string, number][]) : [])]);
    },
    countSubscription(roomId, delta) {
      return addToCounters([[subscriptionCounter(roomId), delta]]);
    },
    async liveCounts() {
      try {
        return sumCounters(counterHashes((await run("liveCounters", keys.instances, keyPrefix, instanceId)) as string[]));
      } catch {
        throw unavailable();
      }
    },
    async close() {
      clearInterval(heartbeat);
      await beating;
      local.clear();
      try {
        return presenceRecords(await run("retireInstance", keys.instances, keyPrefix, instanceId, leaveDelayMs));
      } catch (error) {
        logger.warn(
          { err: (error as Error).message },
          "could not remove this instance's presence from Redis; it expires on its own",
        );
        return [];
      }
    },
  };
}
