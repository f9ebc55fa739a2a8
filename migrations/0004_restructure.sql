-- Restructuring of the organization tree (issue 6): plans, their operations, and the lineage of
-- organizations (predecessor → successor, with the operation and the decision).
-- History is never overwritten: a changed organization gets valid_to = the effective date and a
-- new version row; memberships close and reopen. The *_by_plan columns say which plan opened or
-- closed a row, so that the last plan can be undone exactly.

CREATE TABLE restructure_plan (
  id {{ID}},
  name TEXT NOT NULL,
  effective_date TEXT NOT NULL,
  status TEXT NOT NULL,            -- applied | undone
  source_text TEXT NOT NULL,       -- the plan as imported (CSV), kept as it came
  summary TEXT NOT NULL,           -- JSON: counts of what the apply did
  applied_at TEXT NOT NULL,
  applied_by TEXT NOT NULL,
  undone_at TEXT,
  undone_by TEXT
);
CREATE INDEX restructure_plan_status ON restructure_plan(status, id);

CREATE TABLE restructure_op (
  id {{ID}},
  plan_id BIGINT NOT NULL REFERENCES restructure_plan(id),
  seq INTEGER NOT NULL,
  op TEXT NOT NULL,                -- merge | split | rename | move | dissolve | change_kind
  decision_no TEXT NOT NULL,
  decision_date TEXT NOT NULL,
  effective_date TEXT NOT NULL,
  detail TEXT NOT NULL             -- JSON: sources, targets, rule, members moved
);
CREATE INDEX restructure_op_plan ON restructure_op(plan_id, seq);

CREATE TABLE org_lineage (
  id {{ID}},
  predecessor_id BIGINT NOT NULL REFERENCES organization(id),
  successor_id BIGINT REFERENCES organization(id),   -- NULL: dissolved
  operation TEXT NOT NULL,         -- merge | split | rename | move | dissolve | change_kind | follow
  decision_no TEXT NOT NULL,
  decision_date TEXT NOT NULL,
  effective_date TEXT NOT NULL,
  plan_id BIGINT REFERENCES restructure_plan(id),
  op_seq INTEGER
);
CREATE INDEX org_lineage_pred ON org_lineage(predecessor_id);
CREATE INDEX org_lineage_succ ON org_lineage(successor_id);
CREATE INDEX org_lineage_plan ON org_lineage(plan_id);

-- Role grants moved to the successor of their organization by a plan (for undo).
CREATE TABLE restructure_grant_move (
  plan_id BIGINT NOT NULL REFERENCES restructure_plan(id),
  grant_id BIGINT NOT NULL,
  old_org_id BIGINT NOT NULL,
  new_org_id BIGINT NOT NULL
);
CREATE INDEX restructure_grant_move_plan ON restructure_grant_move(plan_id);

ALTER TABLE organization ADD COLUMN opened_by_plan BIGINT;
ALTER TABLE organization ADD COLUMN closed_by_plan BIGINT;
ALTER TABLE membership ADD COLUMN opened_by_plan BIGINT;
ALTER TABLE membership ADD COLUMN closed_by_plan BIGINT;
CREATE INDEX organization_opened_plan ON organization(opened_by_plan);
CREATE INDEX organization_closed_plan ON organization(closed_by_plan);
