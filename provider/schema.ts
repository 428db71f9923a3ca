// The Pulumi package schema of the components, derived from their TypeScript declarations (the one source
// of truth) and the few decisions in model.ts: enums for string-literal unions, object types for interfaces
// and for unions of object shapes (their fields merged, as the zod schema validates them), maps for Records,
// descriptions from the doc comments, secret outputs marked secret.
import ts from "typescript";
import { Declarations, stringLiterals, type Member } from "./declarations.js";
import { PACKAGE_NAME, SPEC_INPUT, components, fallbackDocs, fractional, inlineNames, omitted, requiredInputs, secrets } from "./model.js";

export interface SchemaProperty {
  type?: "string" | "integer" | "number" | "boolean" | "array" | "object";
  $ref?: string;
  items?: SchemaProperty;
  additionalProperties?: SchemaProperty;
  description?: string;
  secret?: boolean;
}

export interface EnumType {
  type: "string";
  description: string;
  enum: { name: string; value: string }[];
}

export interface ObjectType {
  type: "object";
  description: string;
  properties: Record<string, SchemaProperty>;
  required?: string[];
}

export interface ResourceSchema {
  isComponent: true;
  description: string;
  inputProperties: Record<string, SchemaProperty>;
  requiredInputs: string[];
  properties: Record<string, SchemaProperty>;
  required: string[];
}

export interface PackageSchema {
  name: string;
  version: string;
  displayName: string;
  description: string;
  license: string;
  keywords: string[];
  meta: { moduleFormat: string };
  language: Record<string, unknown>;
  types: Record<string, EnumType | ObjectType>;
  resources: Record<string, ResourceSchema>;
}

const ref = (name: string) => `#/types/${PACKAGE_NAME}:index:${name}`;
const pascal = (value: string) => value.split(/[^A-Za-z0-9]+/).filter(Boolean).map((w) => w[0]!.toUpperCase() + w.slice(1)).join("");
const isUndefined = (t: ts.TypeNode) => t.kind === ts.SyntaxKind.UndefinedKeyword;

class Builder {
  readonly types: Record<string, EnumType | ObjectType> = {};
  /** Whether each object type was built as a partial (spec input) or complete type. */
  private readonly partial = new Map<string, boolean>();
  /** fallbackDocs entries the declarations now document themselves. */
  readonly stale: string[] = [];

  constructor(private readonly decls: Declarations) {}

  enumType(name: string, values: string[], description: string): SchemaProperty {
    this.types[`${PACKAGE_NAME}:index:${name}`] ??= { type: "string", description, enum: values.map((value) => ({ name: pascal(value), value })) };
    return { $ref: ref(name) };
  }

  /** An object type from members; `partial` makes every field optional but `keep` (a spec input). */
  objectType(name: string, members: () => Member[], description: string, partial: boolean, keep: readonly string[] = []): SchemaProperty {
    const seen = this.partial.get(name);
    if (seen !== undefined && seen !== partial) throw new Error(`type ${name} is used both as a partial spec input and as a complete type`);
    if (seen === undefined) {
      this.partial.set(name, partial);
      const type: ObjectType = { type: "object", description: this.doc(name, description), properties: {} };
      this.types[`${PACKAGE_NAME}:index:${name}`] = type;
      const required: string[] = [];
      for (const m of members()) {
        type.properties[m.name] = this.property(name === SPEC_INPUT ? "DatabaseSpec" : name, m, partial);
        if (partial ? keep.includes(m.name) : !m.optional) required.push(m.name);
      }
      if (required.length > 0) type.required = required;
    }
    return { $ref: ref(name) };
  }

  /** The doc comment, else the fallback in model.ts; a fallback for a documented field is reported stale. */
  doc(key: string, declared: string): string {
    if (declared && fallbackDocs[key]) this.stale.push(key);
    return declared || fallbackDocs[key] || "";
  }

