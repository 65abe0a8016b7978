// A gauge read at scrape time from whoever owns the number (the WebSocket server, the presence
// service), so no counter has to be kept in step with the real state by hand.
import { Gauge, type Registry } from "prom-client";

export type GaugeSource = () => number | Promise<number>;
/** Values by label value, e.g. members by room slug. */
export type LabelledGaugeSource = () => Record<string, number> | Promise<Record<string, number>>;

export interface SourcedGauge<Source> {
  /** Replaces the source; until one is set the gauge reports nothing. */
  setSource(source: Source): void;
}

interface Options {
  name: string;
  help: string;
  /** Called when the source throws; the scrape goes on without this gauge's series. */
  onError?: (error: unknown, name: string) => void;
}

export function gaugeFromSource(registry: Registry, options: Options): SourcedGauge<GaugeSource>;
export function gaugeFromSource(registry: Registry, options: Options & { labelName: string }): SourcedGauge<LabelledGaugeSource>;
export function gaugeFromSource(
  registry: Registry,
  { name, help, onError, labelName }: Options & { labelName?: string },
): SourcedGauge<GaugeSource | LabelledGaugeSource> {
  let source: GaugeSource | LabelledGaugeSource | undefined;
  new Gauge({
    name,
    help,
    labelNames: labelName ? [labelName] : [],
    registers: [registry],
    async collect() {
      this.reset();
      if (!source) return;
      try {
        const reading = await source();
        if (typeof reading === "number") this.set(reading);
        else for (const [value, n] of Object.entries(reading)) this.set({ [labelName!]: value }, n);
      } catch (error) {
        this.reset();
        onError?.(error, name);
      }
    },
  });
  return { setSource: (next) => void (source = next) };
}
