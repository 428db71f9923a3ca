// DB parameter group. Its family is part of both the resource name and the group's name prefix, so a
// major upgrade (postgres16 → postgres17) adds a new group, moves the instance to it and only then
// deletes the old one: the instance is never left without a group of its family.
import * as aws from "@pulumi/aws";
import type * as pulumi from "@pulumi/pulumi";
import type { DatabaseSpec } from "../spec/types.js";
import { placement, type RegionTarget } from "./keys.js";
import { dbParameters, parameterGroupFamily, parameterGroupNamePrefix } from "./mapping.js";
import { nameSafe } from "./network.js";

/** Pulumi resource name of the parameter group for a family (and region, for replicas elsewhere). */
export function parameterGroupResourceName(name: string, family: string, region?: string): string {
  return `${name}-params-${nameSafe(family)}${region ? `-${region}` : ""}`;
}

export function createParameterGroup(
  parent: pulumi.Resource,
  name: string,
  spec: DatabaseSpec,
  tags: Record<string, string>,
  target?: RegionTarget,
): aws.rds.ParameterGroup {
  const family = parameterGroupFamily(spec.engine, spec.engineVersion);
  const { opts, region } = placement(parent, target);
  return new aws.rds.ParameterGroup(
    parameterGroupResourceName(name, family, target?.region),
    {
      namePrefix: parameterGroupNamePrefix(spec.name, family),
      family,
      description: `${spec.name} ${spec.engine} parameters (managed by dbtk)`,
      parameters: dbParameters(spec),
      tags,
      ...region,
    },
    // Explicit: a replacement must create the new group before deleting the one in use.
    { ...opts, deleteBeforeReplace: false },
  );
}
