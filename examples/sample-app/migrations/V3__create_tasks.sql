-- Tasks of a project, optionally assigned to a user.
CREATE TABLE tasks (
  id          BIGSERIAL PRIMARY KEY,
  project_id  BIGINT NOT NULL REFERENCES projects (id) ON DELETE CASCADE,
  assignee_id BIGINT REFERENCES users (id) ON DELETE SET NULL,
  title       TEXT NOT NULL CHECK (length(title) > 0),
  done        BOOLEAN NOT NULL DEFAULT false,
  created_at  TIMESTAMPTZ NOT NULL DEFAULT now()
);

CREATE INDEX tasks_open_by_project ON tasks (project_id) WHERE NOT done;
