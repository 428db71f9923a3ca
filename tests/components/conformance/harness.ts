// Pulumi mock harness shared by the GCP, Azure and conformance suites: records every registered resource
// with the inputs the provider would receive, tracks parents, and reads outputs and secretness.
import * as pulumi from "@pulumi/pulumi";

/** One resource registration as the engine (here: the mock monitor) receives it. */
export interface Registered {
  type: string;
  name: string;
  /** Inputs after serialization; secret values stay wrapped (see isSecretValue). */
  inputs: Record<string, unknown>;
  /** Provider reference `urn::id`, when a provider applies. */
  provider?: string;
  custom: boolean;
}

// The SDK's wire markers for secret values (@pulumi/pulumi runtime/rpc: specialSigKey / specialSecretSig).
const SIG_KEY = "4dabf18193072939515e22adb298388d";
const SECRET_SIG = "1b47061264138c4ac30d75fd1eb44270";

export function isSecretValue(value: unknown): boolean {
  return typeof value === "object" && value !== null && (value as Record<string, unknown>)[SIG_KEY] === SECRET_SIG;
}

/** The value with every secret wrapper removed (for comparing inputs). */
export function plain<T = unknown>(value: unknown): T {
  if (isSecretValue(value)) return plain((value as { value: unknown }).value);
  if (Array.isArray(value)) return value.map((v) => plain(v)) as T;
  if (typeof value === "object" && value !== null) {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, plain(v)])) as T;
  }
  return value as T;
}

export const registered: Registered[] = [];

const subscription = "00000000-0000-0000-0000-000000000000";
const azureId = (provider: string, name: string) =>
  `/subscriptions/${subscription}/resourceGroups/rg/providers/${provider}/${name}`;

/** Outputs the real providers compute, so the components' wiring can be followed. */
function computedState(type: string, name: string, inputs: Record<string, unknown>): Record<string, unknown> {
  const generated = typeof inputs["name"] === "string" ? (inputs["name"] as string) : `${name}-a1b2c3`;
  switch (type) {
    case "random:index/randomPassword:RandomPassword":
      return { result: "Mock-Passw0rd-_.~xyzXYZ0123456789", bcryptHash: "$2a$10$mock" };
    case "gcp:sql/databaseInstance:DatabaseInstance": {
      const project = (inputs["project"] as string | undefined) ?? "mock-project";
      return {
        name: generated,
        project,
        connectionName: `${project}:${String(inputs["region"])}:${generated}`,
        privateIpAddress: "10.20.0.5",
        publicIpAddress: "34.1.2.3",
      };
    }
    case "gcp:projects/serviceIdentity:ServiceIdentity":
      return {
        email: "service-123456789@gcp-sa-cloud-sql.iam.gserviceaccount.com",
        member: "serviceAccount:service-123456789@gcp-sa-cloud-sql.iam.gserviceaccount.com",
      };
    case "gcp:kms/keyRing:KeyRing":
      return { id: `projects/mock-project/locations/${String(inputs["location"])}/keyRings/${generated}` };
    case "gcp:kms/cryptoKey:CryptoKey":
      return { id: `${String(inputs["keyRing"])}/cryptoKeys/${generated}` };
    case "gcp:secretmanager/secret:Secret":
      return { id: `projects/mock-project/secrets/${String(inputs["secretId"])}` };
    case "gcp:sql/user:User":
      return { name: generated };
    case "azure:mssql/server:Server":
      return {
        id: azureId("Microsoft.Sql/servers", generated),
        name: generated,
        fullyQualifiedDomainName: `${generated}.database.windows.net`,
        identity: { type: "SystemAssigned", principalId: "11111111-1111-1111-1111-111111111111", tenantId: "22222222-2222-2222-2222-222222222222" },
      };
    case "azure:mssql/database:Database":
      return { id: `${String(inputs["serverId"])}/databases/${generated}`, name: generated };
    case "azure:postgresql/flexibleServer:FlexibleServer":
      return { id: azureId("Microsoft.DBforPostgreSQL/flexibleServers", generated), name: generated, fqdn: `${generated}.postgres.database.azure.com` };
    case "azure:mysql/flexibleServer:FlexibleServer":
      return { id: azureId("Microsoft.DBforMySQL/flexibleServers", generated), name: generated, fqdn: `${generated}.mysql.database.azure.com` };
    case "azure:authorization/userAssignedIdentity:UserAssignedIdentity":
      return {
        id: azureId("Microsoft.ManagedIdentity/userAssignedIdentities", generated),
        principalId: "33333333-3333-3333-3333-333333333333",
        tenantId: "22222222-2222-2222-2222-222222222222",
        clientId: "44444444-4444-4444-4444-444444444444",
      };
    case "azure:keyvault/key:Key":
      return { id: `https://vault.vault.azure.net/keys/${generated}/0123456789abcdef`, versionlessId: `https://vault.vault.azure.net/keys/${generated}`, resourceId: `${generated}-rid` };
    case "azure:keyvault/secret:Secret":
      return { id: `https://vault.vault.azure.net/secrets/${generated}/0123`, versionlessId: `https://vault.vault.azure.net/secrets/${generated}` };
    // AWS outputs the RDS component reads back (the AWS suite's harness computes more of them).
    case "aws:rds/instance:Instance": {
      const identifier = typeof inputs["identifier"] === "string" ? (inputs["identifier"] as string) : generated;
      const port = typeof inputs["port"] === "number" ? inputs["port"] : 5432;
      const address = `${identifier}.c0abcdefgh.us-east-1.rds.amazonaws.com`;
      return { identifier, address, port, endpoint: `${address}:${port}`, arn: `arn:aws:rds:us-east-1:123456789012:db:${identifier}` };
    }
    case "aws:kms/key:Key":
      return { keyId: `key-${name}`, arn: `arn:aws:kms:us-east-1:123456789012:key/key-${name}` };
    default:
      return type.startsWith("aws:") ? { name: generated, arn: `arn:aws:mock:us-east-1:123456789012:${generated}` } : {};
  }
}

