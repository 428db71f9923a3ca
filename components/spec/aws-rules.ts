// Rules of the AWS-only fields: engine lifecycle (RDS Extended Support and the majors past their end of
// standard support), gp3/io1/io2 storage performance, the server certificate authority, dual-stack
// networking, log retention and the managed password's rotation. On GCP and Azure each is refused by name
// when set, never ignored.
import type { RuleContext } from "./cloud-rules.js";
import { show } from "./cloud-rules.js";
import type { DatabaseSpec, Engine } from "./types.js";

/**
 * RDS end of standard support per major version (after it, a database not enrolled in Extended Support is
 * upgraded by RDS and a new one cannot be created with `open-source-rds-extended-support-disabled`).
 * Sources: RDS for PostgreSQL release calendar
 * (https://docs.aws.amazon.com/AmazonRDS/latest/PostgreSQLReleaseNotes/postgresql-release-calendar.html),
 * RDS for MySQL release calendar (https://docs.aws.amazon.com/AmazonRDS/latest/UserGuide/MySQL.Concepts.VersionMgmt.html).
 * Re-check when AWS announces a new major.
 */
export const rdsStandardSupportEnds: Record<"postgres" | "mysql", Record<string, string>> = {
  postgres: {
    "11": "2024-02-29",
    "12": "2025-02-28",
    "13": "2026-02-28",
    "14": "2027-02-28",
    "15": "2028-02-29",
    "16": "2029-02-28",
    "17": "2030-02-28",
    "18": "2031-02-28",
  },
  mysql: { "5.7": "2024-02-29", "8.0": "2026-07-31", "8.4": "2029-07-31" },
};

/** The RDS end of standard support of `version`'s major, undefined when unknown or not an RDS open-source engine. */
export function rdsStandardSupportEnd(engine: Engine, version: string): string | undefined {
  if (engine === "sqlserver") return undefined;
  const parts = version.split(".");
  const major = engine === "mysql" ? parts.slice(0, 2).join(".") : (parts[0] ?? "");
  return rdsStandardSupportEnds[engine][major];
}

/** The newest major still in standard support on `today` (the fix an end-of-life refusal suggests). */
function supportedMajor(engine: "postgres" | "mysql", today: Date): string | undefined {
  return Object.entries(rdsStandardSupportEnds[engine]).filter(([, end]) => Date.parse(end) >= today.getTime()).at(-1)?.[0];
}

/** CloudWatch Logs retention values (PutRetentionPolicy retentionInDays). */
export const cloudwatchRetentionDays = [1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288, 3653];

/** RDS certificate authorities (https://docs.aws.amazon.com/AmazonRDS/latest/UserGuide/UsingWithRDS.SSL.html); rds-ca-2019 expired in August 2024. */
export const rdsCertificateAuthorities = ["rds-ca-rsa2048-g1", "rds-ca-rsa4096-g1", "rds-ca-ecc384-g1"];
/** The one RDS recommends and assigns to new instances. */
export const defaultRdsCertificateAuthority = "rds-ca-rsa2048-g1";

/**
 * RDS storage performance limits (https://docs.aws.amazon.com/AmazonRDS/latest/UserGuide/CHAP_Storage.html):
 * gp3 on PostgreSQL and MySQL stripes volumes from 400 GiB, below which IOPS and throughput are the fixed
 * baseline (3,000 / 125 MiB/s); SQL Server's single volume takes them at any size.
 */
const gp3 = {
  open: { minGb: 400, iops: [12_000, 64_000], mbps: [500, 4_000] },
  sqlserver: { minGb: 20, iops: [3_000, 16_000], mbps: [125, 1_000] },
} as const;
const provisioned = {
  io1: { perGb: [0.5, 50], iops: [1_000, 256_000] },
  io2: { perGb: [0.5, 1_000], iops: [1_000, 256_000] },
} as const;
const maxMbpsPerIops = 0.25;

type Add = (path: string, value: unknown, message: string) => void;

