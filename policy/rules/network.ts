// Connections: TLS required by the server, and no endpoint reachable from the internet.
import { azureIdIs, dependsOn, get, list, safe, str } from "../context.js";
import { T } from "../resource-types.js";
import type { PolicyResourceView, RuleDefinition } from "../types.js";
import { present } from "./encryption.js";

/** The resource of `type` that `db.props[prop]` names or depends on, when it is managed in the same stack. */
function groupOf(db: PolicyResourceView, prop: string, type: string, all: readonly PolicyResourceView[]): PolicyResourceView | undefined {
  return all.find(
    (g) => g.type === type && (dependsOn(db, prop, g) || safe(() => !!str(db.props[prop]) && str(db.props[prop]) === str(g.props.name), false)),
  );
}

/** The parameter group (or cluster parameter group) `db` uses, when it is managed in the same stack. */
export function parameterGroupOf(db: PolicyResourceView, all: readonly PolicyResourceView[]): PolicyResourceView | undefined {
  return db.type === T.rdsCluster
    ? groupOf(db, "dbClusterParameterGroupName", T.rdsClusterParameterGroup, all)
    : groupOf(db, "parameterGroupName", T.rdsParameterGroup, all);
}

/** The option group an RDS instance uses, when it is managed in the same stack. */
export function optionGroupOf(db: PolicyResourceView, all: readonly PolicyResourceView[]): PolicyResourceView | undefined {
  return groupOf(db, "optionGroupName", T.rdsOptionGroup, all);
}

/** A parameter's value in an RDS parameter group, lower-cased. */
export function parameterValue(group: PolicyResourceView, name: string): string | undefined {
  const p = list(group.props.parameters).find((x) => get(x, "name") === name);
  const v = get(p, "value");
  return v === undefined || v === null ? undefined : String(v).toLowerCase();
}

/** Configuration resources (Azure flexible servers) of `server`, by name → value (lower-cased). */
export function flexibleConfig(server: PolicyResourceView, all: readonly PolicyResourceView[]): Map<string, string> {
  const type = server.type === T.pgFlexible ? T.pgFlexibleConfig : T.mysqlFlexibleConfig;
  const out = new Map<string, string>();
  for (const c of all) {
    if (c.type !== type) continue;
    // PostgreSQL configurations name their server by id, MySQL ones by name and resource group.
    const mine =
      dependsOn(c, "serverId", server) ||
      dependsOn(c, "serverName", server) ||
      safe(() => azureIdIs(c.props.serverId, server), false) ||
      safe(() => !!str(c.props.serverName) && c.props.serverName === server.props.name && c.props.resourceGroupName === server.props.resourceGroupName, false);
    if (!mine) continue;
    safe(() => {
      const name = str(c.props.name);
      if (name) out.set(name, String(c.props.value ?? "").toLowerCase());
    }, undefined);
  }
  return out;
}

function engineOf(r: PolicyResourceView): string {
  return safe(() => String(r.props.engine ?? "").toLowerCase(), "");
}

/** The engine, from the instance or (replicas inherit it) from its parameter group's family. */
export function awsEngine(db: PolicyResourceView, group: PolicyResourceView | undefined): string {
  return engineOf(db) || safe(() => String(group?.props.family ?? "").toLowerCase(), "");
}

function awsTlsProblem(db: PolicyResourceView, all: readonly PolicyResourceView[]): string | undefined {
  const group = parameterGroupOf(db, all);
  const engine = awsEngine(db, group);
  const groupProp = db.type === T.rdsCluster ? "dbClusterParameterGroupName" : "parameterGroupName";
  if (!group) {
    if (present(db, groupProp)) return undefined; // a group managed elsewhere: not visible to this check
    const major = Number(safe(() => String(db.props.engineVersion ?? ""), "").split(".")[0]);
    // RDS for PostgreSQL 15+ defaults rds.force_ssl to 1; every other default group lets plain connections in.
    if (engine === "postgres" && major >= 15) return undefined;
    return `uses the default parameter group, which does not force TLS; use a parameter group with ${engine.includes("mysql") || engine.includes("mariadb") ? "require_secure_transport = 1" : "rds.force_ssl = 1"}`;
  }
  if (engine.includes("mysql") || engine.includes("mariadb")) {
    const v = parameterValue(group, "require_secure_transport");
    return v === "1" || v === "on" ? undefined : `parameter group ${group.name} has require_secure_transport = ${v ?? "(unset)"}; set it to 1`;
  }
  const v = parameterValue(group, "rds.force_ssl");
  return v === "1" ? undefined : `parameter group ${group.name} has rds.force_ssl = ${v ?? "(unset)"}; set it to 1`;
}

const SECURE_SSL_MODES = ["ENCRYPTED_ONLY", "TRUSTED_CLIENT_CERTIFICATE_REQUIRED"];

