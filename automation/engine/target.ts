// The Target (see ../targets/types.ts) whose ephemeral databases are Pulumi stacks: one stack per
// database, tagged with its owner and expiry so `list` (and reap) find it.
import { hostname } from "node:os";
import type { DbTarget } from "../../core/connection.js";
import type { CreateRequest, EphemeralDatabase, EphemeralMeta, Target } from "../targets/types.js";
import { cloudProgram, cloudStackConfig, type CloudConnection, type CloudKind } from "./cloud-program.js";
import { SERVER_URL_ENV } from "./provider.js";
import { PulumiEngine } from "./pulumi-engine.js";
import { serverAddress, serverProgram, type ServerAddress } from "./server-program.js";
import { assertSinglePulumiSdk, missingPlugins, providerPlugins, resolveSettings, type EngineSettingsInput } from "./settings.js";
import { EngineCancelledError, type StackEngine, type StackOutputs } from "./stack-engine.js";

/** Engine settings (backend, passphrase, cache and state directories, PATH) plus the stacks' target. */
export interface StackTargetOptions extends EngineSettingsInput {
  kind: "server" | CloudKind;
  engine: "postgres" | "mysql";
  /** `server` kind: the admin URL of the server the databases are made on. */
  serverUrl?: string;
  /** Engine output, one redacted line at a time. */
  onProgress?: (line: string) => void;
  /**
   * Cancels a running create/destroy: the CLI gets SIGINT and the stack stays destroyable. Once aborted,
   * destroy still runs (cleanup after a cancel), without the signal.
   */
  signal?: AbortSignal;
  /** Cloud kinds: AWS region / GCP region / Azure location. */
  region?: string;
  /** Cloud kinds: provider configuration (`aws:…`) and component settings (`dbtk:…`, see cloud-program.ts). */
  cloudConfig?: Record<string, string>;
}

/**
 * Stack tag names (stack tags work on the file backend from CLI v3.211). Three tags, because each is one
 * CLI call: the expiry and owner, readable in `pulumi stack tag ls`, and the rest as compact JSON.
 */
export const TAGS = {
  owner: "dbtk:owner",
  expiresAt: "dbtk:expires-at",
  meta: "dbtk:meta",
} as const;

/** What `dbtk:meta` holds. `place` is host:port of the server or kind:region: list shows only this target's. */
interface TagMeta {
  kind: string;
  target: string;
  createdAt: string;
  place: string;
  host?: string;
  pid?: number;
  /** The owner's start time and boot (core/process.ts): with pid, one process whatever reuses the pid. */
  start?: number;
  boot?: string;
}

function readTagMeta(tags: Record<string, string>): Partial<TagMeta> {
  try {
    return JSON.parse(tags[TAGS.meta] ?? "{}") as Partial<TagMeta>;
  } catch {
    return {};
  }
}

const STACK_NAME = /^[a-z][a-z0-9_]{0,62}$/;
const DEFAULT_REGION: Record<CloudKind, string> = { aws: "us-east-1", gcp: "us-central1", azure: "westeurope" };

/** A Target backed by the real Pulumi engine (Automation API, local workspaces, one per stack). */
export function createStackTarget(opts: StackTargetOptions): Target {
  const server = opts.kind === "server" ? serverFrom(opts) : undefined;
  const settings = resolveSettings(opts, server ? { [SERVER_URL_ENV]: opts.serverUrl as string } : {});
  // redact() also blanks its percent-encoded forms.
  if (server?.password) settings.secrets.push(server.password);
  assertSinglePulumiSdk(["@pulumi/aws", "@pulumi/gcp", "@pulumi/azure", "@pulumi/random"]);
  const engine = new PulumiEngine(settings);
  if (opts.kind === "server") return stackTargetWithEngine(opts, engine);
  const kind = opts.kind;
  const up = engine.up.bind(engine);
  engine.up = async (req) => {
    const missing = missingPlugins(providerPlugins(kind), settings.pulumiHome, settings.env.PATH ?? "");
    if (missing.length > 0) {
      throw new Error(
        `target ${kind} needs the Pulumi provider plugins ${missing.join(", ")}, which are not installed in ${settings.pulumiHome}/plugins nor on PATH: ` +
          `install them with PULUMI_HOME=${settings.pulumiHome} ${settings.pulumiBin} plugin install resource <name> <version> (needs access to the plugin download site)`,
      );
    }
    return up(req);
  };
  return stackTargetWithEngine(opts, engine);
}

function serverFrom(opts: StackTargetOptions): ServerAddress & { password: string } {
  if (!opts.serverUrl) {
    throw new Error("target server needs options.serverUrl: postgres://admin:password@host:5432/postgres or mysql://admin:password@host:3306");
  }
  return serverAddress(opts.serverUrl, opts.engine);
}

/**
 * The same Target over any StackEngine. Tests use it with a fake engine for the cloud kinds only (their
 * provider plugins cannot run here); the `server` kind is always tested through the real engine.
 */
