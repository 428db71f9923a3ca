// The migration tool adapters by name.
import { alembic } from "./alembic.ts";
import { command } from "./command.ts";
import { dbmate } from "./dbmate.ts";
import { flyway } from "./flyway.ts";
import { liquibase } from "./liquibase.ts";
import type { MigrationTool, ToolName } from "./types.ts";

export * from "./types.ts";
export { scrub } from "./exec.ts";
export { alembic, command, dbmate, flyway, liquibase };

export const tools: Readonly<Record<ToolName, MigrationTool>> = { flyway, liquibase, alembic, dbmate, command };
export const toolNames = Object.keys(tools) as ToolName[];

export function getTool(name: string): MigrationTool {
  const tool = (tools as Record<string, MigrationTool | undefined>)[name];
  if (!tool) throw new Error(`unknown migration tool "${name}": use one of ${toolNames.join(", ")}`);
  return tool;
}

/** Every tool's history tables, to leave out of schema snapshots. */
export const allHistoryTables: readonly string[] = [...new Set(Object.values(tools).flatMap((t) => t.historyTables))];
