// Pulumi mock harness shared by the component, conformance, infra and example suites: records every
// registration with the inputs the provider would receive (secrets stay wrapped), computes the outputs the
// real providers would (ARNs, endpoints, ids; per region on AWS), and tracks a component's children with
// their resource options through a transformation.
import * as pulumi from "@pulumi/pulumi";

export const ACCOUNT = "123456789012";
export const DEFAULT_REGION = "us-east-1";
export const MOCK_PASSWORD_PREFIX = "Mock-Pw-7q!";

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
const providerRegions = new Map<string, string>();
const stacks = new Map<string, { outputs: Record<string, unknown>; secretOutputNames: string[] }>();

/** What a `new pulumi.StackReference(stack)` reads under the mocks: its outputs, some of them secret. */
export function setStackOutputs(stack: string, outputs: Record<string, unknown>, secretOutputNames: string[] = []): void {
  stacks.set(stack, { outputs, secretOutputNames });
}

/** AWS region a registration lands in: its `region` input, its provider's region, else the default. */
export function regionOf(r: Pick<Registered, "inputs" | "provider">): string {
  const own = plain<string | undefined>(r.inputs["region"]);
  if (own) return own;
  const id = r.provider?.split("::").pop();
  return (id && providerRegions.get(id)) || DEFAULT_REGION;
}

const subscription = "00000000-0000-0000-0000-000000000000";
const azureId = (provider: string, name: string) => `/subscriptions/${subscription}/resourceGroups/rg/providers/${provider}/${name}`;

function awsState(type: string, name: string, inputs: Record<string, unknown>, region: string, generated: string): Record<string, unknown> {
  const str = (k: string) => (typeof inputs[k] === "string" ? (inputs[k] as string) : undefined);
  switch (type) {
    case "aws:rds/instance:Instance": {
      const identifier = str("identifier") ?? generated;
      const address = `${identifier}.c0abcdefgh.${region}.rds.amazonaws.com`;
      const port = typeof inputs["port"] === "number" ? inputs["port"] : 5432;
      return {
        identifier,
        address,
        port,
        endpoint: `${address}:${port}`,
        arn: `arn:aws:rds:${region}:${ACCOUNT}:db:${identifier}`,
        resourceId: `db-${identifier.toUpperCase().replace(/[^A-Z0-9]/g, "")}`,
        ...(inputs["manageMasterUserPassword"]
          ? { masterUserSecrets: [{ secretArn: `arn:aws:secretsmanager:${region}:${ACCOUNT}:secret:rds!${identifier}-AbCd`, secretStatus: "active" }] }
          : {}),
      };
    }
    case "aws:kms/key:Key":
      return { keyId: `key-${name}`, arn: `arn:aws:kms:${region}:${ACCOUNT}:key/key-${name}` };
    case "aws:secretsmanager/secret:Secret":
      return { arn: `arn:aws:secretsmanager:${region}:${ACCOUNT}:secret:${generated}-AbCd` };
    case "aws:ec2/securityGroup:SecurityGroup":
      return { id: `sg-${name}`, arn: `arn:aws:ec2:${region}:${ACCOUNT}:security-group/sg-${name}` };
    case "aws:iam/role:Role":
      return { name: generated, arn: `arn:aws:iam::${ACCOUNT}:role/${generated}` };
    case "aws:rds/proxy:Proxy":
      return { name: generated, endpoint: `${generated}.proxy-c0abcdefgh.${region}.rds.amazonaws.com`, arn: `arn:aws:rds:${region}:${ACCOUNT}:db-proxy:prx-1` };
    case "aws:rds/proxyDefaultTargetGroup:ProxyDefaultTargetGroup":
      return { name: "default" };
    case "aws:backup/vault:Vault":
      return { name: generated, arn: `arn:aws:backup:${region}:${ACCOUNT}:backup-vault:${generated}` };
    case "aws:backup/plan:Plan":
      return { id: `plan-${name}`, arn: `arn:aws:backup:${region}:${ACCOUNT}:backup-plan:plan-${name}` };
    default:
      return { name: generated, arn: `arn:aws:mock:${region}:${ACCOUNT}:${type}/${generated}` };
  }
}

