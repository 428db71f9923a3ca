// Pure mapping of spec.backup.longTermRetention to AWS Backup plan rules (weekly, monthly, yearly), each
// keeping its recovery points for at least the asked time.
import type { DatabaseSpec } from "../spec/types.js";

export interface LongTermBackupRule {
  /** Rule name, unique within the plan. */
  ruleName: "weekly" | "monthly" | "yearly";
  /** AWS Backup cron expression, UTC. */
  schedule: string;
  /** Lifecycle deleteAfter, days. */
  deleteAfterDays: number;
}

// Upper bounds of a calendar week, month and year, so a recovery point never expires before it is due.
const DAYS_PER = { week: 7, month: 31, year: 366 } as const;
const DEFAULT_START_HOUR = 5;
const MONTH_DAYS = [31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];

/**
 * Hour (UTC) the AWS Backup jobs start: one hour after the automated backup window ends (rounded up), so the
 * snapshot does not run alongside RDS's own backup; 05:00 when the spec has no window.
 */
export function longTermBackupHour(window: string | undefined): number {
  const end = window?.split("-")[1];
  if (!end) return DEFAULT_START_HOUR;
  const [h = 0, m = 0] = end.split(":").map(Number);
  return (Math.ceil((h * 60 + m) / 60) + 1) % 24;
}

/** Month (1–12) and day on which week `week` of the year starts; week 1 starts on 1 January. */
export function weekStart(week: number): { month: number; day: number } {
  let day = (week - 1) * 7 + 1;
  let month = 0;
  while (day > (MONTH_DAYS[month] ?? 31)) day -= MONTH_DAYS[month++] ?? 31;
  return { month: month + 1, day };
}

/** The plan's rules; empty when no long-term retention is asked. */
export function longTermBackupRules(spec: DatabaseSpec): LongTermBackupRule[] {
  const ltr = spec.backup.longTermRetention;
  if (!ltr) return [];
  const hour = longTermBackupHour(spec.backup.window);
  const rules: LongTermBackupRule[] = [];
  if (ltr.weeklyWeeks !== undefined) {
    rules.push({ ruleName: "weekly", schedule: `cron(0 ${hour} ? * SUN *)`, deleteAfterDays: ltr.weeklyWeeks * DAYS_PER.week });
  }
  if (ltr.monthlyMonths !== undefined) {
    rules.push({ ruleName: "monthly", schedule: `cron(0 ${hour} 1 * ? *)`, deleteAfterDays: ltr.monthlyMonths * DAYS_PER.month });
  }
  if (ltr.yearlyYears !== undefined) {
    const { month, day } = weekStart(ltr.weekOfYear ?? 1);
    rules.push({ ruleName: "yearly", schedule: `cron(0 ${hour} ${day} ${month} ? *)`, deleteAfterDays: ltr.yearlyYears * DAYS_PER.year });
  }
  return rules;
}

/** Service principal AWS Backup assumes its role through. */
export const BACKUP_SERVICE = "backup.amazonaws.com";
