// The real engine: one Pulumi stack per ephemeral database, driven through the Automation API with an
// inline program. Every stack gets its own workspace directory, because createStack/selectStack rewrite
// the workspace's files and are not safe in parallel within one (#8186, #6287).
import { randomUUID } from "node:crypto";
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync } from "node:fs";
import { hostname } from "node:os";
import path from "node:path";
import {
  ConcurrentUpdateError,
  LocalWorkspace,
  PulumiCommand,
  Stack,
  StackAlreadyExistsError,
  StackNotFoundError,
  type LocalWorkspaceOptions,
  type PulumiFn,
} from "@pulumi/pulumi/automation/index.js";
import { redact } from "../../core/connection.js";
import type { EngineSettings } from "./settings.js";
import {
  EngineCancelledError,
  type DestroyRequest,
  type RunOptions,
  type StackEngine,
  type StackOutputs,
  type StackSummary,
  type UpRequest,
} from "./stack-engine.js";

/** Pulumi project holding every ephemeral-database stack. */
export const PROJECT = "dbtk-ephemeral";

interface PendingOperation {
  type: string;
  resource?: { urn?: string; type?: string };
}

export class PulumiEngine implements StackEngine {
  private command?: Promise<PulumiCommand>;
  private warmedUp?: Promise<void>;

  constructor(private readonly settings: EngineSettings) {}

  async up(req: UpRequest): Promise<StackOutputs> {
    return this.withWorkspace(req.stack, req.program, async (ws) => {
      // Ids are new, so `stack init` straight away (createOrSelect would try a `stack select` first).
      const stack = await Stack.create(req.stack, ws).catch((err: unknown) => {
        if (err instanceof StackAlreadyExistsError) return Stack.select(req.stack, ws);
        throw this.explain("stack init", req.stack, err);
      });
      if (req.config && Object.keys(req.config).length > 0) {
        await stack.setAllConfig(Object.fromEntries(Object.entries(req.config).map(([k, value]) => [k, { value }])));
      }
      // Tags first: a run killed during `up` must still be listed (and reaped) by its expiry.
      for (const [key, value] of Object.entries(req.tags)) await stack.setTag(key, value);
      const result = await this.run("up", req, (o) => stack.up({ ...o, color: "never" }));
      return result.outputs;
    });
  }

  async destroy(req: DestroyRequest): Promise<boolean> {
    return this.withWorkspace(req.stack, noProgram, async (ws) => {
      let stack: Stack;
      try {
        stack = await Stack.select(req.stack, ws);
      } catch (err) {
        if (err instanceof StackNotFoundError) return false;
        throw this.explain("select", req.stack, err);
      }
      await this.recover(ws, stack, req);
      await this.run("destroy", req, (o) => stack.destroy({ ...o, color: "never" }));
      // Only an empty stack is removed: never `--force`, which would forget live resources.
      await ws.removeStack(req.stack).catch((err: unknown) => {
        throw this.explain("stack rm", req.stack, err);
      });
      this.purgeFileBackend(req.stack);
      return true;
    });
  }

  async list(): Promise<StackSummary[]> {
    return this.withWorkspace(`.list-${randomUUID()}`, noProgram, async (ws) => {
      const stacks = await ws.listStacks();
      const out: StackSummary[] = [];
      // A few tag reads at a time: each is one CLI process.
      for (let i = 0; i < stacks.length; i += 4) {
        const batch = stacks.slice(i, i + 4);
        const tags = await Promise.all(batch.map((s) => ws.listTags(s.name).catch(() => ({}))));
        batch.forEach((s, j) => out.push({ name: s.name, tags: tags[j] ?? {} }));
      }
      return out;
    });
  }

