-- Accounts, role grants scoped to the organization tree, sessions, API tokens, audit chain.

CREATE TABLE app_user (
  id {{ID}},
  username TEXT NOT NULL UNIQUE,
  display_name TEXT NOT NULL DEFAULT '',
  password_hash TEXT NOT NULL,
  disabled INTEGER NOT NULL DEFAULT 0,
  must_change_password INTEGER NOT NULL DEFAULT 0,
  failed_logins INTEGER NOT NULL DEFAULT 0,
  locked_until TEXT,
  created_at TEXT NOT NULL
);

CREATE TABLE role_grant (
  id {{ID}},
  user_id BIGINT NOT NULL REFERENCES app_user(id),
  role TEXT NOT NULL,             -- admin | staff | secretary | member | auditor
  org_id BIGINT NOT NULL REFERENCES organization(id),
  member_id BIGINT REFERENCES member(id),
  created_at TEXT NOT NULL
);
CREATE INDEX role_grant_user ON role_grant(user_id);

CREATE TABLE app_session (
  id_hash TEXT PRIMARY KEY,       -- SHA-256 of the cookie value; the value itself is never stored
  user_id BIGINT NOT NULL REFERENCES app_user(id),
  csrf_token TEXT NOT NULL,
  created_at TEXT NOT NULL,
  last_seen_at TEXT NOT NULL,
  expires_at TEXT NOT NULL,
  client_addr TEXT NOT NULL DEFAULT ''
);
CREATE INDEX app_session_user ON app_session(user_id);

CREATE TABLE api_token (
  id {{ID}},
  user_id BIGINT NOT NULL REFERENCES app_user(id),
  token_hash TEXT NOT NULL UNIQUE,
  created_at TEXT NOT NULL,
  revoked INTEGER NOT NULL DEFAULT 0
);

CREATE TABLE audit_log (
  seq {{ID}},
  at TEXT NOT NULL,
  actor_id BIGINT,
  actor_name TEXT NOT NULL,
  action TEXT NOT NULL,           -- create | update | delete | view | login | …
  entity TEXT NOT NULL,           -- member | organization | user | …
  entity_id TEXT NOT NULL,
  org_path {{KEY}} NOT NULL DEFAULT '',
  detail TEXT NOT NULL,           -- JSON: changed fields {"field":[old,new]}
  prev_hash TEXT NOT NULL,
  hash TEXT NOT NULL
);
CREATE INDEX audit_entity ON audit_log(entity, entity_id, seq);
CREATE INDEX audit_actor ON audit_log(actor_id, seq);
