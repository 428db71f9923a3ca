import { defineConfig } from "vitest/config";

export default defineConfig({
  test: {
    include: ["tests/**/*.test.ts"],
    testTimeout: 120_000,
    hookTimeout: 300_000,
    // Suites share embedded servers and caches by directory; files run in separate forks.
    pool: "forks",
    reporters: ["default"],
  },
});
