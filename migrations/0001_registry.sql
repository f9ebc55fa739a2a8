-- Registry schema: reference data, organizations with history, members, memberships.
-- Portable SQL. Placeholders the runner substitutes per dialect (see src/db/database.cpp):
--   {{ID}}  auto-increment 64-bit primary key
--   {{KEY}} text compared byte-wise (search keys, sort keys, materialized paths)

CREATE TABLE admin_unit (
  code TEXT NOT NULL,
  level TEXT NOT NULL,            -- province | district | commune
  era TEXT NOT NULL,              -- pre2025 | post2025
  name TEXT NOT NULL,
  full_name TEXT NOT NULL,
  unit_type TEXT NOT NULL,
  parent_code TEXT,
  province_code TEXT,
  area_km2 DOUBLE PRECISION,
  population BIGINT,
  PRIMARY KEY (era, level, code)
);

CREATE TABLE admin_unit_mapping (
  old_code TEXT NOT NULL,
  new_code TEXT NOT NULL,
  full_coverage INTEGER NOT NULL,
  n_targets INTEGER NOT NULL,
  PRIMARY KEY (old_code, new_code)
);

CREATE TABLE controlled_value (
  kind TEXT NOT NULL,             -- ethnicity | religion | education | theory_level
  code TEXT NOT NULL,
  name TEXT NOT NULL,
  variants TEXT NOT NULL,
  PRIMARY KEY (kind, code)
);

CREATE TABLE organization (
  id {{ID}},
  code TEXT NOT NULL,
  name TEXT NOT NULL,
  name_key {{KEY}} NOT NULL,
  kind TEXT NOT NULL,
  parent_id BIGINT REFERENCES organization(id),
  admin_unit_code TEXT,
  valid_from TEXT NOT NULL,
  valid_to TEXT,
  path {{KEY}} NOT NULL,
  synthetic INTEGER NOT NULL DEFAULT 0,
  created_at TEXT NOT NULL
);
CREATE INDEX organization_code ON organization(code, valid_from);
CREATE INDEX organization_parent ON organization(parent_id, name_key);
CREATE INDEX organization_path ON organization(path);
CREATE INDEX organization_kind ON organization(kind, valid_from);

CREATE TABLE member (
  id {{ID}},
  family_name TEXT NOT NULL,
  middle_name TEXT NOT NULL,
  given_name TEXT NOT NULL,
  other_names TEXT NOT NULL DEFAULT '',
  search_key {{KEY}} NOT NULL,
  given_key {{KEY}} NOT NULL,
  family_given_key {{KEY}} NOT NULL DEFAULT '',
  middle_given_key {{KEY}} NOT NULL DEFAULT '',
  sort_key {{KEY}} NOT NULL,
  gender TEXT NOT NULL,
  birth_date TEXT,
  birth_place TEXT NOT NULL DEFAULT '',
  home_town TEXT NOT NULL DEFAULT '',
  ethnicity TEXT NOT NULL DEFAULT '',
  religion TEXT NOT NULL DEFAULT '',
  citizen_id TEXT NOT NULL DEFAULT '',
  residence TEXT NOT NULL DEFAULT '',
  residence_unit_code TEXT NOT NULL DEFAULT '',
  phone TEXT NOT NULL DEFAULT '',
  email TEXT NOT NULL DEFAULT '',
  admitted_on TEXT,
  full_member_on TEXT,
  card_number TEXT NOT NULL DEFAULT '',
  card_issued_on TEXT,
  status TEXT NOT NULL,
  education TEXT NOT NULL DEFAULT '',
  professional_qualification TEXT NOT NULL DEFAULT '',
  theory_level TEXT NOT NULL DEFAULT '',
  occupation TEXT NOT NULL DEFAULT '',
  position TEXT NOT NULL DEFAULT '',
  org_id BIGINT NOT NULL REFERENCES organization(id),
  org_path {{KEY}} NOT NULL,
  synthetic INTEGER NOT NULL DEFAULT 0,
  version INTEGER NOT NULL DEFAULT 1,
  created_at TEXT NOT NULL,
  updated_at TEXT NOT NULL
);
CREATE INDEX member_org ON member(org_id, sort_key, id);
CREATE INDEX member_path ON member(org_path);
CREATE INDEX member_sort ON member(sort_key, id);
CREATE INDEX member_search ON member(search_key);
CREATE INDEX member_given ON member(given_key);
CREATE INDEX member_family_given ON member(family_given_key);
CREATE INDEX member_middle_given ON member(middle_given_key);
CREATE INDEX member_citizen ON member(citizen_id);
CREATE INDEX member_card ON member(card_number);

CREATE TABLE membership (
  id {{ID}},
  member_id BIGINT NOT NULL REFERENCES member(id),
  org_id BIGINT NOT NULL REFERENCES organization(id),
  valid_from TEXT NOT NULL,
  valid_to TEXT,
  reason TEXT NOT NULL DEFAULT ''
);
CREATE INDEX membership_member ON membership(member_id, valid_from);
CREATE INDEX membership_org ON membership(org_id, valid_from);

CREATE TABLE app_setting (
  name TEXT PRIMARY KEY,
  value TEXT NOT NULL
);