/** Outputs the real providers compute, so the components' wiring can be followed. */
function computedState(r: Registered): Record<string, unknown> {
  const { type, name } = r;
  const inputs = plain<Record<string, unknown>>(r.inputs);
  const str = (k: string) => (typeof inputs[k] === "string" ? (inputs[k] as string) : undefined);
  const generated = str("name") ?? (str("namePrefix") ? `${str("namePrefix")}20260101` : `${name}-a1b2c3`);
  if (type.startsWith("aws:")) return awsState(type, name, inputs, regionOf(r), generated);
  switch (type) {
    case "pulumi:pulumi:StackReference":
      return stacks.get(String(inputs["name"])) ?? { outputs: {}, secretOutputNames: [] };
    case "random:index/randomPassword:RandomPassword":
      return { result: `${MOCK_PASSWORD_PREFIX}${name}`, bcryptHash: "$2a$10$mock" };
    case "random:index/randomString:RandomString":
      return { result: "k3x9m2qa" };
    case "gcp:sql/databaseInstance:DatabaseInstance": {
      const project = str("project") ?? "mock-project";
      return {
        name: generated,
        project,
        connectionName: `${project}:${String(inputs["region"])}:${generated}`,
        // Replicas get addresses of their own.
        privateIpAddress: inputs["masterInstanceName"] ? "10.20.0.6" : "10.20.0.5",
        publicIpAddress: inputs["masterInstanceName"] ? "34.1.2.4" : "34.1.2.3",
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
    default:
      return {};
  }
}

/** Results of data sources the components read (KMS's DescribeKey answers an alias with the key's ARN). */
function computedCall(args: pulumi.runtime.MockCallArgs): Record<string, unknown> {
  if (args.token === "aws:kms/getKey:getKey") {
    const region = regionOf({ inputs: args.inputs as Record<string, unknown>, ...(args.provider ? { provider: args.provider } : {}) });
    const id = `mrk-${String(args.inputs["keyId"]).replace(/[^a-z0-9]+/gi, "-")}`;
    return { id, arn: `arn:aws:kms:${region}:${ACCOUNT}:key/${id}` };
  }
  if (args.token === "aws:index/getCallerIdentity:getCallerIdentity") return { accountId: ACCOUNT, arn: `arn:aws:iam::${ACCOUNT}:user/mock`, userId: "AIDAMOCK" };
  if (args.token === "aws:index/getPartition:getPartition") return { partition: "aws", dnsSuffix: "amazonaws.com" };
  if (args.token === "aws:index/getRegion:getRegion") return { name: DEFAULT_REGION, region: DEFAULT_REGION };
  return {};
}

let installed = false;

/** Install the mocks once per test file, before importing modules that create resources. */
export function installMocks(project = "dbtk", stack = "test"): void {
  if (installed) return;
  installed = true;
  void pulumi.runtime.setMocks(
    {
      newResource(args: pulumi.runtime.MockResourceArgs): { id: string; state: Record<string, unknown> } {
        const r: Registered = {
          type: args.type,
          name: args.name,
          inputs: args.inputs as Record<string, unknown>,
          ...(args.provider ? { provider: args.provider } : {}),
          custom: args.custom ?? true,
        };
        registered.push(r);
        // Raw inputs keep their secret wrappers, so outputs echoing a secret input stay secret, as in a real run.
        const state = { ...args.inputs, ...computedState(r) };
        const id = typeof state["id"] === "string" ? state["id"] : `${args.name}-id`;
        if (args.type === "pulumi:providers:aws") providerRegions.set(id, plain<string>(args.inputs["region"]) ?? DEFAULT_REGION);
        return { id, state };
      },
      call(args: pulumi.runtime.MockCallArgs): Record<string, unknown> {
        return { ...(args.inputs as Record<string, unknown>), ...computedCall(args) };
      },
    },
    project,
    stack,
    false,
  );
}

export interface Tracked {
  type: string;
  name: string;
  resource: pulumi.Resource;
  opts: pulumi.ResourceOptions;
  parent?: pulumi.Resource;
}

/** Collects every resource a component creates (itself included) with its resource options and parent. */
export class Tracker {
  readonly resources: Tracked[] = [];
  readonly transformation: pulumi.ResourceTransformation = (args) => {
    this.resources.push({ type: args.type, name: args.name, resource: args.resource, opts: args.opts, ...(args.opts.parent ? { parent: args.opts.parent } : {}) });
    return undefined;
  };
  find(name: string): Tracked {
    const found = this.resources.find((r) => r.name === name);
    if (!found) throw new Error(`no resource named ${name}; have ${this.resources.map((r) => r.name).join(", ")}`);
    return found;
  }
  /** Resource options of the first resource of `type` (ignoreChanges, protect, dependsOn…). */
  optionsOf(type: string): pulumi.ResourceOptions {
    const found = this.resources.find((r) => r.type === type);
    if (!found) throw new Error(`no ${type} tracked`);
    return found.opts;
  }
  /** Resolves once every tracked resource is registered (children created in applies included). */
  async settle(): Promise<void> {
    let seen = -1;
    while (seen !== this.resources.length) {
      seen = this.resources.length;
      await Promise.all(this.resources.map((r) => value(r.resource.urn)));
      await new Promise((resolve) => setTimeout(resolve, 0));
    }
  }
}

/**
 * Waits until the SDK has no registration in flight, for programs whose resources a test cannot reach (a
 * stack's entry point). Uses the SDK's own drain, the one it runs before a program exits.
 */
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

export function named(name: string, from: Registered[] = registered): Registered {
  const found = from.find((r) => r.name === name);
  if (!found) throw new Error(`no registration named ${name}; have ${from.map((r) => r.name).join(", ")}`);
  return found;
}

/** The registration of `type` named `name` (names repeat across types). */
export function typed(type: string, name: string, from: Registered[] = registered): Registered {
  const found = from.find((r) => r.type === type && r.name === name);
  if (!found) throw new Error(`no ${type} named ${name}`);
  return found;
}

/** Clear the records between tests. */
export function reset(): void {
  registered.length = 0;
}

/** AWS resource type tokens the suites look for. */
export const T = {
  component: "provisioning:aws:RdsDatabase",
  instance: "aws:rds/instance:Instance",
  parameterGroup: "aws:rds/parameterGroup:ParameterGroup",
  subnetGroup: "aws:rds/subnetGroup:SubnetGroup",
  securityGroup: "aws:ec2/securityGroup:SecurityGroup",
  ingress: "aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule",
  egress: "aws:vpc/securityGroupEgressRule:SecurityGroupEgressRule",
  key: "aws:kms/key:Key",
  alias: "aws:kms/alias:Alias",
  password: "random:index/randomPassword:RandomPassword",
  secret: "aws:secretsmanager/secret:Secret",
  secretVersion: "aws:secretsmanager/secretVersion:SecretVersion",
  role: "aws:iam/role:Role",
  rolePolicy: "aws:iam/rolePolicy:RolePolicy",
  userPolicy: "aws:iam/userPolicy:UserPolicy",
  attachment: "aws:iam/rolePolicyAttachment:RolePolicyAttachment",
  alarm: "aws:cloudwatch/metricAlarm:MetricAlarm",
  proxy: "aws:rds/proxy:Proxy",
  targetGroup: "aws:rds/proxyDefaultTargetGroup:ProxyDefaultTargetGroup",
  proxyTarget: "aws:rds/proxyTarget:ProxyTarget",
  backupReplication: "aws:rds/instanceAutomatedBackupsReplication:InstanceAutomatedBackupsReplication",
  backupVault: "aws:backup/vault:Vault",
  backupPlan: "aws:backup/plan:Plan",
  backupSelection: "aws:backup/selection:Selection",
  provider: "pulumi:providers:aws",
} as const;
