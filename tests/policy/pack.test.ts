// The pack as the Pulumi engine runs it: the policy host `require`s policy/ (main.cjs → tsx → index.ts),
// the pack serves the Analyzer gRPC service, and the engine configures it and asks it to analyze a stack.
// Here this test plays the engine, over the same protocol (@pulumi/pulumi's analyzer protos).
import { type ChildProcess, spawn } from "node:child_process";
import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

const repo = path.resolve(import.meta.dirname, "../..");
const packDir = path.join(repo, "policy");
// The protocol modules ship with @pulumi/pulumi; load them (and its gRPC) from there.
const fromSdk = createRequire(createRequire(import.meta.url).resolve("@pulumi/pulumi"));
// The generated protobuf modules are untyped here.
const grpc = fromSdk("@grpc/grpc-js") as any;
const services = fromSdk("./proto/analyzer_grpc_pb.js") as any;
const messages = fromSdk("./proto/analyzer_pb.js") as any;
const { Struct } = fromSdk("google-protobuf/google/protobuf/struct_pb.js") as any;
const { Empty } = fromSdk("google-protobuf/google/protobuf/empty_pb.js") as any;

let host: ChildProcess;
let client: any;
let hostErr = "";

/** Promise wrapper of a unary gRPC call. */
function call<T>(method: string, req: unknown): Promise<T> {
  return new Promise((resolve, reject) => client[method](req, (err: Error | null, res: T) => (err ? reject(err) : resolve(res))));
}

beforeAll(async () => {
  // What run-policy-pack does: require the pack directory, call the exported function, await it.
  const script = "const f = require(process.cwd()); Promise.resolve(typeof f === 'function' ? f() : f).catch((e) => { console.error(e); process.exit(1); });";
  host = spawn(process.execPath, ["-e", script], { cwd: packDir, stdio: ["ignore", "pipe", "pipe"] });
  host.stderr!.on("data", (d: Buffer) => (hostErr += d.toString()));
  const port = await new Promise<number>((resolve, reject) => {
    host.stdout!.once("data", (d: Buffer) => resolve(Number(d.toString().trim())));
    host.once("exit", (code) => reject(new Error(`policy pack exited (${code}) before serving:\n${hostErr}`)));
  });
  client = new services.AnalyzerClient(`127.0.0.1:${port}`, grpc.credentials.createInsecure());
}, 120_000);

afterAll(() => {
  client?.close();
  host?.kill();
});

function resource(type: string, name: string, props: Record<string, unknown>, deps: Record<string, string[]> = {}): unknown {
  const r = new messages.AnalyzerResource();
  r.setType(type);
  r.setName(name);
  r.setUrn(`urn:pulumi:prod::shop::${type}::${name}`);
  r.setProperties(Struct.fromJavaScript(props));
  r.setOptions(new messages.AnalyzerResourceOptions());
  const map = r.getPropertydependenciesMap();
  for (const [k, urns] of Object.entries(deps)) {
    const d = new messages.AnalyzerPropertyDependencies();
    d.setUrnsList(urns);
    map.set(k, d);
  }
  return r;
}

interface Diagnostic {
  policy: string;
  level: string;
  urn: string;
  message: string;
}

async function analyzeStack(resources: unknown[]): Promise<Diagnostic[]> {
  const req = new messages.AnalyzeStackRequest();
  req.setResourcesList(resources);
  const res = await call<any>("analyzeStack", req);
  const levels = Object.fromEntries(Object.entries(messages.EnforcementLevel as Record<string, number>).map(([k, v]) => [v, k.toLowerCase()]));
  return res.getDiagnosticsList().map((d: any) => ({ policy: d.getPolicyname(), level: levels[d.getEnforcementlevel()], urn: d.getUrn(), message: d.getMessage() }));
}

const instance = (props: Record<string, unknown>) => ({
  identifier: "orders", engine: "postgres", engineVersion: "17", storageEncrypted: true, kmsKeyId: "arn:aws:kms:us-east-1:1:key/k",
  backupRetentionPeriod: 14, publiclyAccessible: false, deletionProtection: true, skipFinalSnapshot: false, finalSnapshotIdentifier: "orders-final",
  enabledCloudwatchLogsExports: ["postgresql"], parameterGroupName: "orders-pg", password: "generated",
  engineLifecycleSupport: "open-source-rds-extended-support-disabled", ...props,
});
// The exported log's group, kept a year (db-log-retention).
const logGroup = () => resource("aws:cloudwatch/logGroup:LogGroup", "orders-log", { name: "/aws/rds/instance/orders/postgresql", retentionInDays: 365 });
const group = {
  name: "orders-pg",
  family: "postgres17",
  parameters: [{ name: "rds.force_ssl", value: "1" }, { name: "log_min_duration_statement", value: "200" }, { name: "log_connections", value: "1" }, { name: "log_disconnections", value: "1" },
    { name: "shared_preload_libraries", value: "pg_stat_statements,pgaudit" }, { name: "pgaudit.log", value: "ddl,role" }],
};
const alarm = { dimensions: { DBInstanceIdentifier: "orders" } };
const pw = "urn:pulumi:prod::shop::random:index/randomPassword:RandomPassword::pw";
// The engine only passes dependencies on resources of the stack: the generator must be in it.
const generator = () => resource("random:index/randomPassword:RandomPassword", "pw", { length: 32, result: "generated" });

