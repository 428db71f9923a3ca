// Cost of the AwsRdsDatabase component layer under Pulumi mocks: 100 prod-preset databases through the
// component vs the same provider resources, with the same arguments, created directly (no component, no
// validation). Prints both times and the ratio; goal ≤ 1.3. Run: npx tsx bench/components-mocks.ts
import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import * as random from "@pulumi/random";

let registrations = 0;
await pulumi.runtime.setMocks(
  {
    newResource(args) {
      registrations++;
      const name = typeof args.inputs.identifier === "string" ? args.inputs.identifier : args.name;
      const state = {
        ...args.inputs,
        name: args.inputs.name ?? `${args.name}-x`,
        arn: `arn:aws:rds:us-east-1:123456789012:db:${name}`,
        address: `${name}.example.us-east-1.rds.amazonaws.com`,
        endpoint: `${name}.example.us-east-1.rds.amazonaws.com:5432`,
        identifier: name,
        resourceId: `db-${name}`,
        result: "Bench-Password-0123456789",
        keyId: `key-${args.name}`,
      };
      return { id: `${args.name}-id`, state };
    },
    call: (args) => args.inputs,
  },
  "bench",
  "bench",
  false,
);

const { AwsRdsDatabase } = await import("../components/aws/index.ts");
const { resolveSpec } = await import("../components/spec/index.ts");
const m = await import("../components/aws/mapping.ts");
const { primaryInstanceArgs, replicaInstanceArgs } = await import("../components/aws/instance-args.ts");
const { alarmDefinitions } = await import("../components/aws/mapping-alarms.ts");
const { assumeRolePolicy, MONITORING_SERVICE } = await import("../components/aws/mapping-iam.ts");

const COUNT = 100;
const ROUNDS = 3;
const network = { vpcId: "vpc-0123456789abcdef0", subnetIds: ["subnet-0a1b2c3d4e5f60718", "subnet-0f1e2d3c4b5a69788"], allowedCidrs: ["10.0.0.0/16"] };
const drain = () => (pulumi.runtime as unknown as { waitForRPCs(): Promise<void> }).waitForRPCs();

function viaComponent(round: string, count = COUNT): void {
  for (let i = 0; i < count; i++) {
    const name = `c${round}-${i}`;
    new AwsRdsDatabase(name, { environment: "prod", region: "us-east-1", input: { name, engine: "postgres", network } });
  }
}

