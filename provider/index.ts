// Public entry point of @dbtk/provider: the component provider and its schema, for hosting or inspection.
export { DbtkProvider } from "./provider.js";
export type { DbtkProviderOptions } from "./provider.js";
export { buildSchema } from "./schema.js";
export type { PackageSchema } from "./schema.js";
export { checkInputs } from "./check.js";
export { components, PACKAGE_NAME } from "./model.js";