  /** After an interrupted run: free a dead process's lock, then settle pending operations. */
  private async recover(ws: LocalWorkspace, stack: Stack, req: DestroyRequest): Promise<void> {
    if (this.releaseDeadLocks(stack.name)) {
      this.say(req, `stack ${stack.name}: removing the lock of a pulumi process that is gone`);
      await stack.cancel();
    }
    const pending = await this.pendingOperations(stack);
    if (pending.length === 0) return;
    const creates = pending.filter((p) => p.type === "creating");
    this.say(req, `stack ${stack.name}: ${pending.length} pending operation(s) from an interrupted run; refreshing`);
    await this.run("refresh", req, (o) => stack.refresh({ ...o, color: "never", clearPendingCreates: true }));
    if (creates.length === 0) return;
    if (req.rebuild) {
      // The interrupted create may have made its resource: run it again (our creates adopt) so destroy sees it.
      ws.program = req.rebuild(await ws.listTags(stack.name));
      this.say(req, `stack ${stack.name}: re-running the interrupted create so destroy can remove what it made`);
      await this.run("up", req, (o) => stack.up({ ...o, color: "never" }));
    } else {
      for (const c of creates) this.say(req, `warning: an interrupted create may have left ${c.resource?.urn ?? "a resource"}; check it by hand`);
    }
  }

  /**
   * Pending operations of the last deployment. A file backend's checkpoint is read directly: `stack export`
   * decrypts every secret and costs a second CLI run on each destroy.
   */
  private async pendingOperations(stack: Stack): Promise<PendingOperation[]> {
    const root = this.fileBackendDir();
    const file = root && path.join(root, "stacks", PROJECT, `${stack.name}.json`);
    if (file && existsSync(file)) {
      const checkpoint = JSON.parse(readFileSync(file, "utf8")) as { checkpoint?: { latest?: { pending_operations?: PendingOperation[] } } };
      return checkpoint.checkpoint?.latest?.pending_operations ?? [];
    }
    const exported = await stack.exportStack();
    return (exported.deployment as { pending_operations?: PendingOperation[] } | undefined)?.pending_operations ?? [];
  }

  /** `stack rm` leaves the last checkpoint's `.bak` (with its encrypted secrets) and empty directories. */
  private purgeFileBackend(stackName: string): void {
    const root = this.fileBackendDir();
    if (!root) return;
    const stacks = path.join(root, "stacks", PROJECT);
    if (existsSync(stacks)) {
      for (const f of readdirSync(stacks)) if (f.startsWith(`${stackName}.json`)) rmSync(path.join(stacks, f), { force: true });
    }
    for (const dir of [path.join(root, "history", PROJECT, stackName), path.join(root, "backups", PROJECT, stackName)]) {
      rmSync(dir, { recursive: true, force: true });
    }
    const locks = path.join(root, "locks", "organization", PROJECT, stackName);
    if (existsSync(locks) && readdirSync(locks).length === 0) rmSync(locks, { recursive: true, force: true });
  }

  /** The `.pulumi` directory of a file backend, else undefined. */
  private fileBackendDir(): string | undefined {
    const url = this.settings.backendUrl;
    return url.startsWith("file://") ? path.join(url.slice("file://".length).replace(/\?.*$/, ""), ".pulumi") : undefined;
  }

  /** True when the file backend holds a lock of this stack taken by a process of this host that has exited. */
  private releaseDeadLocks(stackName: string): boolean {
    const root = this.fileBackendDir();
    if (!root) return false;
    const dir = path.join(root, "locks", "organization", PROJECT, stackName);
    if (!existsSync(dir)) return false;
    let dead = false;
    for (const file of readdirSync(dir)) {
      try {
        const lock = JSON.parse(readFileSync(path.join(dir, file), "utf8")) as { pid?: number; hostname?: string };
        if (lock.hostname === hostname() && lock.pid && !alive(lock.pid)) dead = true;
      } catch {
        // A lock being written right now belongs to a live process.
      }
    }
    return dead;
  }

  private async run<T>(op: string, req: RunOptions & { stack: string }, fn: (o: RunHooks) => Promise<T>): Promise<T> {
    if (req.signal?.aborted) throw new EngineCancelledError(req.stack, op);
    const lines = this.lineWriter(req.onOutput);
    try {
      return await fn({ onOutput: lines.write, signal: req.signal });
    } catch (err) {
      if (req.signal?.aborted) throw new EngineCancelledError(req.stack, op);
      throw this.explain(op, req.stack, err);
    } finally {
      lines.flush();
    }
  }

