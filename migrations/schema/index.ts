// Schema snapshots from the catalogs and their diff.
export * from "./types.js";
export { snapshotSchema, snapshotToJson, canonical } from "./snapshot.js";
export { diffSchemas, isEmptyDiff, renderDiff, diffSummary, lineDiff, type SchemaDiff, type ChangedObject } from "./diff.js";
