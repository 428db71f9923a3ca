// AwsRdsDatabase: one DatabaseSpec rendered as an RDS instance with its network, parameters, keys,
// credentials, replicas, monitoring, alarms and optional RDS Proxy. Mapping rules live in mapping*.ts.
import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import * as random from "@pulumi/random";
import { resolveComponentSpec } from "../spec/component-args.js";
import { managedDatabaseOutputs, type ManagedDatabase } from "../spec/managed-database.js";
import type { DatabaseSpec, Engine, Environment } from "../spec/types.js";
import { SpecValidationError, validateSpec } from "../spec/validate.js";
import type { AwsRdsDatabaseArgs, AwsRegionProviders, ConnectionInfo } from "./args.js";
import { awsComponentIssues, foreignRegions } from "./checks.js";
import { createCredentialsSecret, createMasterPassword } from "./credentials.js";
import { CREATE_ONLY_IGNORE_CHANGES, primaryInstanceArgs, type InstanceBehaviour } from "./instance-args.js";
import { KeyRing } from "./keys.js";
import { createLogGroups, createManagedPasswordRotation } from "./logs.js";
import { createLongTermBackup, type LongTermBackupResources } from "./long-term-backup.js";
import { alarmDefinitions } from "./mapping-alarms.js";
import {
  ENGINE_PORT,
  RDS_ENGINE,
  environmentBehaviour,
  finalSnapshotIdentifier,
  initialDatabase,
  instanceClass,
  replicaPlan,
} from "./mapping.js";
import { createNetwork } from "./network.js";
import { createAlarms, createMonitoringRole } from "./observability.js";
import { createAwsDashboard } from "./dashboard.js";
import { createAuditOptionGroup } from "./option-group.js";
import { createParameterGroup } from "./parameter-group.js";
import { createProxy, type ProxyResources } from "./proxy.js";
import { createBackupReplication, createReplicas, regionTarget, type CrossRegionContext } from "./replicas.js";

export const AWS_RDS_DATABASE_TYPE = "provisioning:aws:RdsDatabase";

/** The spec the component will render: resolved (for `input`) and validated for AWS. */
export interface PreparedAwsSpec {
  spec: DatabaseSpec;
  primaryRegion: string | undefined;
}

/**
 * Resolves and validates the arguments (once: the spec's rules and the component's own, reported
 * together). Throws SpecValidationError (with `.issues`, each naming its field) for a spec AWS cannot take;
 * the component runs it before registering anything.
 */
export function prepareAwsSpec(args: AwsRdsDatabaseArgs): PreparedAwsSpec {
  const spec = resolveComponentSpec(args, "aws");
  const primaryRegion = args.region ?? aws.config.region;
  const issues = validateSpec(spec, { cloud: "aws", environment: args.environment });
  // The component's checks assume a well-formed spec.
  if (issues.length === 0) {
    issues.push(...awsComponentIssues(spec, {
      ...(primaryRegion ? { primaryRegion } : {}),
      ...(args.regionalSettings ? { regionalSettings: args.regionalSettings } : {}),
    }));
  }
  if (issues.length > 0) throw new SpecValidationError(issues);
  return { spec, primaryRegion };
}

/** The providers of the regions the spec needs; a factory is asked once per region. */
function regionProvidersFor(given: AwsRegionProviders | undefined, regions: string[]): Record<string, aws.Provider> {
  if (given === undefined) return {};
  if (typeof given !== "function") return given;
  return Object.fromEntries(regions.flatMap((r) => {
    const provider = given(r);
    return provider ? [[r, provider]] : [];
  }));
}

