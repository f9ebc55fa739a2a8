-- Member change log (issues 2 and 7): every insert, delete and every update of a column the
-- in-memory name index holds (src/registry/name_index.hpp) appends the member's id here, in the
-- writing transaction. Each server process reads the entries after the last one it saw before
-- a name search, so a search in any process sees every committed write, whichever process or
-- command (import, restructure, dedupe, gen-roster) made it. Entries older than a day are pruned.
CREATE TABLE member_change (
  seq INTEGER PRIMARY KEY AUTOINCREMENT,
  member_id INTEGER NOT NULL,
  at INTEGER NOT NULL DEFAULT (unixepoch())
);
CREATE TRIGGER member_change_insert AFTER INSERT ON member BEGIN INSERT INTO member_change(member_id) VALUES (NEW.id); END;
CREATE TRIGGER member_change_delete AFTER DELETE ON member BEGIN INSERT INTO member_change(member_id) VALUES (OLD.id); END;
CREATE TRIGGER member_change_update AFTER UPDATE OF family_name, middle_name, given_name, sort_key, status, gender, org_id, org_path ON member BEGIN INSERT INTO member_change(member_id) VALUES (NEW.id); END;
