// One fanout measurement: open subscribers, wait until a probe reaches all of them, a warm-up
// batch, then rounds of sequential messages timed from publish to last delivery.
import { closeAll, type OpenSocket } from "./clients.js";
import { DeliveryTracker, timeDeliveries, type DeliveryResult } from "./deliveries.js";
import type { ServerResult } from "./report.js";
import { SCALE } from "./scale.js";
import { medianOf } from "./stats.js";

let labels = 0;

async function untilAllSubscribed(tracker: DeliveryTracker, subscribers: number, publish: (marker: string) => Promise<void>) {
  for (let attempt = 0; attempt < 30; attempt++) {
    const marker = `<probe-${labels++}>`;
    const all = tracker.expect(marker, subscribers, 2000);
    await publish(marker);
    if (await all) return;
  }
  throw new Error(`not every one of ${subscribers} subscribers received a probe within 60 s`);
}

export async function runFanout(opts: {
  server: string;
  subscribers: number;
  open: (onFrame: (data: Buffer) => void) => Promise<OpenSocket[]>;
  publish: (marker: string) => Promise<void>;
}): Promise<ServerResult> {
  const tracker = new DeliveryTracker();
  const sockets = await opts.open(tracker.onFrame);
  try {
    await untilAllSubscribed(tracker, opts.subscribers, opts.publish);
    const run = (messages: number) =>
      timeDeliveries({ tracker, subscribers: opts.subscribers, messages, label: `m${labels++}`, publish: opts.publish });
    await run(SCALE.fanoutWarmupMessages);
    const rounds: DeliveryResult[] = [];
    for (let i = 0; i < SCALE.rounds; i++) rounds.push(await run(SCALE.fanoutMessages));
    return { server: opts.server, rounds, median: medianOf(rounds) };
  } finally {
    closeAll(sockets);
  }
}

export const fanoutMetrics = [
  { key: "p50Ms", label: "publish→last delivery p50 ms", higherIsBetter: false, digits: 2 },
  { key: "p99Ms", label: "p99 ms", higherIsBetter: false, digits: 2 },
  { key: "deliveriesPerSec", label: "deliveries/s", higherIsBetter: true, digits: 0 },
];
