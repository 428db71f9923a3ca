// Runs once before all test files: builds (or reuses) the template migrated from the sample app's
// migrations, and provides one database's URL to the tests. The returned function tears it down.
import path from "node:path";
import type { TestProject } from "vitest/node";
import { ephemeralDatabases } from "dbtk/testing";

export const MIGRATIONS = path.resolve(import.meta.dirname, "../sample-app/migrations");

declare module "vitest" {
  export interface ProvidedContext {
    databaseUrl: string;
    migrations: string;
  }
}

export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  const dbs = await ephemeralDatabases({ migrations: MIGRATIONS, poolSize: 1 });
  const shared = await dbs.acquire();
  project.provide("databaseUrl", shared.url);
  project.provide("migrations", MIGRATIONS);
  return async () => {
    await shared.release();
    await dbs.close();
  };
}
