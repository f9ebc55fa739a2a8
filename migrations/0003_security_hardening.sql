-- Second factor (TOTP, RFC 6238) with recovery codes, sign-in throttling per client address,
-- sign-in challenges between the password and the second factor, an index for audit search, and
-- the encrypted sensitive fields of members (libsodium secretbox; the key stays outside the DB).

-- The TOTP secret is sealed with the field key like the sensitive fields (context "totp:USER_ID").
ALTER TABLE app_user ADD COLUMN totp_secret TEXT;
ALTER TABLE app_user ADD COLUMN totp_nonce TEXT;
ALTER TABLE app_user ADD COLUMN totp_key_id TEXT;
ALTER TABLE app_user ADD COLUMN totp_enabled INTEGER NOT NULL DEFAULT 0;
ALTER TABLE app_user ADD COLUMN totp_last_step BIGINT NOT NULL DEFAULT 0;
ALTER TABLE app_user ADD COLUMN password_changed_at TEXT;

-- One-time recovery codes (only their SHA-256 is kept).
CREATE TABLE totp_recovery_code (
  id {{ID}},
  user_id BIGINT NOT NULL REFERENCES app_user(id),
  code_hash TEXT NOT NULL,
  used_at TEXT
);
CREATE INDEX totp_recovery_code_user ON totp_recovery_code(user_id);

-- Between a correct password and the second factor: a short-lived challenge (hash of a cookie).
CREATE TABLE login_challenge (
  id_hash TEXT PRIMARY KEY,
  user_id BIGINT NOT NULL REFERENCES app_user(id),
  expires_at TEXT NOT NULL,
  attempts INTEGER NOT NULL DEFAULT 0,
  client_addr TEXT NOT NULL DEFAULT ''
);

-- Failed sign-ins per client address: back-off, then a temporary lock (shared by every server).
CREATE TABLE login_throttle (
  client_addr TEXT PRIMARY KEY,
  failures INTEGER NOT NULL DEFAULT 0,
  window_start TEXT NOT NULL,
  next_allowed_at TEXT,
  locked_until TEXT
);

CREATE INDEX audit_org_path ON audit_log(org_path, seq);
CREATE INDEX audit_at ON audit_log(at);

-- Sensitive member fields: vetting notes, political history, relationships, discipline.
-- ciphertext/nonce are base64; key_id names the key in the key file; the sealed message also
-- binds "member_sensitive:MEMBER_ID:KIND", so a ciphertext moved to another row does not open.
CREATE TABLE member_sensitive (
  id {{ID}},
  member_id BIGINT NOT NULL REFERENCES member(id),
  kind TEXT NOT NULL,
  ciphertext TEXT NOT NULL,
  nonce TEXT NOT NULL,
  key_id TEXT NOT NULL,
  updated_at TEXT NOT NULL,
  updated_by BIGINT,
  UNIQUE (member_id, kind)
);
CREATE INDEX member_sensitive_key ON member_sensitive(key_id);
