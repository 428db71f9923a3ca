// Automatic tuning of Azure SQL logical servers: the defaults and the ARM template, without Pulumi.
import { describe, expect, it } from "vitest";
import { automaticTuningParameters, automaticTuningSettings, automaticTuningTemplate } from "../../../components/azure/index.ts";

type Template = ReturnType<typeof automaticTuningTemplate>;
const autoExecute = (t: Template) => Object.fromEntries(t.resources.map((r) => [r.name, r.properties.autoExecuteValue]));

describe("automaticTuningSettings", () => {
  it("defaults: on, create index and force last good plan, no index drops", () => {
    expect(automaticTuningSettings(undefined)).toEqual({ enabled: true, createIndex: true, dropIndex: false, forceLastGoodPlan: true });
    expect(automaticTuningSettings({})).toEqual(automaticTuningSettings(undefined));
  });
  it("keeps what is asked, option by option", () => {
    expect(automaticTuningSettings({ dropIndex: true })).toEqual({ enabled: true, createIndex: true, dropIndex: true, forceLastGoodPlan: true });
    expect(automaticTuningSettings({ createIndex: false, forceLastGoodPlan: false })).toMatchObject({ createIndex: false, forceLastGoodPlan: false, dropIndex: false });
    expect(automaticTuningSettings({ enabled: false }).enabled).toBe(false);
  });
});

describe("automaticTuningTemplate", () => {
  const t = automaticTuningTemplate(automaticTuningSettings(undefined));

  it("a deployment template with the server name as its only parameter", () => {
    expect(t.$schema).toMatch(/deploymentTemplate\.json#$/);
    expect(t.contentVersion).toBe("1.0.0.0");
    expect(t.parameters).toEqual({ serverName: { type: "string" } });
  });

  it("deploys the server advisors (PUT-able), one per option, every option explicit", () => {
    for (const r of t.resources) expect(r).toMatchObject({ type: "Microsoft.Sql/servers/advisors", apiVersion: "2014-04-01" });
    expect(autoExecute(t)).toEqual({
      "[concat(parameters('serverName'), '/CreateIndex')]": "Enabled",
      "[concat(parameters('serverName'), '/DropIndex')]": "Disabled",
      "[concat(parameters('serverName'), '/ForceLastGoodPlan')]": "Enabled",
    });
  });

  it("follows the settings", () => {
    const all = autoExecute(automaticTuningTemplate({ enabled: true, createIndex: false, dropIndex: true, forceLastGoodPlan: false }));
    expect(Object.values(all)).toEqual(["Disabled", "Enabled", "Disabled"]);
  });

  it("chains the advisors so one change at a time reaches the service", () => {
    expect(t.resources.map((r) => ("dependsOn" in r ? r.dependsOn : undefined))).toEqual([
      undefined,
      ["[resourceId('Microsoft.Sql/servers/advisors', parameters('serverName'), 'CreateIndex')]"],
      ["[resourceId('Microsoft.Sql/servers/advisors', parameters('serverName'), 'DropIndex')]"],
    ]);
  });

  it("survives JSON and names the parameter the parameters file sets", () => {
    expect(JSON.parse(JSON.stringify(t))).toEqual(t);
    expect(JSON.parse(automaticTuningParameters("sql-orders"))).toEqual({ serverName: { value: "sql-orders" } });
  });
});
