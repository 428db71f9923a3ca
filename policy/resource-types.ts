// Provider type tokens the guardrails inspect (from the installed @pulumi/aws, /gcp and /azure packages).
export const T = {
  rdsInstance: "aws:rds/instance:Instance",
  rdsCluster: "aws:rds/cluster:Cluster",
  rdsClusterInstance: "aws:rds/clusterInstance:ClusterInstance",
  rdsParameterGroup: "aws:rds/parameterGroup:ParameterGroup",
  rdsClusterParameterGroup: "aws:rds/clusterParameterGroup:ClusterParameterGroup",
  sgIngressRule: "aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule",
  metricAlarm: "aws:cloudwatch/metricAlarm:MetricAlarm",
  sqlInstance: "gcp:sql/databaseInstance:DatabaseInstance",
  sqlUser: "gcp:sql/user:User",
  alertPolicy: "gcp:monitoring/alertPolicy:AlertPolicy",
  mssqlServer: "azure:mssql/server:Server",
  mssqlDatabase: "azure:mssql/database:Database",
  mssqlTde: "azure:mssql/serverTransparentDataEncryption:ServerTransparentDataEncryption",
  mssqlFirewall: "azure:mssql/firewallRule:FirewallRule",
  pgFlexible: "azure:postgresql/flexibleServer:FlexibleServer",
  pgFlexibleConfig: "azure:postgresql/flexibleServerConfiguration:FlexibleServerConfiguration",
  pgFlexibleFirewall: "azure:postgresql/flexibleServerFirewallRule:FlexibleServerFirewallRule",
  mysqlFlexible: "azure:mysql/flexibleServer:FlexibleServer",
  mysqlFlexibleConfig: "azure:mysql/flexibleServerConfiguration:FlexibleServerConfiguration",
  mysqlFlexibleFirewall: "azure:mysql/flexibleServerFirewallRule:FlexibleServerFirewallRule",
  lock: "azure:management/lock:Lock",
  diagnosticSetting: "azure:monitoring/diagnosticSetting:DiagnosticSetting",
  metricAlert: "azure:monitoring/metricAlert:MetricAlert",
} as const;

export const FLEXIBLE = [T.pgFlexible, T.mysqlFlexible] as const;
