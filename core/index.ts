// The shared lower layer under automation/ and migrations/: connections (URL parsing, URL forms,
// redaction), errors, and the local database servers.
export * from "./connection.js";
export { DbtkError, Interrupted, signalNumber } from "./errors.js";
export * from "./servers/index.js";
