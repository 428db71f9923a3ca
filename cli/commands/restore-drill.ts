// `dbtk restore-drill`: restore into a scratch copy, validate it, report RTO/RPO, destroy the copy.
import { Command, Option } from "commander";
import { parseDatabaseUrl, type DbTarget } from "../../core/connection.js";
import type { DrillReport, DrillValidation } from "../../automation/drill/index.js";
import { engineSettings, environment, owner, toolkitDirs } from "../environment.js";
import { cliWording } from "../wording.js";
import { usage } from "./usage.js";
import type { Engine, RestoreSpec } from "@dbtk/components/spec";

interface DrillFlags {
  target: "local-postgres" | "local-mariadb" | "aws" | "gcp" | "azure";
  engine: Engine;
  engineVersion?: string;
  sourceId?: string;
  time?: string;
  snapshotId?: string;
  region?: string;
  project?: string;
  resourceGroup?: string;
  keyVaultId?: string;
  vpcId?: string;
  subnetId: string[];
  allowCidr: string[];
  sourceUrlEnv: string;
  table: string[];
  query?: string;
  rootDir?: string;
  database?: string;
  keep?: boolean;
  json?: boolean;
}

const collect = (value: string, prev: string[]) => [...prev, ...value.split(",").map((s) => s.trim()).filter(Boolean)];

function cloudRestore(f: DrillFlags): RestoreSpec {
  if (f.snapshotId) {
    if (f.time) throw usage("--time and --snapshot-id are exclusive: a snapshot restores to the snapshot's own time");
    return { mode: "snapshot", snapshotId: f.snapshotId };
  }
  if (!f.sourceId) throw usage(`--target ${f.target} needs --source-id <id> (the source instance/server) or --snapshot-id <id>`);
  if (f.time !== undefined && Number.isNaN(Date.parse(f.time))) {
    throw usage(`--time "${f.time}" is not a timestamp; use ISO-8601, e.g. 2026-11-05T10:00:00Z`);
  }
  return f.time ? { mode: "point-in-time", sourceId: f.sourceId, time: f.time } : { mode: "point-in-time", sourceId: f.sourceId, useLatestRestorableTime: true };
}

async function runDrill(f: DrillFlags): Promise<DrillReport> {
  // Loaded on use: the Pulumi automation SDK and the drivers would slow every other command's start.
  const { runCloudDrill, runLocalMariadbDrill, runLocalPostgresDrill } = await import("../../automation/drill/index.js");
  const validation: DrillValidation = {
    ...(f.table.length > 0 ? { tables: f.table } : {}),
    ...(f.query ? { query: f.query } : {}),
  };
  const onProgress = (m: string) => process.stderr.write(`dbtk restore-drill: ${m}\n`);
  const keepScratch = f.keep === true;
  const sourceUrl = environment()[f.sourceUrlEnv];
  let source: DbTarget | undefined;
  try {
    source = sourceUrl ? parseDatabaseUrl(sourceUrl, { what: `$${f.sourceUrlEnv}` }) : undefined;
  } catch (err) {
    throw usage((err as Error).message);
  }
  const dirs = toolkitDirs();
  switch (f.target) {
    case "local-postgres":
      return runLocalPostgresDrill({
        ...dirs,
        validation,
        keepScratch,
        onProgress,
        ...(f.rootDir ? { rootDir: f.rootDir } : {}),
        ...(f.database ? { database: f.database } : {}),
      });
    case "local-mariadb":
      return runLocalMariadbDrill({
        ...dirs,
        validation,
        keepScratch,
        onProgress,
        ...(source ? { source } : {}),
        ...(f.rootDir ? { rootDir: f.rootDir } : {}),
      });
    default: {
      const stamp = new Date().toISOString().replace(/[-:T]/g, "").slice(0, 12);
      return runCloudDrill({
        spec: {
          cloud: f.target,
          engine: f.engine,
          name: `drill-${stamp}`,
          restore: cloudRestore(f),
          ...(f.engineVersion ? { engineVersion: f.engineVersion } : {}),
          ...(f.region ? { region: f.region } : {}),
          ...(f.project ? { project: f.project } : {}),
          ...(f.resourceGroup ? { resourceGroupName: f.resourceGroup } : {}),
          ...(f.keyVaultId ? { keyVaultId: f.keyVaultId } : {}),
          ...(f.vpcId ? { vpcId: f.vpcId } : {}),
          ...(f.subnetId.length > 0 ? { subnetIds: f.subnetId } : {}),
          ...(f.allowCidr.length > 0 ? { allowedCidrs: f.allowCidr } : {}),
        },
        validation,
        onProgress,
        engine: engineSettings(),
        owner: owner(undefined),
        ...(source ? { source } : {}),
      });
    }
  }
}

export function registerRestoreDrill(program: Command): void {
  program
    .command("restore-drill")
    .description("Restore into a scratch copy, validate it against the source, report RTO and RPO, then destroy the copy")
    .addOption(
      new Option("--target <target>", "where to drill").choices(["local-postgres", "local-mariadb", "aws", "gcp", "azure"]).default("local-postgres"),
    )
    .addOption(new Option("--engine <engine>", "engine of the cloud source").choices(["postgres", "mysql", "sqlserver"]).default("postgres"))
    .option("--engine-version <version>", "cloud: major version of the source (default: the spec default)")
    .option("--source-id <id>", "cloud: source DB instance identifier / Cloud SQL instance / Azure server or database id")
    .option("--time <iso>", "cloud: point in time to restore to (default: latest restorable time)")
    .option("--snapshot-id <id>", "cloud: restore from this snapshot instead of a point in time")
    .option("--region <region>", "cloud: AWS region, GCP region or Azure location of the scratch copy")
    .option("--project <project>", "gcp: project of the scratch copy")
    .option("--resource-group <name>", "azure: resource group of the scratch copy")
    .option("--key-vault-id <id>", "azure: Key Vault that receives the copy's admin password")
    .option("--vpc-id <id>", "cloud: network of the copy (AWS VPC id, GCP network self-link, Azure virtual network id)")
    .option("--subnet-id <ids>", "cloud: subnets of the copy (repeat or comma-separate)", collect, [])
    .option("--allow-cidr <cidrs>", "cloud: CIDRs admitted to the copy, e.g. the drill runner's (repeat or comma-separate)", collect, [])
    .option("--source-url-env <var>", "environment variable holding the source's URL, for the comparison", "DBTK_DRILL_SOURCE_URL")
    .option("--table <names>", "table to compare by row count and md5 (repeat or comma-separate; default every table)", collect, [])
    .option("--query <sql>", "read-only query whose result must be equal on the source and the copy")
    .option("--root-dir <dir>", "local: directory of the drill's source server")
    .option("--database <name>", "local-postgres: database to validate (default postgres)")
    .option("--keep", "keep the scratch copy for inspection (the drill then reports it as not removed)")
    .option("--json", "print the report as JSON")
    .action(async (flags: DrillFlags) => {
      const drilled = await runDrill(flags);
      const report = drilled.error ? { ...drilled, error: cliWording(drilled.error) } : drilled;
      const { formatReport } = await import("../../automation/drill/report.js");
      process.stdout.write(flags.json ? `${JSON.stringify(report, null, 2)}\n` : formatReport(report));
      if (!report.ok) process.exitCode = 1;
    });
}