  property(owner: string, m: Member, partial: boolean): SchemaProperty {
    const doc = this.doc(`${owner}.${m.name}`, m.doc);
    const p = { ...this.resolve(owner, m.name, m.type, partial), ...(doc ? { description: doc } : {}) };
    if (secrets.has(`${owner}.${m.name}`) || secrets.has(`*.${m.name}`)) p.secret = true;
    return p;
  }

  resolve(owner: string, field: string, node: ts.TypeNode | undefined, partial: boolean): SchemaProperty {
    const where = `${owner}.${field}`;
    const fail = (): never => {
      throw new Error(`${where}: type ${node ? describe(node) : "(none)"} has no schema form; give it one in provider/schema.ts or list it in omitted (provider/model.ts) with the reason`);
    };
    if (!node) return fail();
    if (ts.isParenthesizedTypeNode(node)) return this.resolve(owner, field, node.type, partial);
    switch (node.kind) {
      case ts.SyntaxKind.StringKeyword:
        return { type: "string" };
      case ts.SyntaxKind.BooleanKeyword:
        return { type: "boolean" };
      case ts.SyntaxKind.NumberKeyword:
        return { type: fractional.has(where) ? "number" : "integer" };
    }
    if (ts.isLiteralTypeNode(node) && (node.literal.kind === ts.SyntaxKind.TrueKeyword || node.literal.kind === ts.SyntaxKind.FalseKeyword)) return { type: "boolean" };
    const literals = stringLiterals(node);
    if (literals) return this.enumType(inlineNames[where] ?? fail(), literals, `Values of ${where}.`);
    if (ts.isUnionTypeNode(node)) {
      const defined = node.types.filter((t) => !isUndefined(t));
      if (defined.length === 1) return this.resolve(owner, field, defined[0], partial);
      if (defined.every((t) => ts.isTypeLiteralNode(t))) return this.inline(where, node, partial);
      return fail();
    }
    if (ts.isArrayTypeNode(node)) return { type: "array", items: this.resolve(owner, field, node.elementType, partial) };
    if (ts.isTypeLiteralNode(node)) return this.inline(where, node, partial);
    if (!ts.isTypeReferenceNode(node)) return fail();
    const name = node.typeName.getText();
    const args = node.typeArguments ?? [];
    if (name === "ResourceRef") return { type: "string" };
    if (["pulumi.Input", "pulumi.Output", "Required", "Partial"].includes(name) && args.length === 1) return this.resolve(owner, field, args[0], partial);
    // A map; keys of a string-literal union (Record<AccessRole, …>) are plain string keys in the schema.
    if (name === "Record" && args[0] && (args[0].kind === ts.SyntaxKind.StringKeyword || this.isStringUnion(args[0]))) {
      return { type: "object", additionalProperties: this.resolve(owner, field, args[1], partial) };
    }
    if (name === "DatabaseSpecInput") return this.specInput();
    if (!this.decls.has(name)) return fail();
    const aliased = this.decls.aliased(name);
    const values = stringLiterals(aliased);
    if (values) return this.enumType(name, values, this.decls.doc(name));
    return this.objectType(name, () => this.decls.members(name), this.decls.doc(name), partial);
  }

  /** A reference to an alias of string literals (`AccessRole`). */
  private isStringUnion(node: ts.TypeNode): boolean {
    return ts.isTypeReferenceNode(node) && stringLiterals(this.decls.aliased(node.typeName.getText())) !== undefined;
  }

  private inline(where: string, node: ts.TypeNode, partial: boolean): SchemaProperty {
    const name = inlineNames[where];
    if (!name) throw new Error(`${where}: an anonymous object type needs a schema name in inlineNames (provider/model.ts)`);
    return this.objectType(name, () => this.decls.membersOfType(node), "", partial);
  }