export const tlsRequired: RuleDefinition = {
  name: "db-tls-required",
  description: "The database server refuses unencrypted connections (force_ssl / require_secure_transport / sslMode / minimum TLS 1.2).",
  remediationSteps: "Keep spec.encryption.inTransitRequired true; do not override the TLS parameters the components set.",
  severity: "high",
  enforcementLevel: "mandatory",
  defaults: {},
  check(ctx) {
    const all = ctx.resources;
    ctx.each([T.rdsInstance, T.rdsCluster], (r) => {
      if (r.type === T.rdsInstance && present(r, "replicateSourceDb") && !present(r, "parameterGroupName")) return;
      const p = awsTlsProblem(r, all);
      if (p) ctx.report(r, `${r.name}: ${p}`);
    });
    ctx.each([T.sqlInstance], (r) => {
      const mode = str(get(r.props, "settings.ipConfiguration.sslMode"));
      const legacy = get(r.props, "settings.ipConfiguration.requireSsl") === true;
      if (mode ? !SECURE_SSL_MODES.includes(mode) : !legacy) {
        ctx.report(r, `${r.name}: settings.ipConfiguration.sslMode is ${mode ?? "unset"}; set ENCRYPTED_ONLY or TRUSTED_CLIENT_CERTIFICATE_REQUIRED`);
      }
    });
    ctx.each([T.mssqlServer], (r) => {
      const v = str(r.props.minimumTlsVersion);
      if (v !== undefined && v !== "1.2" && v !== "1.3") ctx.report(r, `${r.name}: minimumTlsVersion is ${v}; set "1.2"`);
    });
    ctx.each([T.pgFlexible, T.mysqlFlexible], (r) => {
      const v = flexibleConfig(r, all).get("require_secure_transport");
      if (v === "off" || v === "0") ctx.report(r, `${r.name}: server parameter require_secure_transport is ${v}; set it to on`);
    });
  },
};

const DB_PORTS = [5432, 3306, 1433, 1521];
const WORLD = ["0.0.0.0/0", "::/0"];

export const noPublicEndpoint: RuleDefinition = {
  name: "db-no-public-endpoint",
  description: "No database endpoint is reachable from the internet: no public IP / public network access, no world-open firewall or security-group rule on a database port.",
  remediationSteps: "Keep spec.network.private true and reach the database through the VPC / private endpoint / Cloud SQL Auth Proxy.",
  severity: "critical",
  enforcementLevel: "mandatory",
  defaults: {},
  check(ctx) {
    ctx.each([T.rdsInstance, T.rdsClusterInstance], (r) => {
      if (r.props.publiclyAccessible === true) ctx.report(r, `${r.name}: publiclyAccessible is true; set it to false`);
    });
    ctx.each([T.sqlInstance], (r) => {
      if (get(r.props, "settings.ipConfiguration.ipv4Enabled") !== false) {
        const open = list(get(r.props, "settings.ipConfiguration.authorizedNetworks")).some((n) => WORLD.includes(String(get(n, "value"))));
        ctx.report(r, `${r.name}: has a public IPv4 address (settings.ipConfiguration.ipv4Enabled is not false)${open ? " open to 0.0.0.0/0" : ""}; set ipv4Enabled: false and use privateNetwork`);
      }
    });
    ctx.each([T.mssqlServer], (r) => {
      if (r.props.publicNetworkAccessEnabled !== false) ctx.report(r, `${r.name}: publicNetworkAccessEnabled is not false; set it to false and use a private endpoint`);
    });
    ctx.each([T.pgFlexible, T.mysqlFlexible], (r) => {
      const pub = r.type === T.pgFlexible ? r.props.publicNetworkAccessEnabled !== false : r.props.publicNetworkAccess !== "Disabled";
      if (pub && !present(r, "delegatedSubnetId")) {
        ctx.report(r, `${r.name}: public network access is enabled; set ${r.type === T.pgFlexible ? "publicNetworkAccessEnabled: false" : 'publicNetworkAccess: "Disabled"'} and a delegatedSubnetId`);
      }
    });
    ctx.each([T.mssqlFirewall, T.pgFlexibleFirewall, T.mysqlFlexibleFirewall], (r) => {
      if (str(r.props.startIpAddress) === "0.0.0.0") {
        const all = str(r.props.endIpAddress) === "255.255.255.255";
        ctx.report(r, `${r.name}: firewall rule ${r.props.startIpAddress}-${String(r.props.endIpAddress)} admits ${all ? "the whole internet" : "every Azure service of any tenant"}; admit only your networks`);
      }
    });
    ctx.each([T.sgIngressRule], (r) => {
      const world = WORLD.includes(String(r.props.cidrIpv4 ?? "")) || WORLD.includes(String(r.props.cidrIpv6 ?? ""));
      if (!world) return;
      const from = Number(r.props.fromPort ?? 0);
      const to = Number(r.props.toPort ?? 65535);
      const all = String(r.props.ipProtocol ?? "") === "-1";
      const port = DB_PORTS.find((p) => all || (p >= from && p <= to));
      if (port !== undefined) ctx.report(r, `${r.name}: admits ${String(r.props.cidrIpv4 ?? r.props.cidrIpv6)} on database port ${port}; admit only your networks or security groups`);
    });
  },
};
