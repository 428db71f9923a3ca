// Provider behaviour the day-2 suite holds the components to: every field a cloud changes on its own (or
// reads back in another form), whether a diff on it replaces the resource, and the doc that says so. A
// row is met when the field is in the resource's ignoreChanges, or rendered in the form the cloud reads
// back (`renders`), or never set by the component (`unset`).
// `.d.ts` citations are the installed provider SDKs (node_modules/@pulumi/<cloud>/...), the final word on
// argument names; URLs are the providers' and clouds' own docs.

export type Cloud = "aws" | "gcp" | "azure";

export interface ProviderBehaviour {
  cloud: Cloud;
  /** Resource type token. */
  type: string;
  /** Input path (ignoreChanges syntax). */
  field: string;
  /** What the cloud does on its own after create. */
  cloudChanges: string;
  /** Whether a planned change of the field replaces the resource. */
  forcesReplacement: boolean;
  /** How the components must handle it. */
  expect: "ignoreChanges" | "renders" | "unset" | "unset-or-ignored" | "provider-ignores";
  /** For `renders`: the read-back form. */
  readBack?: RegExp;
  /** The row applies only when storage autogrow is on (storage.maxSizeGb above sizeGb), or to databases in an elastic pool. */
  onlyWhen?: "autogrow" | "pooled";
  /** Provider / cloud documentation the row comes from. */
  doc: string;
}

const RDS = "aws:rds/instance:Instance";
const KEY_ARN = /^arn:aws[a-z-]*:kms:[a-z0-9-]+:\d{12}:key\/.+$/;

