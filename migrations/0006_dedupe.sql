-- Record linkage (issue 5): linkage runs, scored pairs, staff decisions, merges with undo.
-- Member ids here carry no foreign key: a merge removes the absorbed member row (kept whole in
-- dedupe_merge.absorbed_row) after moving every reference to it onto the survivor, and an undo
-- puts it back with the same id and moves the references back.

CREATE TABLE dedupe_run (
  id {{ID}},
  started_at TEXT NOT NULL,
  finished_at TEXT,
  actor_id BIGINT,
  actor_name TEXT NOT NULL DEFAULT '',
  scope_path {{KEY}} NOT NULL,              -- the subtree compared
  records BIGINT NOT NULL DEFAULT 0,
  compared_pairs BIGINT NOT NULL DEFAULT 0,
  threshold DOUBLE PRECISION NOT NULL,      -- pairs at or above: band 'link'
  review_low DOUBLE PRECISION NOT NULL,     -- pairs at or above (below threshold): band 'review'
  model TEXT NOT NULL DEFAULT '{}',         -- estimated prior, m and u per field level (JSON)
  stats TEXT NOT NULL DEFAULT '{}'          -- blocking figures per rule, times (JSON)
);

CREATE TABLE dedupe_pair (
  id {{ID}},
  run_id BIGINT NOT NULL REFERENCES dedupe_run(id),
  member_a BIGINT NOT NULL,                 -- member_a < member_b
  member_b BIGINT NOT NULL,
  probability DOUBLE PRECISION NOT NULL,
  match_weight DOUBLE PRECISION NOT NULL,
  levels TEXT NOT NULL,                     -- {"name": "no_diacritics", …} comparison level per field
  evidence TEXT NOT NULL,                   -- {"name": 11.2, …} weight per field (log2 Bayes factor)
  band TEXT NOT NULL,                       -- link | review
  status TEXT NOT NULL,                     -- open | different | merged | superseded
  org_path_a {{KEY}} NOT NULL,
  org_path_b {{KEY}} NOT NULL
);
CREATE INDEX dedupe_pair_run ON dedupe_pair(run_id, status, band, probability);
CREATE INDEX dedupe_pair_members ON dedupe_pair(member_a, member_b);
CREATE INDEX dedupe_pair_member_b ON dedupe_pair(member_b);

-- What staff decided about two members; 'different' is never asked again.
CREATE TABLE dedupe_decision (
  member_a BIGINT NOT NULL,
  member_b BIGINT NOT NULL,
  decision TEXT NOT NULL,                   -- different | same
  actor_id BIGINT,
  actor_name TEXT NOT NULL,
  decided_at TEXT NOT NULL,
  pair_id BIGINT,
  PRIMARY KEY (member_a, member_b)
);

-- A merge: the survivor took the chosen values; the absorbed member's row, every column, and
-- the survivor's row before the merge are kept, so nothing is lost and an undo is exact.
CREATE TABLE dedupe_merge (
  id {{ID}},
  survivor_id BIGINT NOT NULL,
  absorbed_id BIGINT NOT NULL,
  pair_id BIGINT,
  actor_id BIGINT,
  actor_name TEXT NOT NULL,
  merged_at TEXT NOT NULL,
  choices TEXT NOT NULL,                    -- {"field": "survivor" | "absorbed"}
  survivor_before TEXT NOT NULL,            -- JSON: column → value (null) of the member row
  absorbed_row TEXT NOT NULL,
  survivor_after_version BIGINT NOT NULL,   -- undo refuses when the survivor was edited since
  org_path {{KEY}} NOT NULL,                -- survivor's organization path after the merge
  undone_at TEXT,
  undone_by TEXT
);
CREATE INDEX dedupe_merge_survivor ON dedupe_merge(survivor_id);
CREATE INDEX dedupe_merge_absorbed ON dedupe_merge(absorbed_id);

-- Rows of other tables that referred to the absorbed member (memberships, user accounts, import
-- records, …: every foreign key to member(id)) and now refer to the survivor, and memberships the
-- merge closed, each with its value before, for the undo.
CREATE TABLE dedupe_merge_ref (
  merge_id BIGINT NOT NULL REFERENCES dedupe_merge(id),
  tbl TEXT NOT NULL,                        -- the table
  col TEXT NOT NULL,                        -- its column referring to member(id)
  row_key TEXT NOT NULL,                    -- the row's primary key, JSON {"column": value, …}
  old_member_id BIGINT NOT NULL,            -- the value before the merge
  closed INTEGER NOT NULL DEFAULT 0,        -- membership only: the merge set valid_to (it was open)
  PRIMARY KEY (merge_id, tbl, col, row_key)
);
