// The db-guardrails policy pack: `pulumi preview --policy-pack policy` (see README.md).
import { PolicyPack } from "@pulumi/policy";
import { policies } from "./pack.js";

new PolicyPack("db-guardrails", {
  description: "Guardrails for managed databases on AWS RDS, Google Cloud SQL and Azure: encryption, TLS, backups, PITR, private endpoints, deletion protection, secrets and monitoring.",
  policies,
});