// The component's resources and arguments for the prod preset, written out without the component.
function direct(round: string, count = COUNT): void {
  for (let i = 0; i < count; i++) {
    const name = `d${round}-${i}`;
    const spec = resolveSpec({ name, engine: "postgres", network }, "prod", "aws");
    const behaviour = { ...m.environmentBehaviour("prod"), performanceInsightsRetentionDays: 7 };
    const key = new aws.kms.Key(`${name}-key`, { description: name, enableKeyRotation: true, rotationPeriodInDays: 365, deletionWindowInDays: 30, tags: spec.tags });
    new aws.kms.Alias(`${name}-key-alias`, { name: `alias/${name}-rds`, targetKeyId: key.keyId });
    const sg = new aws.ec2.SecurityGroup(`${name}-sg`, { description: name, vpcId: network.vpcId, tags: spec.tags });
    new aws.vpc.SecurityGroupIngressRule(`${name}-in`, { securityGroupId: sg.id, ipProtocol: "tcp", fromPort: 5432, toPort: 5432, cidrIpv4: "10.0.0.0/16", tags: spec.tags });
    const subnets = new aws.rds.SubnetGroup(`${name}-subnets`, { description: name, subnetIds: network.subnetIds, tags: spec.tags });
    const family = m.parameterGroupFamily("postgres", spec.engineVersion);
    const pg = new aws.rds.ParameterGroup(`${name}-params-${family}`, { namePrefix: m.parameterGroupNamePrefix(name, family), family, description: name, parameters: m.dbParameters(spec), tags: spec.tags }, { deleteBeforeReplace: false });
    const pw = new random.RandomPassword(`${name}-password`, { length: 32, special: true, overrideSpecial: m.PASSWORD_SPECIALS, minLower: 1, minUpper: 1, minNumeric: 1, minSpecial: 1 });
    const role = new aws.iam.Role(`${name}-monitoring`, { assumeRolePolicy: assumeRolePolicy(MONITORING_SERVICE), tags: spec.tags });
    new aws.iam.RolePolicyAttachment(`${name}-monitoring`, { role: role.name, policyArn: aws.iam.ManagedPolicy.AmazonRDSEnhancedMonitoringRole });
    const refs = { parameterGroupName: pg.name, securityGroupIds: [sg.id], subnetGroupName: subnets.name, kmsKeyArn: key.arn, monitoringRoleArn: role.arn };
    const instance = new aws.rds.Instance(`${name}-instance`, primaryInstanceArgs(spec, behaviour, refs, { password: pw.result }), { ignoreChanges: ["snapshotIdentifier", "restoreToPointInTime"] });
    const secret = new aws.secretsmanager.Secret(`${name}-credentials`, { kmsKeyId: key.arn, recoveryWindowInDays: 30, tags: spec.tags });
    new aws.secretsmanager.SecretVersion(`${name}-credentials`, {
      secretId: secret.id,
      secretString: pulumi.secret(pulumi.jsonStringify({ username: "dbadmin", password: pw.result, engine: "postgres", host: instance.address, port: instance.port, dbname: "app" })),
    });
    const plans = m.replicaPlan(spec, "us-east-1");
    const ids = new Map<string, pulumi.Output<string>>([[name, instance.identifier]]);
    for (const plan of plans) {
      const replica = new aws.rds.Instance(`${name}-${plan.suffix}`, replicaInstanceArgs(spec, plan, instance.identifier, behaviour, { ...refs, subnetGroupName: undefined }));
      ids.set(plan.identifier, replica.identifier);
    }
    for (const def of alarmDefinitions(spec, m.instanceClass(spec.size, spec.engine), plans)) {
      new aws.cloudwatch.MetricAlarm(`${name}-alarm-${def.key}`, {
        namespace: "AWS/RDS",
        metricName: def.metricName,
        dimensions: { DBInstanceIdentifier: ids.get(def.dbInstanceIdentifier) ?? def.dbInstanceIdentifier },
        statistic: def.statistic,
        period: def.period,
        evaluationPeriods: def.evaluationPeriods,
        threshold: def.threshold,
        comparisonOperator: def.comparisonOperator,
        alarmActions: [],
        okActions: [],
        tags: spec.tags,
      });
    }
    pulumi.secret(pulumi.all([instance.address, instance.port, pw.result]));
  }
}

async function time(run: (round: string, count?: number) => void, round: string, count = COUNT): Promise<{ ms: number; resources: number }> {
  const before = registrations;
  const start = performance.now();
  run(round, count);
  await drain();
  return { ms: performance.now() - start, resources: registrations - before };
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

// Warm-up (module and JIT), then alternate so drift affects both sides alike.
await time(viaComponent, "w", 20);
await time(direct, "w", 20);
const comp: number[] = [];
const raw: number[] = [];
let compResources = 0;
let rawResources = 0;
for (let r = 0; r < ROUNDS; r++) {
  const c = await time(viaComponent, String(r));
  const d = await time(direct, String(r));
  comp.push(c.ms);
  raw.push(d.ms);
  compResources = c.resources;
  rawResources = d.resources;
}
const c = median(comp);
const d = median(raw);
console.log(`databases per round:          ${COUNT} (prod preset, postgres, 1 same-region replica), ${ROUNDS} rounds, median`);
console.log(`component AwsRdsDatabase:     ${c.toFixed(0)} ms  (${compResources} registrations incl. ${COUNT} components)`);
console.log(`same resources, direct:       ${d.toFixed(0)} ms  (${rawResources} registrations)`);
console.log(`ratio component/direct:       ${(c / d).toFixed(2)}  (goal <= 1.30)`);
console.log(`per database:                 component ${(c / COUNT).toFixed(1)} ms, direct ${(d / COUNT).toFixed(1)} ms`);
