// A scrape's result as plain data: metric families declared up front (so each is served with its HELP and
// TYPE even while it has no samples, e.g. per-replica lag on a server without replicas), then filled.
export type MetricType = "counter" | "gauge";

export interface Sample {
  labels: Readonly<Record<string, string>>;
  value: number;
}

export interface MetricFamily {
  /** Prometheus metric name; counters end in `_total`. */
  name: string;
  help: string;
  type: MetricType;
  /** The label names every sample carries, in order. */
  labelNames: readonly string[];
  samples: Sample[];
}

/** An ordered set of families being filled by one scrape. */
export class Families {
  private readonly byName = new Map<string, MetricFamily>();

  /** Declares a family (idempotent for the same name). */
  declare(name: string, type: MetricType, help: string, labelNames: readonly string[] = []): this {
    if (type === "counter" && !name.endsWith("_total")) throw new Error(`metric ${name}: a counter's name ends in _total`);
    if (!this.byName.has(name)) this.byName.set(name, { name, help, type, labelNames, samples: [] });
    return this;
  }

  /** Adds a sample; a value that is not a finite number (NULL, NaN) is left out. */
  add(name: string, value: number | string | null | undefined, labels: Record<string, string> = {}): void {
    const family = this.byName.get(name);
    if (!family) throw new Error(`metric ${name} was not declared`);
    const v = typeof value === "string" ? Number(value) : value;
    if (v === null || v === undefined || !Number.isFinite(v)) return;
    family.samples.push({ labels, value: v });
  }

  list(): MetricFamily[] {
    return [...this.byName.values()];
  }
}