  /** DeepPartial<DatabaseSpec> & Pick<DatabaseSpec, …>: every field optional but the picked ones. */
  private specInput(): SchemaProperty {
    const alias = this.decls.aliased(SPEC_INPUT);
    const pick = alias && ts.isIntersectionTypeNode(alias) ? alias.types.find((t) => ts.isTypeReferenceNode(t) && t.typeName.getText() === "Pick") : undefined;
    const keep = pick && ts.isTypeReferenceNode(pick) ? (stringLiterals(pick.typeArguments?.[1]) ?? []) : [];
    const description = `${this.decls.doc("DatabaseSpec")}\n\nEvery field is optional but ${keep.join(" and ")}: the rest comes from the environment's preset.`;
    return this.objectType(SPEC_INPUT, () => this.decls.members("DatabaseSpec"), description, true, keep);
  }
}

function describe(node: ts.TypeNode): string {
  return node.pos >= 0 && node.getSourceFile() ? node.getText() : ts.SyntaxKind[node.kind];
}

function resource(b: Builder, decls: Declarations, c: (typeof components)[number]): ResourceSchema {
  const inputProperties: Record<string, SchemaProperty> = {};
  const required: string[] = [];
  for (const m of decls.members(c.args)) {
    if (omitted[`${c.args}.${m.name}`] || omitted[`*.${m.name}`]) continue;
    inputProperties[m.name] = b.property(c.args, m, false);
    if (!m.optional || (requiredInputs as readonly string[]).includes(m.name)) required.push(m.name);
  }
  const declared = new Map(decls.members(c.outputsFrom).map((m) => [m.name, m]));
  const shared = new Map(decls.members("ManagedDatabase").map((m) => [m.name, m]));
  const properties: Record<string, SchemaProperty> = {};
  const requiredOutputs: string[] = [];
  for (const name of c.outputs) {
    const m = declared.get(name);
    if (!m) throw new Error(`${c.outputsFrom} declares no output "${name}" (provider/model.ts)`);
    const doc = m.doc || shared.get(name)?.doc || "";
    properties[name] = b.property(c.outputsFrom, { ...m, doc }, false);
    if (!mayBeUndefined(m.type)) requiredOutputs.push(name);
  }
  return { isComponent: true, description: b.doc(c.className, decls.doc(c.className)), inputProperties, requiredInputs: required, properties, required: requiredOutputs };
}

/** `T | undefined`, or `Output<T | undefined>`. */
function mayBeUndefined(node: ts.TypeNode | undefined): boolean {
  if (!node) return true;
  if (ts.isUnionTypeNode(node)) return node.types.some(isUndefined);
  if (ts.isTypeReferenceNode(node) && node.typeArguments?.length === 1) return mayBeUndefined(node.typeArguments[0]);
  return false;
}

/**
 * The package schema for the components whose declarations are in `distDir` (@dbtk/components' dist/).
 * `stale` receives the fallbackDocs keys the declarations now document (the test keeps it empty).
 */
export function buildSchema(distDir: string, version: string, stale?: string[]): PackageSchema {
  const decls = new Declarations(distDir);
  const b = new Builder(decls);
  const resources: Record<string, ResourceSchema> = {};
  for (const c of components) resources[c.token] = resource(b, decls, c);
  stale?.push(...new Set(b.stale));
  const types = Object.fromEntries(Object.entries(b.types).sort(([a], [z]) => a.localeCompare(z)));
  return {
    name: PACKAGE_NAME,
    version,
    displayName: "dbtk database components",
    description: "Managed databases done right on AWS RDS, Google Cloud SQL and Azure from one cloud-neutral spec: backups, point-in-time recovery, encryption, replicas, monitoring.",
    license: "Apache-2.0",
    keywords: ["pulumi", "database", "rds", "cloudsql", "azure", "kind/component"],
    meta: { moduleFormat: "(.*)" },
    language: {
      csharp: { rootNamespace: "Dbtk", packageReferences: { Pulumi: "3.*" }, respectSchemaVersion: true },
      go: { importBasePath: "github.com/dbtk/provisioning/sdk/go/provisioning", generateResourceContainerTypes: true, respectSchemaVersion: true },
      nodejs: { packageName: "@dbtk/provisioning", respectSchemaVersion: true },
      python: { packageName: "pulumi_provisioning", respectSchemaVersion: true, pyproject: { enabled: true } },
    },
    types,
    resources,
  };
}
