// Ephemeral databases through the real Pulumi engine: one stack per database, driven by the Automation API.
export { createStackTarget, stackTargetWithEngine, TAGS } from "./target.ts";
export type { StackTargetOptions } from "./target.ts";
export { PulumiEngine, PROJECT } from "./pulumi-engine.ts";
export { EngineCancelledError } from "./stack-engine.ts";
export type { StackEngine, StackOutputs, StackSummary, UpRequest, DestroyRequest, RunOptions } from "./stack-engine.ts";
export { serverProgram, parseServerUrl, roleName, databaseComment } from "./server-program.ts";
export type { ServerProgramInput, ServerAddress } from "./server-program.ts";
export { cloudProgram, cloudSpecInput, cloudStackConfig, cloudName, ttlTags } from "./cloud-program.ts";
export type { CloudKind, CloudProgramInput, CloudConnection } from "./cloud-program.ts";
export { ServerDatabase, serverDatabaseProvider, SERVER_URL_ENV } from "./provider.ts";
export { resolveSettings, findPulumi, assertSinglePulumiSdk, redactUrl, providerPlugins, missingPlugins } from "./settings.ts";
export type { EngineSettings, EngineSettingsInput } from "./settings.ts";
