// Publish-to-last-delivery timing: one message at a time, each carrying a unique marker; the
// clock stops when every subscriber has received the frame that carries it.
import { percentile } from "./stats.js";

export interface DeliveryResult extends Record<string, number> {
  p50Ms: number;
  p99Ms: number;
  deliveriesPerSec: number;
}

export class DeliveryTracker {
  private marker = "";
  private remaining = 0;
  private done: (() => void) | null = null;
  missed = 0;

  /** Hand this to every subscriber as its frame listener. */
  readonly onFrame = (data: Buffer) => {
    if (this.remaining > 0 && data.includes(this.marker) && --this.remaining === 0) this.done?.();
  };

  expect(marker: string, count: number, timeoutMs: number): Promise<boolean> {
    this.marker = marker;
    this.remaining = count;
    return new Promise((resolve) => {
      const timer = setTimeout(() => {
        this.missed += this.remaining;
        this.remaining = 0;
        resolve(false);
      }, timeoutMs);
      this.done = () => {
        clearTimeout(timer);
        resolve(true);
      };
    });
  }
}

/** Sends `messages` one after another and times each from publish start to last delivery. */
export async function timeDeliveries(opts: {
  tracker: DeliveryTracker;
  subscribers: number;
  messages: number;
  label: string;
  publish: (marker: string, i: number) => Promise<void>;
}): Promise<DeliveryResult> {
  const latencies: number[] = [];
  const started = performance.now();
  for (let i = 0; i < opts.messages; i++) {
    const marker = `<${opts.label}-${i}>`;
    const t0 = performance.now();
    const delivered = opts.tracker.expect(marker, opts.subscribers, 15_000);
    await opts.publish(marker, i);
    if (!(await delivered))
      throw new Error(`${opts.label}: message ${i} did not reach all ${opts.subscribers} subscribers within 15 s`);
    latencies.push(performance.now() - t0);
  }
  const elapsedSec = (performance.now() - started) / 1000;
  return {
    p50Ms: percentile(latencies, 50),
    p99Ms: percentile(latencies, 99),
    deliveriesPerSec: (opts.subscribers * opts.messages) / elapsedSec,
  };
}
