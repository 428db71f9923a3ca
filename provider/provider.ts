// The component provider: serves the schema and constructs the components for programs in other languages
// (C#, Python, Go, YAML). Their args arrive as plain wire values; the provider checks them against the
// schema (unknown enum values, missing and unknown fields, by property path), then constructs the same
// component class the TypeScript path uses, so the children and their inputs are the same.
import * as pulumi from "@pulumi/pulumi";
import type { ConstructResult, Provider } from "@pulumi/pulumi/provider";
import { checkInputs, type InputIssue } from "./check.js";
import { components, type ComponentModel } from "./model.js";
import { buildSchema, type PackageSchema } from "./schema.js";

export interface DbtkProviderOptions {
  /** @dbtk/components' dist/ folder, whose declarations the schema is read from. */
  componentsDist: string;
  /** The provider's version (its package.json). */
  version: string;
}

type ComponentClass = new (name: string, args: Record<string, unknown>, opts?: pulumi.ComponentResourceOptions) => pulumi.ComponentResource & Record<string, unknown>;

/** Each subpath's module, loaded on first use (each needs its cloud's SDK). */
const SUBPATHS: Record<ComponentModel["cloud"], () => Promise<Record<string, unknown>>> = {
  aws: () => import("@dbtk/components/aws"),
  gcp: () => import("@dbtk/components/gcp"),
  azure: () => import("@dbtk/components/azure"),
  access: () => import("@dbtk/components/access"),
};

/** The component class of `c`. */
async function componentClass(c: ComponentModel): Promise<ComponentClass> {
  const module = await SUBPATHS[c.cloud]();
  const found = module[c.className];
  if (typeof found !== "function") throw new Error(`@dbtk/components/${c.cloud} exports no ${c.className}`);
  return found as ComponentClass;
}

/** A top-level input the engine wrapped in an Output (it has dependencies) as its value; unknowns stay Outputs. */
async function plainValue(value: unknown): Promise<unknown> {
  if (!pulumi.Output.isInstance(value)) return value;
  const inner = value as unknown as { promise(withUnknowns?: boolean): Promise<unknown> };
  return inner.promise(true);
}

/** Values unknown at preview (the SDK's Unknown marker) become unknown Outputs, which the components pass on. */
function replaceUnknowns(value: unknown): unknown {
  if (pulumi.Output.isInstance(value)) return value;
  if (value !== null && typeof value === "object" && value.constructor?.name === "Unknown") return pulumi.output(value);
  if (Array.isArray(value)) return value.map(replaceUnknowns);
  if (value !== null && typeof value === "object") return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, replaceUnknowns(v)]));
  return value;
}

function refuse(issues: InputIssue[]): never {
  const message = `invalid arguments:\n${issues.map((i) => `  ${i.propertyPath}: ${i.reason}`).join("\n")}`;
  throw new pulumi.InputPropertiesError({ message, errors: issues });
}

interface SpecIssueLike {
  path: string;
  message: string;
}

/**
 * The component's own validation as property errors: SpecValidationError's spec paths sit under `input`;
 * AccessValidationError's problems read `<path>: <reason>`.
 */
function specIssues(e: unknown, inputNames: string[]): InputIssue[] | undefined {
  if (e instanceof Error && e.name === "AccessValidationError") {
    return ((e as Error & { problems?: string[] }).problems ?? []).map((p) => {
      const at = p.indexOf(": ");
      return at > 0 ? { propertyPath: p.slice(0, at), reason: p.slice(at + 2) } : { propertyPath: "(args)", reason: p };
    });
  }
  if (!(e instanceof Error) || e.name !== "SpecValidationError") return undefined;
  const issues = (e as Error & { issues?: SpecIssueLike[] }).issues ?? [];
  return issues.map((i) => ({
    propertyPath: inputNames.includes(i.path.split(/[.[]/)[0] ?? "") ? i.path : `input.${i.path}`,
    reason: i.message,
  }));
}

export class DbtkProvider implements Provider {
  readonly version: string;
  private readonly componentsDist: string;
  private cachedSchema?: PackageSchema;

  constructor(options: DbtkProviderOptions) {
    this.version = options.version;
    this.componentsDist = options.componentsDist;
  }

  /** The schema, built once from the declarations. */
  packageSchema(): PackageSchema {
    this.cachedSchema ??= buildSchema(this.componentsDist, this.version);
    return this.cachedSchema;
  }

  async getSchema(): Promise<string> {
    return JSON.stringify(this.packageSchema());
  }

  async construct(name: string, type: string, inputs: pulumi.Inputs, options: pulumi.ComponentResourceOptions): Promise<ConstructResult> {
    const model = components.find((c) => c.token === type);
    if (!model) throw new Error(`unknown resource type ${type}; this package has ${components.map((c) => c.token).join(", ")}`);
    const schema = this.packageSchema();
    const resource = schema.resources[type]!;
    const args: Record<string, unknown> = {};
    for (const [key, value] of Object.entries(inputs)) args[key] = replaceUnknowns(await plainValue(value));
    const issues = checkInputs(schema, resource, args);
    if (issues.length > 0) refuse(issues);
    const Component = await componentClass(model);
    let component: InstanceType<ComponentClass>;
    try {
      component = new Component(name, args, options);
    } catch (e) {
      const mapped = specIssues(e, Object.keys(resource.inputProperties));
      if (mapped && mapped.length > 0) refuse(mapped);
      throw e;
    }
    const state = Object.fromEntries(model.outputs.map((output) => [output, component[output]]));
    return { urn: component.urn, state: state as pulumi.Inputs };
  }
}