export class AwsRdsDatabase extends pulumi.ComponentResource implements ManagedDatabase {
  /** The resolved spec this database was built from. */
  readonly spec: DatabaseSpec;
  readonly environment: Environment;
  /** Name given to the component; its children's names start with it. */
  readonly resourceName: string;
  readonly instance: aws.rds.Instance;
  /** Read replicas in plan order (same-region first as listed in spec.replicas). */
  readonly replicas: aws.rds.Instance[];
  readonly parameterGroup: aws.rds.ParameterGroup;
  /** Option group with the MariaDB Audit Plugin (MySQL with observability.pgaudit); undefined otherwise. */
  readonly optionGroup: aws.rds.OptionGroup | undefined;
  readonly securityGroup: aws.ec2.SecurityGroup;
  readonly subnetGroup: aws.rds.SubnetGroup | undefined;
  /** Secret holding the generated credentials; undefined when RDS manages the password. */
  readonly secret: aws.secretsmanager.Secret | undefined;
  /** Rotation schedule of the RDS-managed password's secret; undefined with a generated password. */
  readonly passwordRotation: aws.secretsmanager.SecretRotation | undefined;
  /** CloudWatch log groups of the exported logs (primary and replicas), created before the instances. */
  readonly logGroups: aws.cloudwatch.LogGroup[];
  readonly monitoringRole: aws.iam.Role | undefined;
  readonly alarms: aws.cloudwatch.MetricAlarm[];
  /** CloudWatch dashboard of the primary and replicas; undefined with spec.observability.dashboard false. */
  readonly dashboard: aws.cloudwatch.Dashboard | undefined;
  /** The dashboard in the CloudWatch console; undefined without one. */
  readonly dashboardUrl: pulumi.Output<string | undefined>;
  readonly proxy: ProxyResources | undefined;
  readonly backupReplication: aws.rds.InstanceAutomatedBackupsReplication | undefined;
  /** AWS Backup vault, plan and selection for spec.backup.longTermRetention; undefined without it. */
  readonly longTermBackup: LongTermBackupResources | undefined;
  /** Customer key ARN (created or given); undefined with the provider-managed key. */
  readonly kmsKeyArn: pulumi.Output<string> | undefined;

  readonly engine: Engine;
  /** `spec.databaseName`; `master` for SQL Server, for which RDS creates no database. */
  readonly databaseName: string;
  /** `host:port` of the primary. */
  readonly endpoint: pulumi.Output<string>;
  /** Address (DNS name) of the primary. */
  readonly host: pulumi.Output<string>;
  /** The primary's address, as RDS names it; the same as `host`. */
  readonly address: pulumi.Output<string>;
  readonly port: pulumi.Output<number>;
  /** `host:port` of each read replica, in plan order. */
  readonly readerEndpoints: pulumi.Output<string[]>;
  /** ARN of the Secrets Manager secret with the master credentials (generated, or RDS-managed). */
  readonly secretRef: pulumi.Output<string>;
  /** @deprecated Use `secretRef`, the name every cloud's component shares. */
  readonly secretArn: pulumi.Output<string>;
  /** RDS Proxy endpoint when pooling is enabled. */
  readonly proxyEndpoint: pulumi.Output<string | undefined>;
  /** Master connection details; a secret output. */
  readonly connection: pulumi.Output<ConnectionInfo>;
  readonly arn: pulumi.Output<string>;
  /** DbiResourceId, used in rds-db:connect policies. */
  readonly resourceId: pulumi.Output<string>;
  /** Whether IAM database authentication is on (grantConnect requires it). */
  readonly iamAuthentication: boolean;

