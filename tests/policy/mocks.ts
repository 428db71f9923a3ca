// Pulumi mocks shared by the policy and drill suites: every registration is recorded with the inputs the
// provider would receive (secrets kept wrapped, so tests can tell a secret password from a literal one),
// and the outputs a real provider computes are filled in so the components' wiring resolves.
import * as pulumi from "@pulumi/pulumi";
import { isSecretValue, plain } from "../components/support/harness.ts";

export interface Registered {
  type: string;
  name: string;
  /** Serialized inputs; secret values stay wrapped (see isSecretValue). */
  inputs: Record<string, unknown>;
  /** The state the mock returned: inputs plus what the provider computes (ids, names, endpoints). */
  state: Record<string, unknown>;
  custom: boolean;
}

// The secret-wrapper helpers are the component harness's: one reading of the SDK's wire format.
export { isSecretValue, plain, value, drainRegistrations as drain } from "../components/support/harness.ts";

/** Top-level input names whose values are secret on the wire (what CrossGuard's isSecret reports). */
export function secretPaths(inputs: Record<string, unknown>): Set<string> {
  return new Set(Object.entries(inputs).filter(([, v]) => isSecretValue(v)).map(([k]) => k));
}

export const registered: Registered[] = [];

const azureId = (provider: string, name: string) => `/subscriptions/0000/resourceGroups/rg/providers/${provider}/${name}`;

function computed(type: string, name: string, inputs: Record<string, unknown>): Record<string, unknown> {
  const str = (k: string) => (typeof inputs[k] === "string" ? (inputs[k] as string) : undefined);
  const generated = str("name") ?? `${name}-a1b2c3`;
  switch (type) {
    case "random:index/randomPassword:RandomPassword":
      return { result: `Mock-Pw-${name}-0123456789`, bcryptHash: "$2a$10$mock" };
    case "aws:rds/instance:Instance": {
      const identifier = str("identifier") ?? generated;
      const address = `${identifier}.c0abc.us-east-1.rds.amazonaws.com`;
      const port = typeof inputs["port"] === "number" ? inputs["port"] : 5432;
      return { identifier, address, port, endpoint: `${address}:${port}`, arn: `arn:aws:rds:us-east-1:123456789012:db:${identifier}`, resourceId: "db-ABC" };
    }
    case "aws:kms/key:Key":
      return { keyId: `key-${name}`, arn: `arn:aws:kms:us-east-1:123456789012:key/key-${name}` };
    case "gcp:sql/databaseInstance:DatabaseInstance":
      return { name: generated, connectionName: `p:r:${generated}`, privateIpAddress: "10.20.0.5", publicIpAddress: "34.1.2.3" };
    case "gcp:kms/keyRing:KeyRing":
      return { id: `projects/p/locations/${String(inputs["location"])}/keyRings/${generated}` };
    case "gcp:kms/cryptoKey:CryptoKey":
      return { id: `${String(inputs["keyRing"])}/cryptoKeys/${generated}` };
    case "gcp:secretmanager/secret:Secret":
      return { id: `projects/p/secrets/${String(inputs["secretId"])}` };
    case "gcp:projects/serviceIdentity:ServiceIdentity":
      return { email: "sa@gcp-sa-cloud-sql.iam.gserviceaccount.com", member: "serviceAccount:sa@gcp-sa-cloud-sql.iam.gserviceaccount.com" };
    case "azure:mssql/server:Server":
      return {
        id: azureId("Microsoft.Sql/servers", generated),
        name: generated,
        fullyQualifiedDomainName: `${generated}.database.windows.net`,
        identity: { type: "SystemAssigned", principalId: "1111", tenantId: "2222" },
      };
    case "azure:mssql/database:Database":
      return { id: `${String(inputs["serverId"])}/databases/${generated}`, name: generated };
    case "azure:postgresql/flexibleServer:FlexibleServer":
      return { id: azureId("Microsoft.DBforPostgreSQL/flexibleServers", generated), name: generated, fqdn: `${generated}.postgres.database.azure.com` };
    case "azure:mysql/flexibleServer:FlexibleServer":
      return { id: azureId("Microsoft.DBforMySQL/flexibleServers", generated), name: generated, fqdn: `${generated}.mysql.database.azure.com` };
    case "azure:authorization/userAssignedIdentity:UserAssignedIdentity":
      return { id: azureId("Microsoft.ManagedIdentity/userAssignedIdentities", generated), principalId: "3333", tenantId: "2222", clientId: "4444" };
    case "azure:keyvault/key:Key":
      return { id: `https://kv.vault.azure.net/keys/${generated}/01`, versionlessId: `https://kv.vault.azure.net/keys/${generated}`, resourceId: `${generated}-rid` };
    case "azure:keyvault/secret:Secret":
      return { id: `https://kv.vault.azure.net/secrets/${generated}/01`, versionlessId: `https://kv.vault.azure.net/secrets/${generated}` };
    default:
      return { name: generated, arn: `arn:aws:mock:us-east-1:123456789012:${generated}` };
  }
}

let installed = false;

/** Installs the mocks once per test file; import component modules only after this. */
export function installMocks(stack = "test"): void {
  if (installed) return;
  installed = true;
  void pulumi.runtime.setMocks(
    {
      newResource(args: pulumi.runtime.MockResourceArgs): { id: string; state: Record<string, unknown> } {
        const inputs = args.inputs as Record<string, unknown>;
        const state = { ...plain<Record<string, unknown>>(inputs), ...computed(args.type, args.name, plain(inputs)) };
        registered.push({ type: args.type, name: args.name, inputs, state, custom: args.custom ?? true });
        const id = typeof state["id"] === "string" ? state["id"] : `${args.name}-id`;
        return { id, state };
      },
      call(args: pulumi.runtime.MockCallArgs): Record<string, unknown> {
        return { accountId: "123456789012", partition: "aws", number: "123456789", projectId: "p", ...(args.inputs as Record<string, unknown>) };
      },
    },
    "dbtk",
    stack,
    false,
  );
}

export function ofType(type: string, from: Registered[] = registered): Registered[] {
  return from.filter((r) => r.type === type);
}

export function one(type: string, from: Registered[] = registered): Registered {
  const found = ofType(type, from);
  if (found.length !== 1) throw new Error(`expected one ${type}, found ${found.length}: ${found.map((r) => r.name).join(", ")}`);
  return found[0]!;
}

export function reset(): void {
  registered.length = 0;
}
