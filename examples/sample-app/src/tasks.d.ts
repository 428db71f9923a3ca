// Types for tasks.js (the sample app is plain JavaScript so `node --test` runs it without a build).
export interface Queryable {
  query(text: string, values?: unknown[]): Promise<{ rows: Array<Record<string, unknown>>; rowCount: number | null }>;
}
export function createUser(db: Queryable, user: { email: string; name: string }): Promise<number>;
export function createProject(db: Queryable, ownerId: number, name: string): Promise<number>;
export function addTask(db: Queryable, projectId: number, title: string, assigneeId?: number | null): Promise<number>;
export function completeTask(db: Queryable, taskId: number): Promise<boolean>;
export function openTasks(db: Queryable, projectId: number): Promise<Array<{ id: number; title: string; assignee: string | null }>>;