  constructor(name: string, args: AwsRdsDatabaseArgs, opts?: pulumi.ComponentResourceOptions) {
    const { spec, primaryRegion } = prepareAwsSpec(args);
    super(AWS_RDS_DATABASE_TYPE, name, {}, opts);
    this.spec = spec;
    this.environment = args.environment;
    this.resourceName = name;
    this.iamAuthentication = spec.auth.iamAuthentication;
    this.engine = spec.engine;

    const tags = spec.tags;
    const port = ENGINE_PORT[spec.engine];
    const behaviour: InstanceBehaviour = {
      ...environmentBehaviour(args.environment),
      ...(args.applyImmediately !== undefined ? { applyImmediately: args.applyImmediately } : {}),
      performanceInsightsRetentionDays: args.performanceInsightsRetentionDays ?? 7,
    };
    const regionalSettings = args.regionalSettings ?? {};
    const regionProviders = regionProvidersFor(args.regionProviders, foreignRegions(spec, primaryRegion));
    const managed = spec.auth.managedMasterPassword === true;

    const keyRing = new KeyRing({
      parent: this,
      name,
      spec,
      keyDeletionDays: behaviour.keyDeletionDays,
      ...(primaryRegion ? { primaryRegion } : {}),
      regionalSettings,
      tags,
    });
    this.kmsKeyArn = keyRing.primaryArn;

    const network = createNetwork(this, name, spec, port, tags);
    this.securityGroup = network.securityGroup;
    this.subnetGroup = network.subnetGroup;
    this.parameterGroup = createParameterGroup(this, name, spec, tags);
    this.optionGroup = createAuditOptionGroup(this, name, spec, tags);
    const password = managed ? undefined : createMasterPassword(this, name);
    this.monitoringRole =
      spec.observability.enhancedMonitoringSeconds > 0 ? createMonitoringRole(this, name, tags) : undefined;

    // Kept in state: a re-created instance gets a new suffix, so its final snapshot never collides.
    const snapshotSuffix = spec.backup.finalSnapshot
      ? new random.RandomString(`${name}-final-snapshot`, { length: 8, special: false, upper: false }, { parent: this })
      : undefined;
    const refs = {
      ...(snapshotSuffix ? { finalSnapshotIdentifier: snapshotSuffix.result.apply((s) => finalSnapshotIdentifier(spec.name, s)) } : {}),
      parameterGroupName: this.parameterGroup.name,
      ...(this.optionGroup ? { optionGroupName: this.optionGroup.name } : {}),
      securityGroupIds: [this.securityGroup.id],
      ...(this.subnetGroup ? { subnetGroupName: this.subnetGroup.name } : {}),
      ...(keyRing.primaryArn ? { kmsKeyArn: keyRing.primaryArn } : {}),
      ...(this.monitoringRole ? { monitoringRoleArn: this.monitoringRole.arn } : {}),
    };
    // Before the instance: RDS would otherwise create the groups itself, never expiring and unencrypted.
    const logContext = { parent: this, name, spec, tags, manage: args.manageLogGroups !== false };
    if (!logContext.manage) {
      pulumi.log.warn(`manageLogGroups is false: observability.logRetentionDays (${spec.observability.logRetentionDays ?? 365}) and the customer key are not applied to the exported logs, whose groups RDS created never expire; import them as this component's children and drop manageLogGroups`, this);
    }
    const primaryLogs = createLogGroups(logContext, spec.name, "", keyRing.primaryArn);
    this.instance = new aws.rds.Instance(
      `${name}-instance`,
      primaryInstanceArgs(spec, behaviour, refs, {
        ...(password ? { password: password.result } : {}),
        ...(keyRing.primaryArn ? { managedSecretKmsKeyArn: keyRing.primaryArn } : {}),
      }),
      { parent: this, ignoreChanges: CREATE_ONLY_IGNORE_CHANGES, dependsOn: primaryLogs },
    );
    const instance = this.instance;
    const { connectDatabase } = initialDatabase(spec);
    this.databaseName = connectDatabase;

    this.secret = password
      ? createCredentialsSecret(
          this,
          name,
          `Master credentials of the ${spec.name} ${spec.engine} database`,
          {
            username: spec.auth.masterUsername,
            password: password.result,
            engine: RDS_ENGINE[spec.engine],
            host: instance.address,
            port: instance.port,
            dbname: connectDatabase,
            dbInstanceIdentifier: instance.identifier,
          },
          {
            ...(keyRing.primaryArn ? { kmsKeyArn: keyRing.primaryArn } : {}),
            recoveryWindowInDays: behaviour.secretRecoveryDays,
            tags,
          },
        )
      : undefined;
    this.secretRef = this.secret
      ? this.secret.arn
      : instance.masterUserSecrets.apply((secrets) => secrets?.[0]?.secretArn ?? "");
    this.secretArn = this.secretRef;
    this.passwordRotation = managed ? createManagedPasswordRotation(this, name, spec, this.secretRef) : undefined;

    const crossRegion: CrossRegionContext = {
      parent: this,
      name,
      spec,
      primary: instance,
      keyRing,
      regionProviders,
      regionalSettings,
      tags,
    };
    const plans = replicaPlan(spec, primaryRegion);
    const replicaLogs: aws.cloudwatch.LogGroup[] = [];
    const replicaMap = createReplicas(
      {
        ...crossRegion,
        logGroups: (identifier, suffix, kmsKeyArn, target) => {
          const groups = createLogGroups(logContext, identifier, suffix, kmsKeyArn, target);
          replicaLogs.push(...groups);
          return groups;
        },
        behaviour,
        parameterGroup: this.parameterGroup,
        ...(this.optionGroup ? { optionGroupName: this.optionGroup.name } : {}),
        securityGroupId: this.securityGroup.id,
        ...(this.monitoringRole ? { monitoringRoleArn: this.monitoringRole.arn } : {}),
      },
      plans,
    );
    this.replicas = [...replicaMap.values()];
    this.logGroups = [...primaryLogs, ...replicaLogs];
    this.backupReplication = createBackupReplication(crossRegion);
    this.longTermBackup = createLongTermBackup({
      parent: this,
      name,
      spec,
      instanceArn: instance.arn,
      ...(keyRing.primaryArn ? { kmsKeyArn: keyRing.primaryArn } : {}),
      forceDestroy: behaviour.deleteAutomatedBackups,
      tags,
    });

    const instanceIds = new Map<string, pulumi.Output<string>>([[spec.name, instance.identifier]]);
    for (const [id, replica] of replicaMap) instanceIds.set(id, replica.identifier);
    this.alarms = createAlarms(
      {
        parent: this,
        name,
        instanceIds,
        ...(spec.observability.alarms.notificationTarget !== undefined
          ? { notificationTarget: spec.observability.alarms.notificationTarget }
          : {}),
        regionalSettings,
        targetFor: (region) => regionTarget(crossRegion, region),
        tags,
      },
      alarmDefinitions(spec, instanceClass(spec.size, spec.engine), plans),
    );
    const dashboard = createAwsDashboard({ parent: this, name, spec, primaryRegion, primary: instance, plans, replicas: replicaMap });
    this.dashboard = dashboard?.dashboard;
    this.dashboardUrl = dashboard ? dashboard.url : pulumi.output(undefined);

    this.proxy = spec.pooling.enabled
      ? createProxy({
          parent: this,
          name,
          spec,
          secretArn: this.secretRef,
          ...(keyRing.primaryArn ? { kmsKeyArn: keyRing.primaryArn } : {}),
          securityGroupId: this.securityGroup.id,
          subnetIds: spec.network.subnetIds ?? [],
          instanceIdentifier: instance.identifier,
          tags,
        })
      : undefined;

    this.endpoint = instance.endpoint;
    this.host = instance.address;
    this.address = instance.address;
    this.port = instance.port;
    this.arn = instance.arn;
    this.resourceId = instance.resourceId;
    this.readerEndpoints = pulumi.all(this.replicas.map((r) => r.endpoint));
    this.proxyEndpoint = this.proxy ? this.proxy.proxy.endpoint.apply((e) => e) : pulumi.output(undefined);
    this.connection = pulumi.secret(
      pulumi.all([instance.address, instance.port, password?.result]).apply(
        ([host, p, pw]): ConnectionInfo => ({
          host,
          port: p,
          user: spec.auth.masterUsername,
          ...(pw !== undefined ? { password: pw } : {}),
          database: connectDatabase,
          engine: spec.engine,
        }),
      ),
    );

    this.registerOutputs({
      ...managedDatabaseOutputs(this),
      address: this.address,
      proxyEndpoint: this.proxyEndpoint,
      arn: this.arn,
      resourceId: this.resourceId,
      dashboardUrl: this.dashboardUrl,
    });
  }
}
