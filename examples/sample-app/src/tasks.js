// A tiny task tracker: the code under test in the sample app. Every function takes a pg client or pool.

/** Creates a user; returns its id. */
export async function createUser(db, { email, name }) {
  const { rows } = await db.query("INSERT INTO users (email, name) VALUES ($1, $2) RETURNING id", [email, name]);
  return Number(rows[0].id);
}

/** Creates a project owned by `ownerId`; returns its id. */
export async function createProject(db, ownerId, name) {
  const { rows } = await db.query("INSERT INTO projects (owner_id, name) VALUES ($1, $2) RETURNING id", [ownerId, name]);
  return Number(rows[0].id);
}

/** Adds a task to a project, optionally assigned; returns its id. */
export async function addTask(db, projectId, title, assigneeId = null) {
  const { rows } = await db.query(
    "INSERT INTO tasks (project_id, title, assignee_id) VALUES ($1, $2, $3) RETURNING id",
    [projectId, title, assigneeId],
  );
  return Number(rows[0].id);
}

export async function completeTask(db, taskId) {
  const { rowCount } = await db.query("UPDATE tasks SET done = true WHERE id = $1 AND NOT done", [taskId]);
  return rowCount === 1;
}

/** Open tasks of a project, oldest first, with the assignee's name. */
export async function openTasks(db, projectId) {
  const { rows } = await db.query(
    `SELECT t.id, t.title, u.name AS assignee
       FROM tasks t LEFT JOIN users u ON u.id = t.assignee_id
      WHERE t.project_id = $1 AND NOT t.done
      ORDER BY t.id`,
    [projectId],
  );
  return rows.map((r) => ({ id: Number(r.id), title: r.title, assignee: r.assignee }));
}
