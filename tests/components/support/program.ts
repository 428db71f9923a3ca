// Runs a Pulumi program module (infra/index.ts, an example's index.ts) under the mocks with a stack's
// configuration, as the language host would: objects and lists handed over as JSON text.
import { readFileSync } from "node:fs";
import * as pulumi from "@pulumi/pulumi";
import { vi } from "vitest";
import { parse } from "yaml";
import { drainRegistrations } from "./harness.ts";

/**
 * The `config:` of a stack or project file, as `key → string` the way the engine passes it to a program.
 * A project file (one with a `name`) declares its own keys unqualified and may give them as
 * `{ type, default }`: those keys get the project's namespace and their default as value; keys without one
 * are left unset.
 */
export function configOf(file: string): Record<string, string> {
  const doc = parse(readFileSync(file, "utf8")) as { name?: string; config?: Record<string, unknown> };
  return Object.fromEntries(
    Object.entries(doc.config ?? {}).flatMap(([k, v]) => {
      const key = doc.name && !k.includes(":") ? `${doc.name}:${k}` : k;
      const declared = typeof v === "object" && v !== null && !Array.isArray(v) && "type" in v ? (v as { default?: unknown }) : undefined;
      if (declared && !("default" in declared)) return [];
      const value = declared ? declared.default : v;
      return [[key, typeof value === "string" ? value : JSON.stringify(value)]];
    }),
  );
}

/** Imports the program afresh with `config` and waits until every registration it started is done. */
export async function runProgram<T>(moduleUrl: string | URL, config: Record<string, string>): Promise<T> {
  pulumi.runtime.setAllConfig(config);
  vi.resetModules();
  const mod = (await import(String(moduleUrl))) as T;
  await drainRegistrations();
  return mod;
}

const root = new URL("../../../", import.meta.url);

/** Stack outputs of the infra program (infra/index.ts): the ManagedDatabase names on every cloud. */
export interface InfraOutputs {
  cloud: string;
  environment: string;
  engine: string;
  databaseName: string;
  host: pulumi.Output<string>;
  port: pulumi.Output<number>;
  endpoint: pulumi.Output<string>;
  readerEndpoints: pulumi.Output<string[]>;
  secretRef: pulumi.Output<string>;
  connection: pulumi.Output<Record<string, unknown>>;
  /** The console dashboard of the database; undefined with observability.dashboard false. */
  dashboardUrl: pulumi.Output<string | undefined>;
}

/** The configuration of the repository's Pulumi.<stack>.yaml. */
export const stackConfig = (stack: string): Record<string, string> => configOf(new URL(`Pulumi.${stack}.yaml`, root).pathname);

/** Runs infra/index.ts with `config`. */
export const runInfra = (config: Record<string, string>): Promise<InfraOutputs> => runProgram<InfraOutputs>(new URL("infra/index.ts", root), config);