export const behaviours: ProviderBehaviour[] = [
  {
    cloud: "aws",
    type: RDS,
    field: "kmsKeyId",
    cloudChanges: "RDS stores and reads back the key ARN, whatever form (alias ARN, key id) was sent",
    forcesReplacement: true,
    expect: "renders",
    readBack: KEY_ARN,
    doc: "terraform-provider-aws internal/service/rds/instance.go: kms_key_id ForceNew; https://docs.aws.amazon.com/AmazonRDS/latest/APIReference/API_DBInstance.html (KmsKeyId: the key ARN)",
  },
  {
    cloud: "aws",
    type: RDS,
    field: "performanceInsightsKmsKeyId",
    cloudChanges: "RDS reads back the Performance Insights key as a key ARN",
    forcesReplacement: false,
    expect: "renders",
    readBack: KEY_ARN,
    doc: "https://docs.aws.amazon.com/AmazonRDS/latest/APIReference/API_DBInstance.html (PerformanceInsightsKMSKeyId: the key ARN)",
  },
  {
    cloud: "aws",
    type: "aws:rds/instanceAutomatedBackupsReplication:InstanceAutomatedBackupsReplication",
    field: "kmsKeyId",
    cloudChanges: "RDS reads back the key ARN of the replicated backups",
    forcesReplacement: true,
    expect: "renders",
    readBack: KEY_ARN,
    doc: "node_modules/@pulumi/aws/rds/instanceAutomatedBackupsReplication.d.ts (kmsKeyId: 'The AWS KMS key identifier ... key ARN'); terraform-provider-aws: every argument ForceNew",
  },
  {
    cloud: "aws",
    type: RDS,
    field: "allocatedStorage",
    cloudChanges: "storage autoscaling grows allocated storage up to maxAllocatedStorage",
    forcesReplacement: false,
    expect: "provider-ignores",
    doc: "node_modules/@pulumi/aws/rds/instance.d.ts maxAllocatedStorage: 'When configured, changes to allocatedStorage will be automatically ignored as the storage can dynamically scale.'",
  },
  {
    cloud: "aws",
    type: RDS,
    field: "availabilityZone",
    cloudChanges: "a Multi-AZ failover moves the primary to the standby's zone",
    forcesReplacement: true,
    expect: "unset",
    doc: "node_modules/@pulumi/aws/rds/instance.d.ts availabilityZone; https://docs.aws.amazon.com/AmazonRDS/latest/UserGuide/Concepts.MultiAZSingleStandby.html",
  },
  {
    cloud: "aws",
    type: RDS,
    field: "finalSnapshotIdentifier",
    cloudChanges: "the snapshot outlives the instance: a second instance with the same name cannot take its final snapshot (DBSnapshotAlreadyExists)",
    forcesReplacement: false,
    expect: "renders",
    readBack: /-final-[a-z0-9]{8}$/,
    doc: "https://docs.aws.amazon.com/AmazonRDS/latest/APIReference/API_DeleteDBInstance.html (DBSnapshotAlreadyExists)",
  },
  {
    cloud: "gcp",
    type: "gcp:sql/databaseInstance:DatabaseInstance",
    field: "settings.diskSize",
    onlyWhen: "autogrow",
    cloudChanges: "disk autoresize grows the disk (primary and replicas)",
    forcesReplacement: true,
    expect: "ignoreChanges",
    doc: "node_modules/@pulumi/gcp/types/input.d.ts DatabaseInstanceSettings.diskAutoresize: 'if diskSize is set, future pulumi up calls will attempt to delete the instance ... ensure that lifecycle.ignore_changes is applied to diskSize'",
  },
  {
    cloud: "gcp",
    type: "gcp:sql/databaseInstance:DatabaseInstance",
    field: "settings.locationPreference.zone",
    cloudChanges: "a REGIONAL instance's failover moves the primary to another zone",
    forcesReplacement: false,
    expect: "unset",
    doc: "https://cloud.google.com/sql/docs/postgres/high-availability (failover: the standby zone becomes the primary zone)",
  },
  {
    cloud: "azure",
    type: "azure:postgresql/flexibleServer:FlexibleServer",
    field: "storageMb",
    onlyWhen: "autogrow",
    cloudChanges: "storage autogrow grows the disk (primary and replicas)",
    forcesReplacement: true,
    expect: "ignoreChanges",
    doc: "node_modules/@pulumi/azure/postgresql/flexibleServer.d.ts storageMb: 'Scaling down storageMb forces a new PostgreSQL Flexible Server to be created.'",
  },
  {
    cloud: "azure",
    type: "azure:mysql/flexibleServer:FlexibleServer",
    field: "storage.sizeGb",
    onlyWhen: "autogrow",
    cloudChanges: "storage autogrow grows the disk (primary and replicas)",
    forcesReplacement: true,
    expect: "ignoreChanges",
    doc: "node_modules/@pulumi/azure/types/input.d.ts mysql.FlexibleServerStorage.sizeGb: 'Decreasing sizeGb forces a new resource to be created.'",
  },
  {
    cloud: "azure",
    type: "azure:postgresql/flexibleServer:FlexibleServer",
    field: "zone",
    cloudChanges: "a failover to the standby makes the standby's zone the primary's",
    forcesReplacement: false,
    expect: "unset-or-ignored",
    doc: "node_modules/@pulumi/azure/postgresql/flexibleServer.d.ts zone: 'If the PostgreSQL Flexible Server fails-over ... the zone will be updated ... use ignoreChanges'",
  },
  {
    cloud: "azure",
    type: "azure:postgresql/flexibleServer:FlexibleServer",
    field: "highAvailability.standbyAvailabilityZone",
    cloudChanges: "a failover swaps the standby's zone with the primary's",
    forcesReplacement: false,
    expect: "unset-or-ignored",
    doc: "node_modules/@pulumi/azure/postgresql/flexibleServer.d.ts zone (same note)",
  },
  {
    cloud: "azure",
    type: "azure:mysql/flexibleServer:FlexibleServer",
    field: "zone",
    cloudChanges: "a failover to the standby makes the standby's zone the primary's",
    forcesReplacement: false,
    expect: "unset-or-ignored",
    doc: "node_modules/@pulumi/azure/mysql/flexibleServer.d.ts zone: 'Azure will automatically assign an Availability Zone ... fails-over'",
  },
  {
    cloud: "gcp",
    type: "gcp:sql/user:User",
    field: "name",
    cloudChanges: "Cloud SQL keeps a PostgreSQL IAM service account's login without `.gserviceaccount.com` (and refuses the full email)",
    forcesReplacement: true,
    expect: "renders",
    readBack: /^(?!.*\.gserviceaccount\.com$).+$/,
    doc: "node_modules/@pulumi/gcp/sql/user.d.ts name ('Changing this forces a new resource'); https://cloud.google.com/sql/docs/postgres/add-manage-iam-users (omit the .gserviceaccount.com suffix); hashicorp/terraform-provider-google#14019",
  },
  {
    cloud: "gcp",
    type: "gcp:sql/databaseInstance:DatabaseInstance",
    field: "settings.denyMaintenancePeriod.startDate",
    cloudChanges: "Cloud SQL reads the date back as yyyy-m-dd, the month without a leading zero",
    forcesReplacement: false,
    expect: "renders",
    readBack: /^(\d{4}-)?([1-9]|1[0-2])-(0[1-9]|[12]\d|3[01])$/,
    doc: "node_modules/@pulumi/gcp/types/input.d.ts DatabaseInstanceSettingsDenyMaintenancePeriod.startDate ('format yyyy-m-dd (the month is without leading zeros)')",
  },
  {
    cloud: "gcp",
    type: "gcp:sql/databaseInstance:DatabaseInstance",
    field: "settings.denyMaintenancePeriod.endDate",
    cloudChanges: "Cloud SQL reads the date back as yyyy-m-dd, the month without a leading zero",
    forcesReplacement: false,
    expect: "renders",
    readBack: /^(\d{4}-)?([1-9]|1[0-2])-(0[1-9]|[12]\d|3[01])$/,
    doc: "node_modules/@pulumi/gcp/types/input.d.ts DatabaseInstanceSettingsDenyMaintenancePeriod.endDate (same format)",
  },
  {
    cloud: "gcp",
    type: "gcp:sql/databaseInstance:DatabaseInstance",
    field: "settings.ipConfiguration.allocatedIpRange",
    cloudChanges: "none; read back as sent. Not ForceNew, but Cloud SQL cannot move an instance to another range of the same VPC (the update fails), so the component sets it only when asked",
    forcesReplacement: false,
    expect: "renders",
    readBack: /^[a-z]([-a-z0-9]{0,61}[a-z0-9])?$/,
    doc: "node_modules/@pulumi/gcp/types/input.d.ts DatabaseInstanceSettingsIpConfiguration.allocatedIpRange; GoogleCloudPlatform/magic-modules#5664 (ForceNew removed: 'allocated IP range can not be updated only within a VPC')",
  },
  {
    cloud: "azure",
    type: "azure:mssql/server:Server",
    field: "connectionPolicy",
    cloudChanges: "Azure reads back Default when none was sent; rendered explicitly so a spec change shows in the plan (updated in place)",
    forcesReplacement: false,
    expect: "renders",
    readBack: /^(Default|Proxy|Redirect)$/,
    doc: "node_modules/@pulumi/azure/mssql/server.d.ts connectionPolicy ('Possible values are Default, Proxy, and Redirect. Defaults to Default')",
  },
  {
    cloud: "azure",
    type: "azure:mssql/database:Database",
    field: "zoneRedundant",
    onlyWhen: "pooled",
    cloudChanges: "a database in an elastic pool takes the pool's zone redundancy and reads it back",
    forcesReplacement: false,
    expect: "unset",
    doc: "node_modules/@pulumi/azure/mssql/database.d.ts zoneRedundant ('only settable for Premium and Business Critical databases'); node_modules/@pulumi/azure/mssql/elasticPool.d.ts zoneRedundant",
  },
  {
    cloud: "azure",
    type: "azure:mssql/database:Database",
    field: "skuName",
    onlyWhen: "pooled",
    cloudChanges: "Azure reports a pooled database's SKU as ElasticPool",
    forcesReplacement: false,
    expect: "renders",
    readBack: /^ElasticPool$/,
    doc: "node_modules/@pulumi/azure/mssql/database.d.ts skuName (ElasticPool among the names; changing from Hyperscale forces a new resource)",
  },
  {
    cloud: "azure",
    type: "azure:mssql/database:Database",
    field: "minCapacity",
    onlyWhen: "pooled",
    cloudChanges: "a pooled database has no compute of its own (the pool's perDatabaseSettings apply)",
    forcesReplacement: false,
    expect: "unset",
    doc: "node_modules/@pulumi/azure/mssql/database.d.ts minCapacity ('only settable for Serverless databases')",
  },
];
