// Moved: the one mock harness of the component suites is tests/components/support/harness.ts.
export * from "../support/harness.ts";
