// Compile-time assertions, kept apart from contract.ts so public declarations that use them do not pull
// zod's types into a consumer's type check.

/** Exactly the same type (not merely assignable either way). */
export type Equals<A, B> = (<G>() => G extends A ? 1 : 2) extends <G>() => G extends B ? 1 : 2 ? true : false;
/** Compiles only with `true`. */
export type Assert<T extends true> = T;
