// Every guardrail, in the order the pack reports them.
import type { RuleDefinition } from "../types.ts";
import { backupRetention, deletionProtection, pitrEnabled } from "./backup.ts";
import { noPlaintextPassword } from "./credentials.ts";
import { replicasEncrypted, storageEncrypted } from "./encryption.ts";
import { noPublicEndpoint, tlsRequired } from "./network.ts";
import { monitoringWired, slowQueryLogging } from "./observability.ts";

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
];
