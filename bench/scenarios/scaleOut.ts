// scale-out: two instances on one Redis, subscribers on one, the sender on the other, against a
// single instance (the fanout scenario's "ours" run, same settings, same command).
import type { Seeded } from "../lib/db.js";
import { fanoutMetrics } from "../lib/fanoutRun.js";
import type { SenderPool } from "../lib/ours.js";
import type { ScenarioReport, ServerResult } from "../lib/report.js";
import { SCALE } from "../lib/scale.js";
import { newCluster, startOurs } from "../lib/servers.js";
import { oursFanout } from "./fanout.js";

export async function scaleOut(seeded: Seeded, senders: SenderPool, single: ServerResult): Promise<ScenarioReport> {
  const cluster = newCluster();
  const [a, b] = await Promise.all([startOurs({ cluster }), startOurs({ cluster })]);
  let twoInstances: ServerResult;
  try {
    twoInstances = await oursFanout("ours", b, a, seeded, senders);
  } finally {
    await Promise.all([a.stop(), b.stop()]);
  }
  return {
    id: "scale-out",
    title: "6. scale-out",
    method:
      `The fanout workload (${SCALE.fanoutSubscribers.toLocaleString("en-US")} subscribers, ${SCALE.fanoutMessages} messages per round, ${SCALE.rounds} rounds) ` +
      "with two instances of ours on one Redis (same key prefix): subscribers on instance B, `sendMessage` sent to instance A. Both instances share the server core (core 1); " +
      "the baseline is the fanout scenario's single instance (also connected to Redis), measured earlier in the same run.",
    metrics: fanoutMetrics,
    primary: "p99Ms",
    results: [twoInstances, { ...single, server: "single instance" }],
    notes: [],
  };
}
