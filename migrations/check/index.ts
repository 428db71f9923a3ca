// The migration CI checks: apply/undo/re-apply round trip, and drift of a live database.
export { checkRoundTrip, type RoundTripOptions, type RoundTripResult } from "./roundtrip.js";
export { checkDrift, type DriftOptions, type DriftResult } from "./drift.js";
export { runnerApplier, toolApplier, type Applier, type UndoPlan, type RunnerApplierOptions } from "./appliers.js";
export { createScratchDatabase, dropScratchDatabase, withScratchDatabase, localServer, serverTarget } from "./scratch.js";
