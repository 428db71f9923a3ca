// Cloud SQL promises of issue #12 on stacks not built with the components: the built-in users' passwords
// are checked by a password validation policy (GcpCloudSqlDatabase turns it on in prod for PostgreSQL and
// MySQL: 16 characters, complexity, reuse interval 5, no user name inside).
// Field names: node_modules/@pulumi/gcp/types/input.d.ts DatabaseInstanceSettingsPasswordValidationPolicy;
// https://cloud.google.com/sql/docs/postgres/built-in-authentication#password-policy
import { get } from "../context.js";
import { T } from "../resource-types.js";
import type { RuleDefinition } from "../types.js";
import { isReplica } from "./encryption.js";

export const passwordPolicy: RuleDefinition = {
  name: "db-password-policy",
  description: "Cloud SQL PostgreSQL and MySQL primaries enforce a password validation policy on built-in users (settings.passwordValidationPolicy.enablePasswordPolicy).",
  remediationSteps: "Set settings.passwordValidationPolicy { enablePasswordPolicy: true, minLength: 16, complexity: \"COMPLEXITY_DEFAULT\", reuseInterval: 5, disallowUsernameSubstring: true } (GcpCloudSqlDatabase does in prod; passwordValidation).",
  severity: "medium",
  enforcementLevel: "advisory",
  defaults: { environments: ["prod"] },
  check(ctx) {
    ctx.each([T.sqlInstance], (r) => {
      // Replicas take their users (and the policy) from the primary; SQL Server has its own policy.
      if (isReplica(r) || !/^(POSTGRES|MYSQL)/.test(String(r.props.databaseVersion ?? ""))) return;
      const enabled = get(r.props, "settings.passwordValidationPolicy.enablePasswordPolicy");
      if (enabled !== true) {
        const state = enabled === undefined ? "no settings.passwordValidationPolicy" : `settings.passwordValidationPolicy.enablePasswordPolicy is ${JSON.stringify(enabled)}`;
        ctx.report(r, `${r.name}: ${state}, so built-in users may get weak or reused passwords; set settings.passwordValidationPolicy { enablePasswordPolicy: true, minLength: 16, complexity: "COMPLEXITY_DEFAULT" }`);
      }
    });
  },
};
