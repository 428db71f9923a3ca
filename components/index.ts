// Entry point of @dbtk/components: the cloud-neutral DatabaseSpec contract (types, presets, validation).
// Each cloud's components live under their own subpath, so a project installs only the SDKs it uses:
//   import { AwsRdsDatabase } from "@dbtk/components/aws";          // needs @pulumi/aws
//   import { GcpCloudSqlDatabase } from "@dbtk/components/gcp";     // needs @pulumi/gcp
//   import { AzureSqlDatabase } from "@dbtk/components/azure";      // needs @pulumi/azure
export * from "./spec/index.js";