let installed = false;

/** Install the mocks once per test file; call before constructing components. */
export function installMocks(stack = "test"): void {
  if (installed) return;
  installed = true;
  void pulumi.runtime.setMocks(
    {
      newResource(args: pulumi.runtime.MockResourceArgs): { id: string; state: Record<string, unknown> } {
        registered.push({
          type: args.type,
          name: args.name,
          inputs: args.inputs as Record<string, unknown>,
          ...(args.provider ? { provider: args.provider } : {}),
          custom: args.custom ?? true,
        });
        const state = { ...args.inputs, ...computedState(args.type, args.name, args.inputs) };
        const id = typeof state["id"] === "string" ? state["id"] : `${args.name}-id`;
        return { id, state };
      },
      call(args: pulumi.runtime.MockCallArgs): Record<string, unknown> {
        return args.inputs;
      },
    },
    "dbtk",
    stack,
    false,
  );
}

/** Collects every resource a component creates (itself included) and its parent. */
export class Tracker {
  readonly resources: { type: string; name: string; resource: pulumi.Resource; opts: pulumi.ResourceOptions; parent?: pulumi.Resource }[] = [];
  readonly transformation: pulumi.ResourceTransformation = (args) => {
    this.resources.push({ type: args.type, name: args.name, resource: args.resource, opts: args.opts, ...(args.opts.parent ? { parent: args.opts.parent } : {}) });
    return undefined;
  };
  /** Resource options of the first resource of `type` (ignoreChanges, protect, dependsOn…). */
  optionsOf(type: string): pulumi.ResourceOptions {
    const found = this.resources.find((r) => r.type === type);
    if (!found) throw new Error(`no ${type} tracked`);
    return found.opts;
  }
  /** Resolves once every tracked resource is registered. */
  async settle(): Promise<void> {
    let seen = -1;
    // Children can be created from apply callbacks; loop until no new resource shows up.
    while (seen !== this.resources.length) {
      seen = this.resources.length;
      await Promise.all(this.resources.map((r) => value(r.resource.urn)));
      await new Promise((resolve) => setTimeout(resolve, 0));
    }
  }
}

/** Waits until the SDK has no registration in flight (for programs whose resources a test cannot reach). */
export async function drainRegistrations(): Promise<void> {
  const runtime = pulumi.runtime as unknown as { waitForRPCs?: () => Promise<void> };
  if (!runtime.waitForRPCs) throw new Error("@pulumi/pulumi no longer exposes runtime.waitForRPCs");
  await runtime.waitForRPCs();
}

/** The resolved value of an output. */
export function value<T>(output: pulumi.Input<T>): Promise<T> {
  return new Promise((resolve) => pulumi.output(output).apply((v) => resolve(v as T)));
}

export function isSecretOutput(output: pulumi.Output<unknown>): Promise<boolean> {
  return pulumi.isSecret(output);
}

/** Registrations of one resource type. */
export function ofType(type: string, from: Registered[] = registered): Registered[] {
  return from.filter((r) => r.type === type);
}

/** The single registration of a type; throws when there are none or several. */
export function one(type: string, from: Registered[] = registered): Registered {
  const found = ofType(type, from);
  if (found.length !== 1) throw new Error(`expected one ${type}, found ${found.length}: ${found.map((r) => r.name).join(", ")}`);
  return found[0]!;
}

/** Clear the records between tests. */
export function reset(): void {
  registered.length = 0;
}
