// Families to the Prometheus text exposition format 0.0.4, written by prom-client (HELP/TYPE lines, escaping
// of help text and label values): a fresh registry per scrape, so a series gone from the server is gone here.
import { Counter, Gauge, Registry } from "prom-client";
import type { MetricFamily } from "./families.js";

/** `text/plain; version=0.0.4; charset=utf-8`. */
export const EXPOSITION_CONTENT_TYPE: string = Registry.PROMETHEUS_CONTENT_TYPE;

export async function exposition(families: readonly MetricFamily[]): Promise<string> {
  const registers = [new Registry()];
  for (const f of families) {
    // prom-client would print an unlabelled metric without a value as 0: leave it out instead.
    if (f.samples.length === 0 && f.labelNames.length === 0) continue;
    const labelNames = [...f.labelNames];
    if (f.type === "counter") {
      const c = new Counter({ name: f.name, help: f.help, labelNames, registers });
      for (const s of f.samples) c.inc(s.labels, s.value);
    } else {
      const g = new Gauge({ name: f.name, help: f.help, labelNames, registers });
      for (const s of f.samples) g.set(s.labels, s.value);
    }
  }
  return registers[0]!.metrics();
}
