// Summaries of repeated measurements: the report shows medians of rounds and latency percentiles.
export function percentile(values: number[], p: number): number {
  if (values.length === 0) return Number.NaN;
  const sorted = [...values].sort((a, b) => a - b);
  const index = Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1));
  return sorted[index]!;
}

export const median = (values: number[]) => percentile(values, 50);

/** Median of each numeric field over rounds that all share one shape. */
export function medianOf<T extends Record<string, number>>(rounds: T[]): T {
  const out: Record<string, number> = {};
  for (const key of Object.keys(rounds[0]!)) out[key] = median(rounds.map((r) => r[key]!));
  return out as T;
}

export const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
