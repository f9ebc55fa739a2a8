-- Imports of member rosters and of fix sheets, per-row findings, and the cleaning campaign
-- (issue 4). Portable SQL ({{ID}}, {{KEY}}).
--
-- An import writes its rows in batches, one transaction each: the members it creates or
-- updates, their memberships, one import_row per data row (the raw cells as read, the outcome,
-- the member), the findings that need a person (warnings and errors; the automatic changes are
-- counted per batch and can be read from import_row.raw beside the member), the batch's
-- import_batch row and the job's counters commit together, so a killed import leaves whole batches and nothing else. Resuming an import
-- continues after its last committed batch; any re-run matches rows to members through
-- member_source_key (id column or content hash, per organization) or the citizen ID, so
-- nothing is stored twice (docs/adr/0006-imports-batches-and-idempotency.md).

CREATE TABLE import_job (
  id {{ID}},
  kind TEXT NOT NULL,                 -- roster | fixes
  org_id BIGINT NOT NULL REFERENCES organization(id),
  org_path {{KEY}} NOT NULL,
  file_name TEXT NOT NULL,
  file_sha256 TEXT NOT NULL,
  file_size BIGINT NOT NULL,
  file_data TEXT,                     -- an uploaded file, base64 (any server process can run it)
  file_path TEXT,                     -- a file named on the command line
  source TEXT NOT NULL DEFAULT '',    -- what the reader saw: "CSV, UTF-8 (BOM), …"
  header_sig TEXT NOT NULL DEFAULT '',
  mapping TEXT NOT NULL DEFAULT '',   -- {"columns": {"<header>": "<field>"}}
  dry_run INTEGER NOT NULL DEFAULT 0,
  status TEXT NOT NULL,               -- uploaded | queued | running | done | failed | interrupted
  batch_size INTEGER NOT NULL,
  rows_total BIGINT NOT NULL DEFAULT 0,   -- estimate for the progress bar (0 = unknown)
  rows_read BIGINT NOT NULL DEFAULT 0,
  rows_created BIGINT NOT NULL DEFAULT 0,
  rows_updated BIGINT NOT NULL DEFAULT 0,
  rows_unchanged BIGINT NOT NULL DEFAULT 0,
  rows_rejected BIGINT NOT NULL DEFAULT 0,
  rows_blank BIGINT NOT NULL DEFAULT 0,
  findings_open BIGINT NOT NULL DEFAULT 0,
  findings_auto BIGINT NOT NULL DEFAULT 0,
  batches_done INTEGER NOT NULL DEFAULT 0,
  summary TEXT NOT NULL DEFAULT '{}', -- JSON: findings by code and severity; a dry run's rejections
  message TEXT NOT NULL DEFAULT '',
  created_by BIGINT,
  created_by_name TEXT NOT NULL,
  created_at TEXT NOT NULL,
  started_at TEXT,
  finished_at TEXT,
  heartbeat_at TEXT,
  runner TEXT NOT NULL DEFAULT ''     -- host:pid of the process running it
);
CREATE INDEX import_job_org ON import_job(org_path, id);
CREATE INDEX import_job_file ON import_job(org_id, file_sha256);
CREATE INDEX import_job_status ON import_job(status);

CREATE TABLE import_batch (
  import_id BIGINT NOT NULL REFERENCES import_job(id),
  batch_no INTEGER NOT NULL,
  first_line BIGINT NOT NULL,
  last_line BIGINT NOT NULL,
  rows_read BIGINT NOT NULL,
  rows_created BIGINT NOT NULL,
  rows_updated BIGINT NOT NULL,
  rows_unchanged BIGINT NOT NULL,
  rows_rejected BIGINT NOT NULL,
  findings TEXT NOT NULL DEFAULT '{}', -- JSON: the batch's findings by code and severity
  committed_at TEXT NOT NULL,
  PRIMARY KEY (import_id, batch_no)
);

CREATE TABLE import_row (
  id {{ID}},
  import_id BIGINT NOT NULL REFERENCES import_job(id),
  line BIGINT NOT NULL,
  row_key TEXT NOT NULL DEFAULT '',   -- the value of the file's id column (Mã, STT …)
  raw TEXT NOT NULL,                  -- JSON array: the cells as read
  outcome TEXT NOT NULL,              -- created | updated | unchanged | rejected | fixed | skipped
  member_id BIGINT REFERENCES member(id),
  reject_column TEXT NOT NULL DEFAULT '',
  reject_reason TEXT NOT NULL DEFAULT ''
);
CREATE INDEX import_row_import ON import_row(import_id, line);
CREATE INDEX import_row_member ON import_row(member_id);

-- How rows of earlier imports found their member: "id:<value of the id column>" (scope: the
-- organization the file was imported into) or "hash:<SHA-256 of the row's cells>" (scope 0: the
-- same content is the same record wherever it was imported).
CREATE TABLE member_source_key (
  scope_org_id BIGINT NOT NULL,
  source_key TEXT NOT NULL,
  member_id BIGINT NOT NULL REFERENCES member(id),
  values_hash TEXT NOT NULL,          -- SHA-256 of the standardized values last stored from it
  import_id BIGINT NOT NULL,
  PRIMARY KEY (scope_org_id, source_key)
);
CREATE INDEX member_source_key_member ON member_source_key(member_id);

CREATE TABLE finding (
  id {{ID}},
  member_id BIGINT NOT NULL REFERENCES member(id),
  import_id BIGINT NOT NULL,
  line BIGINT NOT NULL,
  field TEXT NOT NULL,                -- quality field name ("birth_date"); '' for the whole row
  column_name TEXT NOT NULL,          -- the column as in the file
  code TEXT NOT NULL,
  severity TEXT NOT NULL,             -- info | warning | error
  message TEXT NOT NULL,
  original TEXT NOT NULL,
  suggested TEXT NOT NULL,
  status TEXT NOT NULL,               -- open | fixed
  created_at TEXT NOT NULL,
  fixed_at TEXT,
  fixed_by BIGINT,
  fixed_by_name TEXT,
  fixed_import_id BIGINT,
  fixed_value TEXT
);
CREATE INDEX finding_member ON finding(member_id, status);
CREATE INDEX finding_fixed ON finding(status, fixed_at);
CREATE INDEX finding_import ON finding(import_id);

-- Open findings per organization, once a day (and again after each import or fix on that day):
-- the campaign's burn-down.
CREATE TABLE campaign_snapshot (
  day TEXT NOT NULL,
  org_id BIGINT NOT NULL,
  org_path {{KEY}} NOT NULL,
  open_errors BIGINT NOT NULL,
  open_warnings BIGINT NOT NULL,
  fixed BIGINT NOT NULL,
  taken_at TEXT NOT NULL,
  PRIMARY KEY (day, org_id)
);
CREATE INDEX campaign_snapshot_path ON campaign_snapshot(org_path, day);

-- Column mappings confirmed on the upload page, per organization and header signature.
CREATE TABLE import_mapping (
  org_id BIGINT NOT NULL,
  header_sig TEXT NOT NULL,
  mapping TEXT NOT NULL,
  updated_at TEXT NOT NULL,
  updated_by TEXT NOT NULL,
  PRIMARY KEY (org_id, header_sig)
);