function storageRules(spec: DatabaseSpec, add: Add): void {
  const { type = "gp3", iops, throughputMbps, sizeGb } = spec.storage;
  const range = ([lo, hi]: readonly [number, number]) => `${lo.toLocaleString("en")}–${hi.toLocaleString("en")}`;
  if (type === "gp3") {
    const g = spec.engine === "sqlserver" ? gp3.sqlserver : gp3.open;
    if ((iops !== undefined || throughputMbps !== undefined) && sizeGb < g.minGb) {
      add(iops !== undefined ? "storage.iops" : "storage.throughputMbps", iops ?? throughputMbps,
        `${iops ?? throughputMbps}: gp3 volumes of AWS RDS for ${spec.engine} below ${g.minGb} GiB keep the 3,000 IOPS / 125 MiB/s baseline; remove it, or raise storage.sizeGb to ${g.minGb} or more`);
      return;
    }
    if (iops !== undefined && (iops < g.iops[0] || iops > g.iops[1])) {
      add("storage.iops", iops, `${iops} is outside the ${range(g.iops)} IOPS AWS RDS provisions on gp3 for ${spec.engine}; use a value in that range`);
    }
    if (throughputMbps !== undefined && (throughputMbps < g.mbps[0] || throughputMbps > g.mbps[1])) {
      add("storage.throughputMbps", throughputMbps, `${throughputMbps} is outside the ${range(g.mbps)} MiB/s AWS RDS provisions on gp3 for ${spec.engine}; use a value in that range`);
    }
    if (iops !== undefined && throughputMbps !== undefined && throughputMbps / iops > maxMbpsPerIops) {
      add("storage.throughputMbps", throughputMbps, `${throughputMbps} MiB/s is more than ${maxMbpsPerIops} MiB/s per IOPS (storage.iops ${iops}) on AWS RDS gp3; raise iops to ${Math.ceil(throughputMbps / maxMbpsPerIops)} or lower the throughput`);
    }
    return;
  }
  const p = provisioned[type];
  if (throughputMbps !== undefined) {
    add("storage.throughputMbps", throughputMbps, `${throughputMbps}: storage throughput is set only on gp3; ${type} throughput follows its IOPS, remove it`);
  }
  if (iops === undefined) {
    add("storage.iops", undefined, `is missing: ${type} (Provisioned IOPS) storage on AWS RDS needs storage.iops, e.g. ${Math.max(p.iops[0], sizeGb * 10)}`);
    return;
  }
  if (iops < p.iops[0] || iops > p.iops[1]) {
    add("storage.iops", iops, `${iops} is outside the ${range(p.iops)} IOPS AWS RDS provisions on ${type}; use a value in that range`);
  }
  const ratio = iops / sizeGb;
  if (ratio < p.perGb[0] || ratio > p.perGb[1]) {
    add("storage.iops", iops, `${iops} IOPS on ${sizeGb} GiB is ${ratio.toFixed(1)} per GiB; ${type} on AWS RDS takes ${p.perGb[0]}–${p.perGb[1]} per GiB, so use ${Math.ceil(sizeGb * p.perGb[0])}–${Math.floor(sizeGb * p.perGb[1])}`);
  }
  if (spec.engine !== "sqlserver" && sizeGb < 100) {
    add("storage.sizeGb", sizeGb, `${sizeGb} GiB is below the 100 GiB AWS RDS for ${spec.engine} needs on ${type}; use 100 or more, or gp3`);
  }
}

function lifecycleRules(c: RuleContext, add: Add, today: Date): void {
  const { spec } = c;
  if (spec.extendedSupport === true && spec.engine === "sqlserver") {
    add("extendedSupport", true, "true: RDS Extended Support exists for RDS for PostgreSQL and MySQL only, not SQL Server; remove it");
    return;
  }
  if (spec.engine === "sqlserver" || spec.extendedSupport === true) return;
  // With Extended Support off RDS refuses to create a major past its end date; prod never runs one.
  if (c.environment !== "prod" && spec.extendedSupport !== false) return;
  const end = rdsStandardSupportEnd(spec.engine, spec.engineVersion);
  if (end === undefined || Date.parse(end) >= today.getTime()) return;
  const next = supportedMajor(spec.engine, today);
  add("engineVersion", spec.engineVersion,
    `${show(spec.engineVersion)}: RDS for ${spec.engine === "mysql" ? "MySQL" : "PostgreSQL"} ${spec.engineVersion} left standard support on ${end} and extendedSupport is ${spec.extendedSupport === false ? "false" : "not set"}${c.environment === "prod" ? " (prod runs no end-of-life major)" : ""}, so RDS would refuse to create it; use ${next ? show(next) : "a supported major"}, or set extendedSupport true (paid RDS Extended Support)`);
}

/** The AWS-only fields' rules on AWS (`today` decides which majors are past their end of standard support). */
export function awsFeatureRules(c: RuleContext, add: Add, today: Date = new Date()): void {
  const { spec } = c;
  lifecycleRules(c, add, today);
  storageRules(spec, add);
  const ca = spec.encryption.certificateAuthority;
  if (ca !== undefined && !rdsCertificateAuthorities.includes(ca)) {
    add("encryption.certificateAuthority", ca, `${show(ca)} is not an RDS certificate authority in service; use one of ${rdsCertificateAuthorities.join(", ")}`);
  }
  const retention = spec.observability.logRetentionDays;
  if (retention !== undefined && !cloudwatchRetentionDays.includes(retention)) {
    const near = cloudwatchRetentionDays.find((d) => d >= retention) ?? 3653;
    add("observability.logRetentionDays", retention, `${retention} is not a CloudWatch Logs retention; use ${near} (values: ${cloudwatchRetentionDays.join(", ")})`);
  }
  const rotation = spec.auth.passwordRotationDays;
  if (rotation !== undefined && spec.auth.managedMasterPassword !== true) {
    add("auth.passwordRotationDays", rotation,
      `${rotation}: only the RDS-managed master password is rotated (the generated one has no rotation function); set auth.managedMasterPassword true, or remove passwordRotationDays`);
  }
}

/** The AWS-only fields set on another cloud: each refused by name. */
export function awsOnlyFieldRules(c: RuleContext, add: Add, label: string): void {
  const { spec } = c;
  const fields: [string, unknown][] = [
    ["storage.type", spec.storage.type],
    ["storage.iops", spec.storage.iops],
    ["storage.throughputMbps", spec.storage.throughputMbps],
    ["encryption.certificateAuthority", spec.encryption.certificateAuthority],
    ["network.dualStack", spec.network.dualStack === true ? true : undefined],
    ["auth.passwordRotationDays", spec.auth.passwordRotationDays],
    ["extendedSupport", spec.extendedSupport],
    ["observability.logRetentionDays", spec.observability.logRetentionDays],
  ];
  for (const [path, value] of fields) {
    if (value === undefined) continue;
    add(path, value, path === "observability.logRetentionDays"
      ? `${show(value)} sets the retention of AWS CloudWatch log groups; on ${label} logs are kept by their sink (Cloud Logging bucket, Log Analytics workspace), set it there and remove this`
      : `${show(value)} is used only on AWS RDS, not on ${label}; remove it`);
  }
}
