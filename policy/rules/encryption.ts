// Encryption at rest: every database and every replica encrypted; a customer-managed key where the
// environment asks for one (prod by default).
import { get, safe, str } from "../context.js";
import { T } from "../resource-types.js";
import type { PolicyResourceView, RuleContext, RuleDefinition } from "../types.js";

/** The property is set to something (a value unknown during preview counts as set). */
export function present(r: PolicyResourceView, path: string): boolean {
  return safe(() => {
    const v = get(r.props, path);
    return v !== undefined && v !== null && v !== "" && !(Array.isArray(v) && v.length === 0);
  }, true);
}

/** A read replica / secondary / clone-follower rather than a primary. */
export function isReplica(r: PolicyResourceView): boolean {
  switch (r.type) {
    case T.rdsInstance:
      return present(r, "replicateSourceDb");
    case T.rdsCluster:
      return present(r, "replicationSourceIdentifier");
    case T.sqlInstance:
      return present(r, "masterInstanceName");
    case T.mssqlDatabase:
      return safe(() => r.props.createMode === "Secondary" || r.props.createMode === "OnlineSecondary", false);
    case T.pgFlexible:
    case T.mysqlFlexible:
      return safe(() => r.props.createMode === "Replica", false);
    default:
      return false;
  }
}

export const DATABASES = [T.rdsInstance, T.rdsCluster, T.sqlInstance, T.mssqlDatabase, T.pgFlexible, T.mysqlFlexible] as const;

function mssqlHasCustomerKey(db: PolicyResourceView, all: readonly PolicyResourceView[]): boolean {
  if (present(db, "transparentDataEncryptionKeyVaultKeyId")) return true;
  const serverId = safe(() => str(db.props.serverId)?.toLowerCase(), undefined);
  return all.some((r) => {
    if (r.type === T.mssqlTde) {
      const sameServer = safe(() => str(r.props.serverId)?.toLowerCase() === serverId && serverId !== undefined, false) || (db.propertyDependencies?.serverId ?? []).some((u) => (r.propertyDependencies?.serverId ?? []).includes(u));
      return sameServer && present(r, "keyVaultKeyId");
    }
    if (r.type === T.mssqlServer) {
      const isServer = (db.propertyDependencies?.serverId ?? []).includes(r.urn) || safe(() => {
        const name = str(r.props.name);
        return !!name && !!serverId && serverId.endsWith(`/servers/${name.toLowerCase()}`);
      }, false);
      return isServer && present(r, "transparentDataEncryptionKeyVaultKeyId");
    }
    return false;
  });
}

/** What is wrong with the encryption of one database or replica. */
function encryptionProblems(r: PolicyResourceView, ctx: RuleContext): string[] {
  const customer = ctx.needsCustomerKey(r);
  const env = ctx.environmentOf(r);
  const out: string[] = [];
  switch (r.type) {
    case T.rdsInstance:
    case T.rdsCluster: {
      const enc = r.props.storageEncrypted;
      if (enc !== true) {
        out.push(`storage is not encrypted (storageEncrypted: ${JSON.stringify(enc ?? null)}); set storageEncrypted: true — an existing instance must be restored from a snapshot into an encrypted one`);
      }
      const key = safe(() => str(r.props.kmsKeyId) ?? "", "unknown");
      if (customer && (key === "" || /alias\/aws\/rds$/.test(key))) {
        out.push(`uses the AWS-managed key; ${env} needs a customer-managed KMS key: set kmsKeyId (spec.encryption.atRest customer-key)`);
      }
      break;
    }
    case T.sqlInstance:
      if (customer && !present(r, "encryptionKeyName")) {
        out.push(`uses the Google-managed key; ${env} needs a customer-managed Cloud KMS key: set encryptionKeyName (spec.encryption.atRest customer-key)`);
      }
      break;
    case T.mssqlDatabase:
      if (r.props.transparentDataEncryptionEnabled === false) {
        out.push("transparent data encryption is off (transparentDataEncryptionEnabled: false); remove the setting or set it to true");
      }
      if (customer && !mssqlHasCustomerKey(r, ctx.resources)) {
        out.push(`TDE uses the service-managed key; ${env} needs a customer-managed Key Vault key on its server (mssql.ServerTransparentDataEncryption with keyVaultKeyId)`);
      }
      break;
    case T.pgFlexible:
    case T.mysqlFlexible:
      if (customer && !present(r, "customerManagedKey.keyVaultKeyId")) {
        out.push(`uses the service-managed key; ${env} needs a customer-managed Key Vault key: set customerManagedKey.keyVaultKeyId`);
      }
      break;
  }
  return out;
}

export const storageEncrypted: RuleDefinition = {
  name: "db-storage-encrypted",
  description: "Database storage is encrypted at rest, with a customer-managed key in the environments that require one (prod by default).",
  remediationSteps: "Set spec.encryption.atRest (customer-key in prod); on AWS set storageEncrypted: true and kmsKeyId.",
  severity: "high",
  enforcementLevel: "mandatory",
  defaults: { customerKeyEnvironments: ["prod"] },
  check(ctx) {
    ctx.each(DATABASES, (r) => {
      if (isReplica(r)) return;
      for (const m of encryptionProblems(r, ctx)) ctx.report(r, `${r.name}: ${m}`);
    });
  },
};

export const replicasEncrypted: RuleDefinition = {
  name: "db-replicas-encrypted",
  description: "Read replicas and geo-secondaries are encrypted like their primary (customer-managed key where required).",
  remediationSteps: "Give each replica storageEncrypted: true and a key in its own region (AWS kmsKeyId, GCP encryptionKeyName, Azure customerManagedKey / server TDE key).",
  severity: "high",
  enforcementLevel: "mandatory",
  defaults: { customerKeyEnvironments: ["prod"] },
  check(ctx) {
    ctx.each(DATABASES, (r) => {
      if (!isReplica(r)) return;
      for (const m of encryptionProblems(r, ctx)) ctx.report(r, `replica ${r.name}: ${m}`);
    });
  },
};
