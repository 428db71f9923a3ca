// Pure helpers every cloud's component builds on: replica expansion and alarm thresholds.
import { describe, expect, it } from "vitest";
import { alarmThresholds, defaultAlarmThresholds, replicaInstances } from "../../../components/spec/index.ts";

describe("replicaInstances", () => {
  it("expands counts and numbers the instances per region; the primary's region counts as its own", () => {
    const replicas = [{ count: 2 }, { region: "us-west-2", count: 1 }, { region: "us-east-1", count: 1 }, { region: "us-west-2", count: 1 }];
    expect(replicaInstances({ replicas }, "us-east-1").map(({ region, index }) => [region, index])).toEqual([
      [undefined, 0],
      [undefined, 1],
      ["us-west-2", 0],
      [undefined, 2],
      ["us-west-2", 1],
    ]);
  });

  it("keeps the spec entry each instance comes from; without a primary region every named region is another", () => {
    const sized = { count: 1, region: "us-east-1", size: { tier: "small" as const } };
    const [only] = replicaInstances({ replicas: [sized] }, undefined);
    expect(only).toEqual({ replica: sized, region: "us-east-1", index: 0 });
    expect(replicaInstances({ replicas: [] }, "us-east-1")).toEqual([]);
  });
});

describe("alarmThresholds", () => {
  it("fills the cross-cloud defaults and leaves maxConnections unset unless given", () => {
    expect(alarmThresholds({ enabled: true })).toEqual({ cpuPercent: 80, freeStoragePercent: 10, replicaLagSeconds: 60 });
    expect(defaultAlarmThresholds).toEqual({ cpuPercent: 80, freeStoragePercent: 10, replicaLagSeconds: 60 });
  });

  it("keeps every value the spec gives, zero included", () => {
    expect(alarmThresholds({ enabled: true, cpuPercent: 65, freeStoragePercent: 0, replicaLagSeconds: 5, maxConnections: 400 })).toEqual({
      cpuPercent: 65,
      freeStoragePercent: 0,
      replicaLagSeconds: 5,
      maxConnections: 400,
    });
  });
});
