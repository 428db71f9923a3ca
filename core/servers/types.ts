/** A running database server the toolkit can create databases on. */
export interface ServerHandle {
  engine: "postgres" | "mysql";
  host: string;
  port: number;
  /** Admin login with the right to create databases and roles. */
  user: string;
  password: string;
  /** Local servers only: the directory holding data, logs and state. */
  rootDir?: string;
  /** Local servers only: true when this call started the server (it was not running), so the caller may stop it. */
  started?: boolean;
  /** Stops the server process; data stays for the next start. */
  stop(): Promise<void>;
}

/** A slow step of a local server's start, reported when it happened, with its duration. */
export interface ServerPhase {
  /** `server init` (a new data directory) or `server start` (the server process had to be started). */
  phase: "server init" | "server start";
  ms: number;
  /** What was made or started, e.g. `PostgreSQL on 127.0.0.1:5433`. */
  detail: string;
}
