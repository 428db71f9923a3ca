// Spec fields a cloud takes only in part are never dropped silently: the component reports each through
// pulumi.log.warn, naming the field, before registering its resources.
import * as pulumi from "@pulumi/pulumi";

/** A spec field honoured differently from what it asks, and how. */
export interface SpecWarning {
  /** Spec field path, e.g. `backup.crossRegionCopy`. */
  path: string;
  message: string;
}

/** Log every warning on `resource` (shown by `pulumi preview` / `up` against the component). */
export function reportWarnings(resource: pulumi.Resource, warnings: readonly SpecWarning[]): void {
  for (const w of warnings) void pulumi.log.warn(`${w.path}: ${w.message}`, resource);
}
