// The migration CI checks: apply/undo/re-apply round trip, and drift of a live database.
export { checkRoundTrip, type RoundTripOptions, type RoundTripResult } from "./roundtrip.ts";
export { checkDrift, type DriftOptions, type DriftResult } from "./drift.ts";
export { runnerApplier, toolApplier, type Applier, type UndoPlan, type RunnerApplierOptions } from "./appliers.ts";
export { createScratchDatabase, dropScratchDatabase, withScratchDatabase, localServer, serverTarget } from "./scratch.ts";
