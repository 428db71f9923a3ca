// DB option group with the MariaDB Audit Plugin (observability.pgaudit on RDS for MySQL). Its name, name prefix,
// engine, major version and description force replacement (terraform-provider-aws internal/service/rds/
// option_group.go: ForceNew), so the major sits in both the Pulumi name and the name prefix: a major upgrade
// adds a new group, moves the instance to it and only then deletes the old one, which RDS refuses while in
// use (InvalidOptionGroupStateFault, node_modules/@pulumi/aws/rds/optionGroup.d.ts). Option changes apply
// in place; the instance's optionGroupName changes without replacing it.
import * as aws from "@pulumi/aws";
import type * as pulumi from "@pulumi/pulumi";
import type { DatabaseSpec } from "../spec/types.js";
import { placement, type RegionTarget } from "./keys.js";
import { auditOptionGroupArgs } from "./mapping-audit.js";
import { nameSafe } from "./network.js";

/** Pulumi resource name of the audit option group for a major (and region, for replicas elsewhere). */
export function optionGroupResourceName(name: string, major: string, region?: string): string {
  return `${name}-audit-mysql${nameSafe(major)}${region ? `-${region}` : ""}`;
}

/** The audit option group; undefined when the spec does not audit through the plugin. */
export function createAuditOptionGroup(
  parent: pulumi.Resource,
  name: string,
  spec: DatabaseSpec,
  tags: Record<string, string>,
  target?: RegionTarget,
): aws.rds.OptionGroup | undefined {
  const args = auditOptionGroupArgs(spec);
  if (!args) return undefined;
  const { opts, region } = placement(parent, target);
  return new aws.rds.OptionGroup(
    optionGroupResourceName(name, args.majorEngineVersion, target?.region),
    { ...args, tags, ...region },
    // Explicit: a replacement must create the new group before deleting the one in use.
    { ...opts, deleteBeforeReplace: false },
  );
}
