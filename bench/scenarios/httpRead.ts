// http-read: events(first: 20) with organizer and attendeeCount, autocannon at fixed concurrency.
import autocannon from "autocannon";
import { gql } from "../lib/ours.js";
import { startOurs, startPeer, type PeerName } from "../lib/servers.js";
import type { ScenarioReport, ServerResult } from "../lib/report.js";
import { SCALE } from "../lib/scale.js";
import { medianOf } from "../lib/stats.js";
import type { RunningServer } from "../lib/proc.js";

export const QUERY = "{ events(first: 20) { edges { node { id title organizer { displayName } attendeeCount } } } }";

interface EventsPage {
  events: { edges: { node: { id: string; title: string; organizer: { displayName: string }; attendeeCount: number } }[] };
}

/** One autocannon run of QUERY against `url`: req/s, p50 and p99 latency. */
export async function load(url: string, seconds: number) {
  const result = await autocannon({
    url,
    method: "POST",
    connections: SCALE.httpConnections,
    duration: seconds,
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ query: QUERY }),
  });
  if (result.errors || result.non2xx || result.timeouts) {
    throw new Error(`${url}: ${result.errors} errors, ${result.non2xx} non-2xx, ${result.timeouts} timeouts`);
  }
  return { reqPerSec: result.requests.average, p50Ms: result.latency.p50, p99Ms: result.latency.p99 };
}

async function check(server: RunningServer, url: string, reference: string | null): Promise<string> {
  const page = await gql<EventsPage>(url, QUERY);
  const shape = JSON.stringify(page.events.edges.map((e) => [e.node.title, e.node.organizer.displayName, e.node.attendeeCount]));
  if (page.events.edges.length !== 20) throw new Error(`${server.name} returned ${page.events.edges.length} events, expected 20`);
  if (reference !== null && shape !== reference)
    throw new Error(`${server.name} answers differently from ours: ${shape.slice(0, 200)}`);
  return shape;
}

const PEERS: [PeerName, string][] = [
  ["yogaPg", "/graphql"],
  ["apollo", "/"],
  ["mercuriusJit", "/graphql"],
];

/** All four servers run at once (idle ones cost nothing) and their rounds interleave, so a
 * change in background load hits every server alike. */
export async function httpRead(): Promise<ScenarioReport> {
  const servers = await Promise.all([
    startOurs().then((s) => [s, "/graphql"] as const),
    ...PEERS.map(([name, path]) => startPeer(name).then((s) => [s, path] as const)),
  ]);
  const rounds = new Map<string, Record<string, number>[]>(servers.map(([s]) => [s.name, []]));
  try {
    let reference: string | null = null;
    for (const [server, path] of servers) {
      const shape = await check(server, server.url + path, reference);
      reference ??= shape;
      await load(server.url + path, SCALE.httpWarmupSec);
    }
    for (let i = 0; i < SCALE.rounds; i++) {
      for (const [server, path] of servers) rounds.get(server.name)!.push(await load(server.url + path, SCALE.httpRoundSec));
    }
  } finally {
    await Promise.all(servers.map(([s]) => s.stop()));
  }
  const results: ServerResult[] = [...rounds].map(([server, r]) => ({ server, rounds: r, median: medianOf(r) }));
  return {
    id: "http-read",
    title: "1. http-read",
    method:
      `\`${QUERY}\` over ${"1,000"} seeded events, POSTed by autocannon with ${SCALE.httpConnections} connections: ` +
      `a ${SCALE.httpWarmupSec} s warm-up each, then ${SCALE.rounds} rounds of ${SCALE.httpRoundSec} s, interleaved across servers (all four run at once, idle while not loaded). Every peer answers the same 20 events with the same organizers and counts (checked before loading), ` +
      "with the same three SQL statements per request (page, organizers batched by DataLoader, attendee counts batched by DataLoader) on `pg` pools of 10.",
    metrics: [
      { key: "reqPerSec", label: "req/s", higherIsBetter: true, digits: 0 },
      { key: "p50Ms", label: "p50 ms", higherIsBetter: false },
      { key: "p99Ms", label: "p99 ms", higherIsBetter: false },
    ],
    primary: "reqPerSec",
    results,
    notes: [
      "ours runs with NODE_ENV=production (auth, rate limits, error masking, metrics on, LOG_LEVEL=warn, Redis connected); the peers are bare.",
    ],
  };
}
