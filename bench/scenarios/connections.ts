// connections: N idle authenticated sockets, each with one roomEvents subscription; memory per
// socket measured inside the server after a full GC, against raw ws holding the same sockets.
import { closeAll, openGraphqlWsSubscriber, openMany, openRawSubscriber, type OpenSocket } from "../lib/clients.js";
import { connectionRoom, type Seeded } from "../lib/db.js";
import { gql, openOurSubscribers, ROOM_EVENTS, SOCKETS_PER_USER } from "../lib/ours.js";
import type { RunningServer } from "../lib/proc.js";
import type { ScenarioReport, ServerResult } from "../lib/report.js";
import { SCALE } from "../lib/scale.js";
import { startOurs, startPeer } from "../lib/servers.js";
import { medianOf, sleep } from "../lib/stats.js";
import { tokenFor } from "../lib/tokens.js";

const WARMUP_SOCKETS = 200;
const roomOfSocket = (i: number) => connectionRoom(Math.floor(i / SOCKETS_PER_USER));

export interface SocketSide {
  start(): Promise<RunningServer>;
  open(server: RunningServer, count: number): Promise<OpenSocket[]>;
  /** Resolves once the server holds every subscription. */
  settled(server: RunningServer, count: number): Promise<void>;
}

/** One round on a fresh server: memory per socket (heap, RSS) and the open rate. */
export async function connectionsRound(side: SocketSide) {
  const server = await side.start();
  try {
    closeAll(await side.open(server, WARMUP_SOCKETS));
    await sleep(1000);
    const before = await server.memory();
    const t0 = performance.now();
    const sockets = await side.open(server, SCALE.connections);
    await side.settled(server, SCALE.connections);
    const openSec = (performance.now() - t0) / 1000;
    await sleep(500);
    const after = await server.memory();
    closeAll(sockets);
    return {
      rssKiBPerSocket: (after.rss - before.rss) / 1024 / SCALE.connections,
      heapKiBPerSocket: (after.heapUsed - before.heapUsed) / 1024 / SCALE.connections,
      socketsPerSec: SCALE.connections / openSec,
    };
  } finally {
    await server.stop();
  }
}

async function measure(name: string, side: SocketSide): Promise<ServerResult> {
  const rounds = [];
  for (let i = 0; i < SCALE.rounds; i++) rounds.push(await connectionsRound(side));
  return { server: name, rounds, median: medianOf(rounds) };
}

const ROOM_STATS = "{ roomStats { subscriptions } }";

/** Ours (the checkout at `cwd`, default this one): authenticated sockets with one roomEvents subscription each. */
export function ourSockets(seeded: Seeded, adminToken: string, cwd?: string): SocketSide {
  return {
    start: () => startOurs({ cwd }),
    open: (server, count) =>
      openOurSubscribers({ url: server.url, users: seeded.members, count, roomOf: roomOfSocket, onFrame: () => {} }),
    settled: async (server, count) => {
      for (let i = 0; i < 600; i++) {
        const stats = await gql<{ roomStats: { subscriptions: number } }>(`${server.url}/graphql`, ROOM_STATS, {}, adminToken);
        if (stats.roomStats.subscriptions >= count) return;
        await sleep(100);
      }
      throw new Error(`ours did not report ${count} subscriptions within 60 s`);
    },
  };
}

export async function connections(seeded: Seeded): Promise<ScenarioReport> {
  const ours = ourSockets(seeded, await tokenFor(seeded.admin));
  const raw: SocketSide = {
    start: () => startPeer("wsRaw"),
    open: (server, count) =>
      openMany(count, 50, (i) => openRawSubscriber(`${server.url.replace(/^http/, "ws")}/ws`, roomOfSocket(i), () => {})),
    settled: async () => {
      await sleep(500);
    },
  };
  // The library floor: graphql-ws as its README sets it up, no auth, no yoga, nothing of ours.
  const stock: SocketSide = {
    start: () => startPeer("graphqlWsStock"),
    open: (server, count) =>
      openMany(count, 50, (i) =>
        openGraphqlWsSubscriber(`${server.url.replace(/^http/, "ws")}/graphql`, {
          query: ROOM_EVENTS,
          variables: { room: roomOfSocket(i) },
          onFrame: () => {},
        }),
      ),
    // No stats to ask: the subscribe frames follow the acks, so a second is ample to process them.
    settled: async () => {
      await sleep(1000);
    },
  };
  const results = [await measure("ours", ours), await measure("graphqlWsStock", stock), await measure("wsRaw", raw)];
  return {
    id: "connections",
    title: "3. connections",
    method:
      `${SCALE.connections.toLocaleString("en-US")} sockets opened by the load process (50 handshakes in flight), ${SOCKETS_PER_USER} per user, spread over 100 rooms. ` +
      "ours: each socket authenticates in connection_init and starts one `roomEvents` subscription; the count is confirmed through `roomStats` before measuring. " +
      "graphqlWsStock (the library floor): stock graphql-ws on `ws` (`useServer` from `graphql-ws/use/ws`, graphql-js, an in-process pub/sub), each socket sends connection_init without a token and starts the same `roomEvents` subscription. " +
      "wsRaw: each socket sends its room name and is kept in a Set. " +
      `Memory is read inside the server process after two forced GCs, once after a ${WARMUP_SOCKETS}-socket warm-up and once with every socket open; ` +
      `the difference is divided by the socket count. A fresh server per round, ${SCALE.rounds} rounds. sockets/s is the open-and-subscribe rate, for information. ` +
      "The gap is judged on the heap: at 2,000 sockets the RSS difference moved by several KiB per socket between rounds (pages handed back to the system in between), the heap did not.",
    metrics: [
      { key: "rssKiBPerSocket", label: "RSS KiB/socket", higherIsBetter: false, digits: 2 },
      { key: "heapKiBPerSocket", label: "heap KiB/socket", higherIsBetter: false, digits: 2 },
      { key: "socketsPerSec", label: "sockets/s opened", higherIsBetter: true, digits: 0 },
    ],
    // RSS deltas move by several KiB per socket between rounds at 2,000 sockets (even
    // below zero: pages V8 and the allocator hand back in between); the heap is the steady figure.
    primary: "heapKiBPerSocket",
    results,
    notes: [],
  };
}
