// The migration tool adapters by name.
import { alembic } from "./alembic.js";
import { command } from "./command.js";
import { dbmate } from "./dbmate.js";
import { flyway } from "./flyway.js";
import { liquibase } from "./liquibase.js";
import type { MigrationTool, ToolName } from "./types.js";

export * from "./types.js";
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
