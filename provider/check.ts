// Checks args from another language against the schema before anything is constructed: a missing required
// field, an unknown field, a value outside an enum or of the wrong type is reported by property path
// (`input.engine`), with the values allowed. Values still unknown (Outputs) pass; the component and the
// cloud provider check them when they are known.
import * as pulumi from "@pulumi/pulumi";
import type { EnumType, ObjectType, PackageSchema, ResourceSchema, SchemaProperty } from "./schema.js";

export interface InputIssue {
  propertyPath: string;
  reason: string;
}

const show = (v: unknown) => JSON.stringify(v) ?? String(v);

class Checker {
  readonly issues: InputIssue[] = [];
  constructor(private readonly schema: PackageSchema) {}

  object(path: string, properties: Record<string, SchemaProperty>, required: readonly string[], value: unknown, what: string): void {
    if (value === null || typeof value !== "object" || Array.isArray(value)) {
      this.issues.push({ propertyPath: path || "(args)", reason: `${show(value)} is not an object (${what})` });
      return;
    }
    const record = value as Record<string, unknown>;
    const at = (key: string) => (path ? `${path}.${key}` : key);
    for (const key of required) {
      if (record[key] === undefined || record[key] === null) this.issues.push({ propertyPath: at(key), reason: `is missing; ${what} requires it` });
    }
    const known = Object.keys(properties);
    for (const [key, v] of Object.entries(record)) {
      const property = properties[key];
      if (!property) {
        this.issues.push({ propertyPath: at(key), reason: `is not a field of ${what}; use one of ${known.join(", ")}` });
        continue;
      }
      if (v !== undefined && v !== null) this.value(at(key), property, v);
    }
  }

  value(path: string, property: SchemaProperty, value: unknown): void {
    if (pulumi.Output.isInstance(value)) return;
    if (property.$ref) {
      const name = property.$ref.replace("#/types/", "");
      const type = this.schema.types[name];
      if (!type) return;
      if ("enum" in type) this.enumValue(path, type, name, value);
      else this.object(path, (type as ObjectType).properties, (type as ObjectType).required ?? [], value, name.split(":").pop() ?? name);
      return;
    }
    const bad = (expected: string) => this.issues.push({ propertyPath: path, reason: `${show(value)} is not ${expected}` });
    switch (property.type) {
      case "string":
        if (typeof value !== "string") bad("a string");
        return;
      case "boolean":
        if (typeof value !== "boolean") bad("a boolean");
        return;
      case "integer":
        if (!Number.isInteger(value)) bad("an integer");
        return;
      case "number":
        if (typeof value !== "number") bad("a number");
        return;
      case "array":
        if (!Array.isArray(value)) return void bad("a list");
        value.forEach((item, i) => this.value(`${path}[${i}]`, property.items ?? {}, item));
        return;
      case "object":
        if (value === null || typeof value !== "object" || Array.isArray(value)) return void bad("a map");
        for (const [k, v] of Object.entries(value)) this.value(`${path}.${k}`, property.additionalProperties ?? {}, v);
        return;
    }
  }

  private enumValue(path: string, type: EnumType, name: string, value: unknown): void {
    const allowed = type.enum.map((e) => e.value);
    if (typeof value === "string" && allowed.includes(value)) return;
    this.issues.push({ propertyPath: path, reason: `${show(value)} is not a valid ${name.split(":").pop()}; use one of ${allowed.map(show).join(", ")}` });
  }
}

/** Problems with a component's args; empty when they match the schema. */
export function checkInputs(schema: PackageSchema, resource: ResourceSchema, args: Record<string, unknown>): InputIssue[] {
  const checker = new Checker(schema);
  checker.object("", resource.inputProperties, resource.requiredInputs, args, "the component's args");
  return checker.issues;
}
