// Schema snapshots from the catalogs and their diff.
export * from "./types.ts";
export { snapshotSchema, snapshotToJson, canonical } from "./snapshot.ts";
export { diffSchemas, isEmptyDiff, renderDiff, diffSummary, lineDiff, type SchemaDiff, type ChangedObject } from "./diff.ts";
