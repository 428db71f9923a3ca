// Vitest with disposable databases: global-setup.ts builds the migrated template once per test run and
// hands one database to every test file; tests that want their own take one from the pool
// (see tasks.test.ts). Run from the repository root:
//   npx vitest run --config examples/vitest/vitest.config.ts
import { defineConfig } from "vitest/config";

export default defineConfig({
  root: import.meta.dirname,
  test: {
    include: ["**/*.test.ts"],
    globalSetup: ["./global-setup.ts"],
    testTimeout: 60_000,
    hookTimeout: 120_000,
  },
});
