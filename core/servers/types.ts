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
  /** Stops the server process; data stays for the next start. */
  stop(): Promise<void>;
}
