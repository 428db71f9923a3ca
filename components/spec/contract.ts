// One spec contract: the DatabaseSpec types (types.ts) and the zod schema (schema.ts) are written
// separately (the types carry the docs, the schema the messages), so this file makes them unable to drift.
// `SpecShape` flattens a type to its fields (unions of objects merged, optional fields as `| undefined`);
// the assertions below fail to compile when a field, its type or its optionality differs between the two.
// tests/components/spec/contract.test.ts proves it: a field added on one side only is a type error there.
import type * as pulumi from "@pulumi/pulumi";
import type { z } from "zod";
import type { databaseSpecSchema, engineSchema, environmentSchema, tierSchema } from "./schema.js";
import type { DatabaseSpec, Engine, Environment, SizeTier } from "./types.js";

import type { Assert, Equals } from "./type-assert.js";
export type { Assert, Equals } from "./type-assert.js";

type Leaf = string | number | boolean | bigint | symbol | null | undefined | PromiseLike<unknown> | pulumi.OutputInstance<unknown>;
type AllKeys<T> = T extends unknown ? keyof T : never;
// A member without the key contributes `undefined`: `{ tier } | { instanceClass }` reads as two optional fields.
type ValueAt<T, K extends PropertyKey> = T extends unknown ? (K extends keyof T ? T[K] : undefined) : never;
type Fields<O> = [O] extends [never] ? never : { [K in AllKeys<O>]: SpecShape<ValueAt<O, K>> };

/** The fields of `T` at every depth, unions of objects merged into one object. */
export type SpecShape<T> =
  | Extract<T, Leaf>
  | (Extract<T, readonly unknown[]> extends readonly (infer U)[] ? SpecShape<U>[] : never)
  | Fields<Exclude<T, Leaf | readonly unknown[]>>;

/** What the schema accepts, in the types' terms. */
export type SchemaSpec = z.input<typeof databaseSpecSchema>;

// The checks: unused names, evaluated by `tsc` (npx tsc --noEmit -p . and the package build).
export type SpecMatchesSchema = Assert<Equals<SpecShape<DatabaseSpec>, SpecShape<SchemaSpec>>>;
export type SchemaOutputMatchesSpec = Assert<Equals<SpecShape<z.output<typeof databaseSpecSchema>>, SpecShape<DatabaseSpec>>>;
export type EnginesMatch = Assert<Equals<z.infer<typeof engineSchema>, Engine>>;
export type EnvironmentsMatch = Assert<Equals<z.infer<typeof environmentSchema>, Environment>>;
export type TiersMatch = Assert<Equals<z.infer<typeof tierSchema>, SizeTier>>;
