// The server's own view of its latency, for `GET /api/v1/dbtk/status` (and bench/serve.ts): how long a
// hand-out took from its request event to its answer being written, and how late the event loop ran while
// the server served (GC pauses and any synchronous work show there, before a request event even fires).
import { monitorEventLoopDelay, type IntervalHistogram } from "node:perf_hooks";

export interface LatencySummary {
  n: number;
  p50Ms: number;
  p95Ms: number;
  maxMs: number;
}

const KEEP = 4096;

/** The last {@link KEEP} durations (milliseconds). */
export class Durations {
  private readonly xs = new Float64Array(KEEP);
  private count = 0;

  add(ms: number): void {
    this.xs[this.count++ % KEEP] = ms;
  }

  summary(): LatencySummary {
    const n = Math.min(this.count, KEEP);
    const sorted = this.xs.slice(0, n).sort();
    const at = (p: number): number => (n ? (sorted[Math.min(n - 1, Math.floor(p * n))] as number) : 0);
    return { n: this.count, p50Ms: at(0.5), p95Ms: at(0.95), maxMs: n ? (sorted[n - 1] as number) : 0 };
  }
}

export interface ServerTimings {
  /** `GET …/tests` answered 200: request event → answer written. */
  handout: LatencySummary;
  /** How late the event loop ran (sampled every 10 ms) since the server started. */
  eventLoopDelay: Omit<LatencySummary, "n">;
}

export class Timings {
  readonly handout = new Durations();
  private readonly loop: IntervalHistogram = monitorEventLoopDelay({ resolution: 10 });

  constructor() {
    this.loop.enable();
  }

  summary(): ServerTimings {
    const ms = (ns: number): number => (Number.isFinite(ns) ? ns / 1e6 : 0);
    return {
      handout: this.handout.summary(),
      eventLoopDelay: { p50Ms: ms(this.loop.percentile(50)), p95Ms: ms(this.loop.percentile(95)), maxMs: ms(this.loop.max) },
    };
  }

  stop(): void {
    this.loop.disable();
  }
}
