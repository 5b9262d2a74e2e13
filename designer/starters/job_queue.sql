-- A job queue in PostgreSQL. Workers claim the next due job with
--   SELECT ... FROM jobs WHERE state = 'queued' AND run_at <= now()
--   ORDER BY run_at LIMIT 1 FOR UPDATE SKIP LOCKED;
-- which the partial index jobs_due_idx serves.
CREATE TYPE job_state AS ENUM ('queued', 'running', 'done', 'failed');

CREATE TABLE queues (
  name text PRIMARY KEY,
  max_attempts integer NOT NULL DEFAULT 5 CHECK (max_attempts > 0)
);

CREATE TABLE jobs (
  id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  queue text NOT NULL REFERENCES queues (name),
  state job_state NOT NULL DEFAULT 'queued',
  payload jsonb NOT NULL DEFAULT '{}',
  run_at timestamptz NOT NULL DEFAULT now(),
  attempts integer NOT NULL DEFAULT 0,
  created_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX jobs_due_idx ON jobs (queue, run_at) WHERE state = 'queued';

CREATE TABLE job_attempts (
  id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  job_id bigint NOT NULL REFERENCES jobs (id) ON DELETE CASCADE,
  started_at timestamptz NOT NULL DEFAULT now(),
  finished_at timestamptz,
  error text
);
CREATE INDEX job_attempts_job_id_idx ON job_attempts (job_id);
