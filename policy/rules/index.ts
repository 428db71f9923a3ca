// Every guardrail, in the order the pack reports them.
import type { RuleDefinition } from "../types.js";
import { logRetention, noExtendedSupport } from "./aws-lifecycle.js";
import { sqlAuditing, sqlEntraOnly } from "./azure.js";
import { backupRetention, deletionProtection, pitrEnabled } from "./backup.js";
import { noPlaintextPassword } from "./credentials.js";
import { connectionsLogged, keyArnReadBack, sqlDefender } from "./day2.js";
import { replicasEncrypted, storageEncrypted } from "./encryption.js";
import { passwordPolicy } from "./gcp.js";
import { noPublicEndpoint, tlsRequired } from "./network.js";
import { monitoringWired, slowQueryLogging } from "./observability.js";
import { mysqlAudit, pgauditEnabled } from "./pgaudit.js";

export const rules: readonly RuleDefinition[] = [
  storageEncrypted,
  tlsRequired,
  backupRetention,
  pitrEnabled,
  noPublicEndpoint,
  deletionProtection,
  replicasEncrypted,
  noPlaintextPassword,
  slowQueryLogging,
  monitoringWired,
  keyArnReadBack,
  connectionsLogged,
  sqlDefender,
  logRetention,
  noExtendedSupport,
  pgauditEnabled,
  passwordPolicy,
  sqlAuditing,
  sqlEntraOnly,
  mysqlAudit,
];
