// Ephemeral databases through the real Pulumi engine: one stack per database, driven by the Automation API.
export { createStackTarget, stackTargetWithEngine, TAGS } from "./target.js";
export type { StackTargetOptions } from "./target.js";
export { PulumiEngine, PROJECT } from "./pulumi-engine.js";
export { EngineCancelledError } from "./stack-engine.js";
export type { StackEngine, StackOutputs, StackSummary, UpRequest, DestroyRequest, RunOptions } from "./stack-engine.js";
export { serverProgram, serverAddress, roleName, databaseComment } from "./server-program.js";
export type { ServerProgramInput, ServerAddress } from "./server-program.js";
export { cloudProgram, cloudSpecInput, cloudStackConfig, cloudName, ttlTags } from "./cloud-program.js";
export type { CloudKind, CloudProgramInput, CloudConnection } from "./cloud-program.js";
export { ServerDatabase, serverDatabaseProvider, SERVER_URL_ENV } from "./provider.js";
export { resolveSettings, findPulumi, assertSinglePulumiSdk, providerPlugins, missingPlugins } from "./settings.js";
export type { EngineSettings, EngineSettingsInput } from "./settings.js";
