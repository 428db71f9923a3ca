// SARIF 2.1.0 rendering of a lint report, for code-scanning upload in CI.
import path from "node:path";
import { MYSQL_RULES } from "./mysql-rules.js";
import type { LintReport } from "./types.js";

export interface SarifLog {
  $schema: string;
  version: "2.1.0";
  runs: Array<{
    tool: { driver: { name: string; informationUri: string; rules: Array<{ id: string; shortDescription: { text: string }; help: { text: string }; defaultConfiguration: { level: "error" | "warning" } }> } };
    results: Array<{
      ruleId: string;
      ruleIndex: number;
      level: "error" | "warning";
      message: { text: string };
      locations: Array<{ physicalLocation: { artifactLocation: { uri: string }; region: { startLine: number; startColumn?: number } } }>;
    }>;
  }>;
}

const toUri = (file: string) => (path.isAbsolute(file) ? path.relative(process.cwd(), file) : file).split(path.sep).join("/");

export function toSarif(report: LintReport): SarifLog {
  const rules: SarifLog["runs"][number]["tool"]["driver"]["rules"] = [];
  const index = new Map<string, number>();
  for (const f of report.findings) {
    if (index.has(f.rule)) continue;
    index.set(f.rule, rules.length);
    const known = MYSQL_RULES[f.rule];
    rules.push({
      id: f.rule,
      shortDescription: { text: known?.summary ?? f.message },
      help: { text: f.safeAlternative },
      defaultConfiguration: { level: f.severity },
    });
  }
  return {
    $schema: "https://json.schemastore.org/sarif-2.1.0.json",
    version: "2.1.0",
    runs: [
      {
        tool: { driver: { name: "dbtk-lint", informationUri: "https://squawkhq.com", rules } },
        results: report.findings.map((f) => ({
          ruleId: f.rule,
          ruleIndex: index.get(f.rule) ?? 0,
          level: f.severity,
          message: { text: `${f.message} Safe alternative: ${f.safeAlternative}` },
          locations: [{ physicalLocation: { artifactLocation: { uri: toUri(f.file) }, region: { startLine: f.line, ...(f.column ? { startColumn: f.column } : {}) } } }],
        })),
      },
    ],
  };
}
