// GitHub Actions workflow commands: one `::error file=…,line=…,title=…::message` line per finding, shown
// as annotations on the pull request's diff.
import type { LintReport } from "./types.js";

// Workflow-command escaping: data needs %, CR, LF escaped; properties also : and ,.
const data = (s: string) => s.replace(/%/g, "%25").replace(/\r/g, "%0D").replace(/\n/g, "%0A");
const prop = (s: string) => data(s).replace(/:/g, "%3A").replace(/,/g, "%2C");

export function toGithubAnnotations(report: LintReport): string {
  return report.findings
    .map((f) => {
      const props = [`file=${prop(f.file)}`, `line=${f.line}`, ...(f.column ? [`col=${f.column}`] : []), `title=${prop(`${f.rule} (dbtk lint)`)}`];
      return `::${f.severity} ${props.join(",")}::${data(`${f.message}\nSafe alternative: ${f.safeAlternative}`)}\n`;
    })
    .join("");
}
