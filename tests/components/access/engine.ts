// One Pulumi stack driven through the real engine (CLI from tools/install-pulumi.sh, file backend, the
// dynamic-provider launcher), with an inline program swapped between steps, as a user's `pulumi up` would.
import { mkdirSync, readFileSync } from "node:fs";
import path from "node:path";
import { LocalWorkspace, PulumiCommand, type PulumiFn, type Stack, type UpResult } from "@pulumi/pulumi/automation/index.js";
import { resolveSettings } from "../../../automation/engine/index.ts";
import { engineHost } from "../../automation/engine/helpers.ts";

export const PROJECT = "dbtk-access-test";

export interface TestStack {
  up(program: PulumiFn): Promise<UpResult & { log: string }>;
  destroy(): Promise<string>;
  refresh(): Promise<void>;
  /** The stack's checkpoint file, as the file backend stores it. */
  stateText(): string;
}

export async function testStack(stateDir: string, name: string): Promise<TestStack> {
  const settings = resolveSettings({ stateDir, passphrase: "access-test-passphrase", ...engineHost });
  const workDir = path.join(settings.workRoot, name);
  mkdirSync(workDir, { recursive: true });
  const stack: Stack = await LocalWorkspace.createOrSelectStack(
    { stackName: name, projectName: PROJECT, program: async () => ({}) },
    {
      workDir,
      pulumiHome: settings.pulumiHome,
      pulumiCommand: await PulumiCommand.get({ root: settings.pulumiRoot }),
      projectSettings: { name: PROJECT, runtime: "nodejs", backend: { url: settings.backendUrl } },
      envVars: settings.env,
      secretsProvider: "passphrase",
    },
  );
  const stateFile = path.join(settings.backendUrl.slice("file://".length), ".pulumi", "stacks", PROJECT, `${name}.json`);
  return {
    async up(program) {
      (stack.workspace as LocalWorkspace).program = program;
      let log = "";
      const result = await stack.up({ color: "never", onOutput: (s) => (log += s) }).catch((err: Error) => {
        throw Object.assign(new Error(`${err.message}\n${log}`), { log });
      });
      return { ...result, log };
    },
    async destroy() {
      let log = "";
      await stack.destroy({ color: "never", onOutput: (s) => (log += s) });
      return log;
    },
    async refresh() {
      await stack.refresh({ color: "never" });
    },
    stateText: () => readFileSync(stateFile, "utf8"),
  };
}

/** The error of a failing `up`, with the engine's transcript. */
export async function failedUp(s: TestStack, program: PulumiFn): Promise<string> {
  try {
    await s.up(program);
  } catch (err) {
    return (err as Error).message;
  }
  throw new Error("expected the update to fail, but it succeeded");
}
