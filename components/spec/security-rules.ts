// Rules that keep the spec's own promises and close holes a cloud would otherwise report only at deploy:
// raw `parameters` that undo TLS, minor versions a cloud does not take, shared-core SQL Server on Cloud SQL.
import { cloudLimits } from "./limits.js";
import type { RuleContext } from "./cloud-rules.js";
import { show } from "./cloud-rules.js";

/** Parameters that turn TLS enforcement off, per value (compared lower-case). */
const TLS_OFF: Record<string, readonly string[]> = {
  "rds.force_ssl": ["0", "off", "false"],
  require_secure_transport: ["0", "off", "false"],
};
/** Parameters that set the oldest TLS version accepted; a value naming TLS 1.0/1.1 undoes TLS 1.2. */
const TLS_MIN = new Set(["ssl_min_protocol_version", "tls_version"]);

/** `encryption.inTransitRequired` cannot be undone through `parameters`; the issue names both fields. */
function tlsPromise(c: RuleContext): void {
  const { spec } = c;
  if (!spec.encryption.inTransitRequired) return;
  for (const [name, value] of Object.entries(spec.parameters ?? {})) {
    const v = String(value).toLowerCase();
    const off = TLS_OFF[name]?.includes(v) ?? false;
    const old = TLS_MIN.has(name) && /tlsv1(\.[01])?(,|$)|tlsv1$/i.test(v.replace(/\s/g, ""));
    if (off || old) {
      c.add(`parameters.${name}`, value,
        `${show(value)} undoes encryption.inTransitRequired (true): ${off ? "TLS would no longer be required" : "TLS 1.0/1.1 would be accepted"}; remove parameters.${name}, or set encryption.inTransitRequired false${c.environment === "prod" ? " (not allowed in prod)" : ""}`);
    }
  }
}

/** GCP and Azure take a major version only and apply minor versions themselves (`16.3` would render POSTGRES_16_3). */
function majorOnly(c: RuleContext): void {
  const { spec, limits } = c;
  if (c.cloud === "aws" || !limits || spec.engine === "sqlserver") return;
  const parts = spec.engineVersion.split(".");
  const major = spec.engine === "mysql" ? parts.slice(0, 2).join(".") : (parts[0] ?? "");
  if (major !== spec.engineVersion && limits.versions.includes(major)) {
    c.add("engineVersion", spec.engineVersion,
      `${show(spec.engineVersion)}: ${limits.product} (${cloudLimits[c.cloud].label}) takes the major version only and applies minor versions itself; use ${show(major)}`, true);
  }
}

/** Cloud SQL for SQL Server runs on dedicated-core machine types only. */
function sharedCoreSqlServer(c: RuleContext): void {
  const { spec } = c;
  if (c.cloud !== "gcp" || spec.engine !== "sqlserver") return;
  const sizes = [{ path: "size.instanceClass", size: spec.size }, ...spec.replicas.map((r, i) => ({ path: `replicas[${i}].size.instanceClass`, size: r.size }))];
  for (const { path, size } of sizes) {
    if (size && "instanceClass" in size && /^db-(f1-micro|g1-small)$/.test(size.instanceClass)) {
      c.add(path, size.instanceClass, `${show(size.instanceClass)} is a shared-core tier, which GCP Cloud SQL for SQL Server does not offer; use a dedicated-core tier, e.g. "db-custom-2-7680"`, true);
    }
  }
}

export function securityRules(c: RuleContext): void {
  tlsPromise(c);
  majorOnly(c);
  sharedCoreSqlServer(c);
}
