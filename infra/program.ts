// The database program: stack configuration → resolved, validated spec → the cloud's component.
import * as pulumi from "@pulumi/pulumi";
import { SpecValidationError, resolveSpec } from "@dbtk/components/spec";
import { cloudDeployers, type DeployedDatabase } from "./clouds.js";
import { CONFIG_NAMESPACE, ConfigError, describeSpecIssues, parseDbConfig, specInput, type DbConfig } from "./config.js";

export interface ProgramResult {
  config: DbConfig;
  /** The cloud's component, read through the interface every cloud shares. */
  database: DeployedDatabase;
}

/** Reads `db:*` from the stack and deploys. Throws ConfigError naming the key of a wrong value. */
export function runProgram(): ProgramResult {
  const cfg = new pulumi.Config(CONFIG_NAMESPACE);
  const config = parseDbConfig((key) => cfg.get(key), `${pulumi.getProject()}-${pulumi.getStack()}`.toLowerCase());
  const spec = resolveSpec(specInput(config), config.environment, config.cloud);
  try {
    const database = cloudDeployers[config.cloud]({ name: config.name, spec, environment: config.environment, config });
    return { config, database };
  } catch (err) {
    if (err instanceof SpecValidationError) {
      const first = err.issues[0];
      throw new ConfigError(first ? first.path : CONFIG_NAMESPACE, describeSpecIssues(err.issues, config));
    }
    throw err;
  }
}
