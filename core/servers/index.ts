export { startLocalPostgres, stopLocalPostgres, type LocalPostgresOptions } from "./postgres.js";
export { startLocalMariadb, stopLocalMariadb, type LocalMariadbOptions } from "./mariadb.js";
export type { ServerHandle, ServerPhase } from "./types.js";
export { cacheDir, serversDir, dirsFromEnv, type Env, type ToolkitDirs } from "./paths.js";
export { freePort } from "./net.js";
export { withFileLock, type LockHolder, type LockOptions } from "./file-lock.js";
export { localServerStatus, stopLocalServer, type LocalServerStatus } from "./status.js";