describe("db-guardrails served to the engine", () => {
  it("describes its twenty policies, their default levels and config schema", async () => {
    const info = await call<any>("getAnalyzerInfo", new Empty());
    expect(info.getName()).toBe("db-guardrails");
    // The pack reports its package.json version.
    expect(info.getVersion()).toBe(JSON.parse(readFileSync(path.join(packDir, "package.json"), "utf8")).version);
    const policies = info.getPoliciesList();
    expect(policies.map((p: any) => p.getName())).toEqual([
      "db-storage-encrypted", "db-tls-required", "db-backup-retention", "db-pitr-enabled", "db-no-public-endpoint",
      "db-deletion-protection", "db-replicas-encrypted", "db-no-plaintext-password", "db-slow-query-logging", "db-monitoring-wired",
      "db-key-arn", "db-connections-logged", "db-sql-defender", "db-log-retention", "db-no-extended-support",
      "db-pgaudit", "db-password-policy", "db-sql-auditing", "db-sql-entra-only", "db-mysql-audit",
    ]);
    const retention = policies.find((p: any) => p.getName() === "db-backup-retention");
    expect(retention.getEnforcementlevel()).toBe(messages.EnforcementLevel.MANDATORY);
    expect(retention.getConfigschema().getProperties().toJavaScript().minRetentionDays).toMatchObject({ type: "integer", default: 7 });
    const slow = policies.find((p: any) => p.getName() === "db-slow-query-logging");
    expect(slow.getEnforcementlevel()).toBe(messages.EnforcementLevel.ADVISORY);
  });

  it("a compliant stack has no diagnostics; violations name the policy, the resource and the fix", async () => {
    const good = [
      resource("aws:rds/instance:Instance", "orders", instance({}), { password: [pw] }),
      resource("aws:rds/parameterGroup:ParameterGroup", "orders-pg", group),
      resource("aws:cloudwatch/metricAlarm:MetricAlarm", "cpu", alarm),
      logGroup(),
      generator(),
    ];
    expect(await analyzeStack(good), hostErr).toEqual([]);

    const bad = [
      resource("aws:rds/instance:Instance", "orders", instance({ publiclyAccessible: true, password: "hunter2hunter2" })),
      resource("aws:rds/parameterGroup:ParameterGroup", "orders-pg", group),
    ];
    const urn = "urn:pulumi:prod::shop::aws:rds/instance:Instance::orders";
    expect(await analyzeStack(bad)).toEqual([
      { policy: "db-no-public-endpoint", level: "mandatory", urn, message: expect.stringContaining("orders: publiclyAccessible is true; set it to false") },
      { policy: "db-no-plaintext-password", level: "mandatory", urn, message: expect.stringContaining("password is a literal value") },
      { policy: "db-monitoring-wired", level: "advisory", urn, message: expect.stringContaining("no alarm or diagnostic setting") },
      { policy: "db-log-retention", level: "advisory", urn, message: expect.stringContaining("no log group with a retention") },
    ]);
  });

  it("takes levels and thresholds from the pack config and the environment from stack tags", async () => {
    const configure = new messages.ConfigureAnalyzerRequest();
    const map = configure.getPolicyconfigMap();
    const entry = (level: number, props: Record<string, unknown>) => {
      const c = new messages.PolicyConfig();
      c.setEnforcementlevel(level);
      c.setProperties(Struct.fromJavaScript(props));
      return c;
    };
    map.set("db-monitoring-wired", entry(messages.EnforcementLevel.MANDATORY, {}));
    map.set("db-backup-retention", entry(messages.EnforcementLevel.MANDATORY, { minRetentionDays: 30 }));
    await call("configure", configure);

    const stack = new messages.AnalyzerStackConfigureRequest();
    stack.setStack("dev");
    stack.getTagsMap().set("environment", "staging");
    await call("configureStack", stack);

    // Staging (from the stack tag): retention 14 < 30 now fails; deletion protection (prod only) does not apply.
    const diags = await analyzeStack([
      resource("aws:rds/instance:Instance", "orders", instance({ deletionProtection: false }), { password: [pw] }),
      resource("aws:rds/parameterGroup:ParameterGroup", "orders-pg", group),
      logGroup(),
      generator(),
    ]);
    expect(diags.map((d) => `${d.policy}=${d.level}: ${d.message.replace(/^.*?orders: /s, "")}`)).toEqual([
      expect.stringMatching(/^db-backup-retention=mandatory: backups are kept 14 day\(s\); staging needs at least 30/),
      expect.stringMatching(/^db-monitoring-wired=mandatory: no alarm/),
    ]);
  });
});
