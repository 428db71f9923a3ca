// Replica instances a spec asks for, numbered per region: the expansion every cloud's component starts
// from before naming and sizing its replicas.
import type { DatabaseSpec, ReplicaSpec } from "./types.js";

export interface ReplicaInstance {
  /** The spec entry it comes from. */
  replica: ReplicaSpec;
  /** Its region when other than the primary's; undefined in the primary's region. */
  region?: string;
  /** 0-based number among the replicas of that region. */
  index: number;
}

/** One entry per replica instance (each spec entry `count` times); a region equal to the primary's is the primary's. */
export function replicaInstances(spec: Pick<DatabaseSpec, "replicas">, primaryRegion: string | undefined): ReplicaInstance[] {
  const out: ReplicaInstance[] = [];
  const counters = new Map<string, number>();
  for (const replica of spec.replicas) {
    const region = replica.region !== undefined && replica.region !== primaryRegion ? replica.region : undefined;
    for (let i = 0; i < replica.count; i++) {
      const index = counters.get(region ?? "") ?? 0;
      counters.set(region ?? "", index + 1);
      out.push({ replica, ...(region ? { region } : {}), index });
    }
  }
  return out;
}
