// Pulumi entry point (Pulumi.yaml `main`). Stack outputs: endpoint, port, secretArn, and the master
// connection as a secret. Configuration keys: see config.ts.
import * as pulumi from "@pulumi/pulumi";
import { ConfigError } from "./config.js";
import { runProgram, type ProgramResult } from "./program.js";

function run(): ProgramResult {
  try {
    return runProgram();
  } catch (err) {
    // A RunError is reported as its message alone, without a stack trace.
    if (err instanceof ConfigError) throw new pulumi.RunError(err.message);
    throw err;
  }
}

const result = run();

export const cloud = result.config.cloud;
export const environment = result.config.environment;
export const endpoint = result.endpoint;
export const port = result.port;
export const secretArn = result.secretArn;
export const connection = pulumi.secret(result.connection);
