-- Imported versions of the data-needs report (roles → scenarios → questions with sources and scores).
-- One row per distinct report content: importing the same files again finds the existing version,
-- a changed report becomes a new version that can be compared with the previous ones.
create table needs_import (
  id serial primary key,
  content_hash text not null unique,
  source_dir text not null,
  label text,
  imported_at timestamptz not null default now(),
  roles integer not null,
  scenarios integer not null,
  questions integer not null,
  topics integer not null,
  -- The parsed report as served by the API (NeedsReport in src/needs/model.ts).
  report jsonb not null
);

-- Questions of each version, flat, so versions can be compared in SQL.
create table needs_question (
  import_id integer not null references needs_import (id) on delete cascade,
  question_id text not null,
  role_id text not null,
  scenario_id text not null,
  kind text not null check (kind in ('question', 'topic')),
  text text not null,
  file text not null,
  line integer not null,
  -- Lowest and highest availability (0–5) over the question's score entries; null when unscored.
  score_min smallint check (score_min between 0 and 5),
  score_max smallint check (score_max between 0 and 5),
  primary key (import_id, question_id)
);
create index needs_question_role on needs_question (import_id, role_id);
