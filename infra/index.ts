// Pulumi entry point (Pulumi.yaml `main`). Stack outputs, the same names on every cloud (ManagedDatabase):
// engine, databaseName, host, port, endpoint, readerEndpoints, secretRef (the credentials secret's ARN or
// id), the master connection as a secret, and dashboardUrl (the database's console dashboard, undefined when
// observability.dashboard is false). Configuration keys: see config.ts.
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
const db = result.database;
export const engine = db.engine;
export const databaseName = db.databaseName;
export const host = db.host;
export const port = db.port;
export const endpoint = db.endpoint;
export const readerEndpoints = db.readerEndpoints;
export const secretRef = db.secretRef;
export const dashboardUrl = db.dashboardUrl;
export const connection = pulumi.secret(db.connection);
