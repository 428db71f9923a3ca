// The provider as the engine runs it: a child process (provider/dist/main.js, built by `npm run build`)
// that prints its port, spoken to over gRPC with the stubs @pulumi/pulumi ships.
import { spawn, type ChildProcess } from "node:child_process";
import { createRequire } from "node:module";
import { homedir } from "node:os";
import path from "node:path";

export const REPO = path.resolve(import.meta.dirname, "../..");
export const PROVIDER_MAIN = path.join(REPO, "provider", "dist", "main.js");
/** The tool cache the installers fill (tools/lib.sh's DBTK_CACHE). */
export const DBTK_CACHE = process.env["DBTK_CACHE_DIR"] ?? path.join(process.env["XDG_CACHE_HOME"] ?? path.join(homedir(), ".cache"), "dbtk");

const require = createRequire(import.meta.url);
// Generated CommonJS stubs without usable types for this use: typed here by the calls made.
const grpc = require("@grpc/grpc-js") as { credentials: { createInsecure(): unknown } };
const services = require("@pulumi/pulumi/proto/provider_grpc_pb.js") as {
  ResourceProviderClient: new (address: string, credentials: unknown) => ProviderClient;
};
const messages = require("@pulumi/pulumi/proto/provider_pb.js") as { GetSchemaRequest: new () => object };

interface ProviderClient {
  getSchema(request: object, callback: (error: Error | null, response: { getSchema(): string }) => void): void;
  close(): void;
}

export interface RunningPlugin {
  port: number;
  getSchema(): Promise<string>;
  stop(): Promise<void>;
}

/** Starts the plugin with a (never dialled) engine address, as the engine does, and connects to its port. */
export async function startPlugin(): Promise<RunningPlugin> {
  const child: ChildProcess = spawn(process.execPath, [PROVIDER_MAIN, "127.0.0.1:1"], { stdio: ["ignore", "pipe", "pipe"] });
  let stderr = "";
  child.stderr?.on("data", (d: Buffer) => (stderr += d.toString()));
  const port = await new Promise<number>((resolve, reject) => {
    let out = "";
    child.stdout?.on("data", (d: Buffer) => {
      out += d.toString();
      const line = out.split("\n")[0];
      if (out.includes("\n") && line) resolve(Number(line.trim()));
    });
    child.once("exit", (code) => reject(new Error(`provider exited (${code}) before printing its port: ${stderr}`)));
  });
  const client = new services.ResourceProviderClient(`127.0.0.1:${port}`, grpc.credentials.createInsecure());
  return {
    port,
    getSchema: () =>
      new Promise((resolve, reject) =>
        client.getSchema(new messages.GetSchemaRequest(), (error, response) => (error ? reject(error) : resolve(response.getSchema()))),
      ),
    async stop() {
      client.close();
      if (child.exitCode !== null) return;
      const exited = new Promise((resolve) => child.once("exit", resolve));
      child.kill("SIGTERM");
      await exited;
    },
  };
}
