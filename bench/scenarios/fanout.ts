// fanout: one room, N graphql-ws subscribers, messages posted one at a time.
import { openGraphqlWsSubscriber, openMany, openRawSubscriber } from "../lib/clients.js";
import { ROOMS, type Seeded } from "../lib/db.js";
import { fanoutMetrics, runFanout } from "../lib/fanoutRun.js";
import { openOurSubscribers, ROOM_EVENTS, sendMessage, type SenderPool } from "../lib/ours.js";
import type { RunningServer } from "../lib/proc.js";
import type { ScenarioReport, ServerResult } from "../lib/report.js";
import { SCALE } from "../lib/scale.js";
import { startOurs, startPeer } from "../lib/servers.js";

const post = async (url: string, body: unknown) => {
  const res = await fetch(url, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify(body) });
  if (!res.ok) throw new Error(`${url}: HTTP ${res.status}`);
  await res.arrayBuffer();
};

/** Subscribers on `subscribeTo`, messages sent through `sendTo` (the same server, or another one). */
export function oursFanout(name: string, subscribeTo: RunningServer, sendTo: RunningServer, seeded: Seeded, senders: SenderPool) {
  return runFanout({
    server: name,
    subscribers: SCALE.fanoutSubscribers,
    open: (onFrame) =>
      openOurSubscribers({
        url: subscribeTo.url,
        users: seeded.members,
        count: SCALE.fanoutSubscribers,
        roomOf: () => ROOMS.fanout,
        onFrame,
      }),
    publish: (marker) => sendMessage(`${sendTo.url}/graphql`, senders, ROOMS.fanout, marker),
  });
}

async function withServer<T>(start: Promise<RunningServer>, fn: (server: RunningServer) => Promise<T>): Promise<T> {
  const server = await start;
  try {
    return await fn(server);
  } finally {
    await server.stop();
  }
}

export async function fanout(seeded: Seeded, senders: SenderPool): Promise<ScenarioReport> {
  const n = SCALE.fanoutSubscribers;
  const results: ServerResult[] = [];
  results.push(await withServer(startOurs(), (ours) => oursFanout("ours", ours, ours, seeded, senders)));

  const roomId = seeded.rooms.get(ROOMS.fanout)!;
  const author = seeded.members[0]!;
  results.push(
    await withServer(startPeer("graphqlWsStock"), (peer) =>
      runFanout({
        server: "graphqlWsStock",
        subscribers: n,
        open: (onFrame) =>
          openMany(n, 50, () =>
            openGraphqlWsSubscriber(`${peer.url.replace(/^http/, "ws")}/graphql`, {
              query: ROOM_EVENTS,
              variables: { room: ROOMS.fanout },
              onFrame,
            }),
          ),
        publish: (marker) =>
          post(`${peer.url}/publish`, { room: ROOMS.fanout, roomId, authorId: author.id, displayName: "Member 1", text: marker }),
      }),
    ),
  );
  results.push(
    await withServer(startPeer("wsRaw"), (peer) =>
      runFanout({
        server: "wsRaw",
        subscribers: n,
        open: (onFrame) =>
          openMany(n, 50, () => openRawSubscriber(`${peer.url.replace(/^http/, "ws")}/ws`, ROOMS.fanout, onFrame)),
        publish: (marker) => post(`${peer.url}/broadcast`, { room: ROOMS.fanout, text: marker }),
      }),
    ),
  );

  return {
    id: "fanout",
    title: "2. fanout",
    method:
      `One room, ${n.toLocaleString("en-US")} WebSocket subscribers held by the load process, ${SCALE.fanoutMessages} messages per round posted one at a time ` +
      `(the next after the last subscriber got the previous one), ${SCALE.fanoutWarmupMessages} warm-up messages, ${SCALE.rounds} rounds. ` +
      "Latency runs from the start of the publish request to the frame reaching the last subscriber. " +
      `ours: \`sendMessage\` over HTTP (auth with a session check, rate limit in Redis, one INSERT joined to the author on \`pg\`, publish to Redis) to \`roomEvents\` subscribers (${Math.ceil(n / 20)} users × 20 sockets, the per-user socket limit). ` +
      "graphqlWsStock: POST /publish does the same INSERT with `pg`, then graphql-ws executes the same subscription document once per subscriber. " +
      "wsRaw (the ceiling): POST /broadcast sends one prebuilt string to every socket, no INSERT.",
    metrics: fanoutMetrics,
    primary: "deliveriesPerSec",
    results,
    notes: [],
  };
}
