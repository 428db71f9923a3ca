// The real dbtk commander program, for checking the recipes' calls.
import type { Command } from "commander";
import { buildProgram } from "../../../cli/main.ts";

export async function loadProgram(): Promise<Command> {
  return buildProgram();
}
