// The seam between the ephemeral-database target and the Pulumi engine: what the target needs from a
// stack backend, small enough to fake for the cloud kinds (whose provider plugins cannot run here).
import type { PulumiFn } from "@pulumi/pulumi/automation/index.js";

export type StackOutputs = Record<string, { value: unknown; secret: boolean }>;

export interface RunOptions {
  /** One call per line of engine output, already redacted. */
  onOutput?: (line: string) => void;
  /** Aborting sends SIGINT to the CLI (#16783); the stack stays destroyable. */
  signal?: AbortSignal;
}

export interface UpRequest extends RunOptions {
  stack: string;
  program: PulumiFn;
  /** Stack tags (owner, expiry…), set before the update so a crashed run is still found by list. */
  tags: Record<string, string>;
  /** Stack configuration, e.g. `aws:region`. */
  config?: Record<string, string>;
}

export interface DestroyRequest extends RunOptions {
  stack: string;
  /**
   * Rebuilds the stack's program from its tags: after an interrupted update left pending creates, the
   * engine re-runs it (our creates adopt what they find) so destroy removes what was half-made.
   */
  rebuild?: (tags: Record<string, string>) => PulumiFn;
}

export interface StackSummary {
  name: string;
  tags: Record<string, string>;
}

export interface StackEngine {
  /** Creates or selects the stack, tags it and runs `up`; returns the stack outputs (secrets flagged). */
  up(req: UpRequest): Promise<StackOutputs>;
  /** Destroys the stack's resources and removes the stack; false when there was no such stack. */
  destroy(req: DestroyRequest): Promise<boolean>;
  /** Every stack of the project with its tags. */
  list(): Promise<StackSummary[]>;
}

/** Thrown when an operation was cancelled through its AbortSignal. */
export class EngineCancelledError extends Error {
  constructor(
    readonly stackName: string,
    readonly operation: string,
  ) {
    super(`${operation} of stack ${stackName} was cancelled; run destroy (dbtk down ${stackName}) to remove what was created`);
    this.name = "EngineCancelledError";
  }
}