export function stackTargetWithEngine(opts: StackTargetOptions, engine: StackEngine): Target {
  const server = opts.kind === "server" ? serverFrom(opts) : undefined;
  const region = opts.kind === "server" ? undefined : (opts.region ?? DEFAULT_REGION[opts.kind]);
  const place = server ? `${server.host}:${server.port}` : `${opts.kind}:${region}`;
  const run = { ...(opts.onProgress ? { onOutput: opts.onProgress } : {}), ...(opts.signal ? { signal: opts.signal } : {}) };

  const programFor = (meta: Pick<EphemeralMeta, "id" | "owner" | "createdAt" | "expiresAt">) => {
    if (server) {
      const { password: _password, ...address } = server;
      return serverProgram({ server: address, database: meta.id, owner: meta.owner, createdAt: meta.createdAt, expiresAt: meta.expiresAt });
    }
    return cloudProgram({
      kind: opts.kind as CloudKind,
      engine: opts.engine,
      id: meta.id,
      owner: meta.owner,
      expiresAt: meta.expiresAt,
      region: region as string,
      ...(opts.cloudConfig ? { cloudConfig: opts.cloudConfig } : {}),
    });
  };

  return {
    name: opts.kind,
    engine: opts.engine,

    async create(req: CreateRequest): Promise<EphemeralDatabase> {
      if (req.engine !== opts.engine) {
        throw new Error(`this ${opts.kind} target makes ${opts.engine} databases, not ${req.engine}: open the target with engine "${req.engine}"`);
      }
      if (!STACK_NAME.test(req.id)) {
        throw new Error(`id "${req.id}" cannot name a stack and database: lowercase letters, digits and _ only, starting with a letter, at most 63`);
      }
      const meta: EphemeralMeta = {
        id: req.id,
        target: req.target,
        owner: req.owner,
        createdAt: req.createdAt,
        expiresAt: req.expiresAt,
        host: req.host ?? hostname(),
        ...(req.pid !== undefined ? { pid: req.pid } : {}),
        ...(req.start !== undefined ? { start: req.start } : {}),
        ...(req.boot ? { boot: req.boot } : {}),
      };
      const tagMeta: TagMeta = {
        kind: opts.kind,
        target: req.target,
        createdAt: req.createdAt,
        place,
        ...(meta.host ? { host: meta.host } : {}),
        ...(req.pid !== undefined ? { pid: req.pid } : {}),
        ...(req.start !== undefined ? { start: req.start } : {}),
        ...(req.boot ? { boot: req.boot } : {}),
      };
      // Tag values hold at most 256 characters.
      const tags: Record<string, string> = {
        [TAGS.owner]: req.owner.slice(0, 256),
        [TAGS.expiresAt]: req.expiresAt,
        [TAGS.meta]: JSON.stringify(tagMeta),
      };
      const program = programFor(req);
      let outputs: StackOutputs;
      try {
        outputs = await engine.up({
          stack: req.id,
          program,
          tags,
          ...(region ? { config: cloudStackConfig({ kind: opts.kind as CloudKind, region, ...(opts.cloudConfig ? { cloudConfig: opts.cloudConfig } : {}) }) } : {}),
          ...run,
        });
      } catch (err) {
        // A failed create leaves nothing behind; a cancelled one stops at once (destroy cleans up later).
        if (!(err instanceof EngineCancelledError)) {
          await engine.destroy({ stack: req.id, ...(server ? { rebuild: () => program } : {}) }).catch((cleanup: unknown) => {
            opts.onProgress?.(`cleanup of ${req.id} failed too: ${(cleanup as Error).message.split("\n")[0]}`);
          });
        }
        throw err;
      }
      return { ...meta, connection: connectionOf(opts, outputs, req.id) };
    },

    async destroy(id: string): Promise<void> {
      if (!STACK_NAME.test(id)) throw new Error(`"${id}" is not an ephemeral database id (dbtk_<time>_<random>)`);
      // The program is rebuilt from the stack's tags only when a pending create needs re-running (server kind).
      const rebuild = (tags: Record<string, string>) =>
        programFor({
          id,
          owner: tags[TAGS.owner] ?? "unknown",
          createdAt: readTagMeta(tags).createdAt ?? new Date().toISOString(),
          expiresAt: tags[TAGS.expiresAt] ?? new Date().toISOString(),
        });
      // Cleaning up after a cancelled run must work: a signal aborted before destroy began is not applied.
      const { signal: _aborted, ...quiet } = run;
      // Only our dynamic provider's creates adopt what they find; re-running a cloud create would make a second database.
      await engine.destroy({ stack: id, ...(server ? { rebuild } : {}), ...(opts.signal?.aborted ? quiet : run) });
    },

    async list(): Promise<EphemeralMeta[]> {
      const out: EphemeralMeta[] = [];
      for (const s of await engine.list()) {
        const m = readTagMeta(s.tags);
        const expiresAt = s.tags[TAGS.expiresAt];
        if (m.kind !== opts.kind || m.place !== place || !m.createdAt || !expiresAt) continue;
        out.push({
          id: s.name,
          target: m.target ?? opts.kind,
          owner: s.tags[TAGS.owner] ?? "?",
          createdAt: m.createdAt,
          expiresAt,
          ...(m.host ? { host: m.host } : {}),
          ...(typeof m.pid === "number" ? { pid: m.pid } : {}),
          ...(typeof m.start === "number" ? { start: m.start } : {}),
          ...(typeof m.boot === "string" ? { boot: m.boot } : {}),
        });
      }
      return out;
    },

    async close(): Promise<void> {
      // No client connections are held: each operation opens and closes its own.
    },
  };
}

function connectionOf(opts: StackTargetOptions, outputs: StackOutputs, id: string): DbTarget {
  const value = (key: string) => outputs[key]?.value;
  if (opts.kind === "server") {
    return {
      engine: opts.engine,
      host: String(value("host")),
      port: Number(value("port")),
      user: String(value("user")),
      password: String(value("password")),
      database: String(value("database")),
    };
  }
  const c = value("connection") as CloudConnection | undefined;
  if (!c) throw new Error(`stack ${id} has no "connection" output; its program did not finish`);
  if (!c.password) throw new Error(`stack ${id}: the cloud manages the master password; read it from the secret the component created`);
  return { engine: opts.engine, host: c.host, port: Number(c.port), user: c.user, password: c.password, database: c.database };
}
