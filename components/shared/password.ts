// The generated master password every component creates: one RandomPassword shape, with the special
// characters each cloud accepts.
import type * as pulumi from "@pulumi/pulumi";
import * as random from "@pulumi/random";

export interface PasswordPolicy {
  /** Special characters the password may contain. */
  specials: string;
  /** Minimum count of each class: lower, upper, digit, special. */
  minEach: number;
}

/** Unreserved URL characters only, so the password survives connection strings unescaped (GCP, Azure). */
export const URL_SAFE_PASSWORD: PasswordPolicy = { specials: "-_.~", minEach: 2 };

/** A 32-character password, `<name>-password`, parented to `parent`. Its `result` is a secret output. */
export function generatedPassword(parent: pulumi.Resource, name: string, policy: PasswordPolicy): random.RandomPassword {
  const n = policy.minEach;
  return new random.RandomPassword(
    `${name}-password`,
    { length: 32, special: true, overrideSpecial: policy.specials, minLower: n, minUpper: n, minNumeric: n, minSpecial: n },
    { parent },
  );
}