  private async withWorkspace<T>(dirName: string, program: PulumiFn, fn: (ws: LocalWorkspace) => Promise<T>): Promise<T> {
    await this.warmUp();
    const workDir = path.join(this.settings.workRoot, dirName);
    rmSync(workDir, { recursive: true, force: true });
    mkdirSync(workDir, { recursive: true });
    try {
      return await fn(await this.workspace(workDir, { program, secretsProvider: "passphrase" }));
    } finally {
      // Everything that matters is in the backend; the directory only served this one operation.
      rmSync(workDir, { recursive: true, force: true });
    }
  }

  private async workspace(workDir: string, extra: Pick<LocalWorkspaceOptions, "program" | "secretsProvider"> = {}): Promise<LocalWorkspace> {
    return LocalWorkspace.create({
      workDir,
      pulumiHome: this.settings.pulumiHome,
      pulumiCommand: await this.pulumiCommand(),
      projectSettings: { name: PROJECT, runtime: "nodejs", backend: { url: this.settings.backendUrl } },
      envVars: this.settings.env,
      ...extra,
    });
  }

  private pulumiCommand(): Promise<PulumiCommand> {
    this.command ??= PulumiCommand.get({ root: this.settings.pulumiRoot }).catch((err: unknown) => {
      this.command = undefined;
      throw new Error(`the Pulumi CLI at ${this.settings.pulumiBin} is not usable (${firstLine(err)}); rerun tools/install-pulumi.sh`);
    });
    return this.command;
  }

  // The first use of a fresh file backend writes its meta.yaml; do it once before parallel stack inits.
  private warmUp(): Promise<void> {
    const root = this.fileBackendDir();
    if (!root || existsSync(path.join(root, "meta.yaml"))) return Promise.resolve();
    this.warmedUp ??= (async () => {
      const workDir = path.join(this.settings.workRoot, `.warm-${randomUUID()}`);
      mkdirSync(workDir, { recursive: true });
      try {
        await (await this.workspace(workDir)).listStacks();
      } finally {
        rmSync(workDir, { recursive: true, force: true });
      }
    })();
    return this.warmedUp;
  }

  private redact(text: string): string {
    return redact(text, this.settings.secrets);
  }

  private say(req: RunOptions, line: string): void {
    req.onOutput?.(this.redact(line));
  }

  private lineWriter(onOutput?: (line: string) => void): { write: (chunk: string) => void; flush: () => void } {
    let buffer = "";
    const emit = (line: string) => {
      if (onOutput && line.trim() !== "") onOutput(this.redact(line.replace(/\r$/, "")));
    };
    return {
      write: (chunk) => {
        buffer += chunk;
        const parts = buffer.split("\n");
        buffer = parts.pop() ?? "";
        parts.forEach(emit);
      },
      flush: () => {
        emit(buffer);
        buffer = "";
      },
    };
  }

  /** A short, redacted error: the CLI's `error:` lines rather than its whole transcript. */
  private explain(op: string, stack: string, err: unknown): Error {
    const text = err instanceof Error ? err.message : String(err);
    const errorLines = text
      .split("\n")
      .map((l) => l.trim())
      .filter((l) => /^error:|error:/.test(l))
      .filter((l, i, all) => all.indexOf(l) === i)
      .slice(-8);
    const detail = errorLines.length > 0 ? errorLines.join("\n") : text.split("\n").slice(-8).join("\n");
    const hint =
      err instanceof ConcurrentUpdateError
        ? `\nanother pulumi operation holds the lock on stack ${stack}; wait for it (or, if its process is gone, run destroy again)`
        : "";
    const wrapped = new Error(`pulumi ${op} of stack ${stack} failed:\n${this.redact(detail)}${hint}`);
    wrapped.name = "EngineError";
    return wrapped;
  }
}

// Operations that do not run the program still get an inline one, so the CLI never looks for a
// nodejs project on disk.
const noProgram: PulumiFn = async () => ({});

interface RunHooks {
  onOutput: (chunk: string) => void;
  signal?: AbortSignal;
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === "EPERM";
  }
}

function firstLine(err: unknown): string {
  return (err instanceof Error ? err.message : String(err)).split("\n")[0] ?? "";
}
