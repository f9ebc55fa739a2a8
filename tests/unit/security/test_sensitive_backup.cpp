// Sensitive fields: who may read and write them, that the database file holds none of their
// text (raw bytes of the SQLite file and its WAL), key rotation; backup and restore compared
// table by table.
#include <chrono>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "fixture.hpp"
#include "registry/service.hpp"
#include "security/backup.hpp"
#include "security/sensitive.hpp"

using namespace dangbo;
using namespace dangbo::security;

namespace {

const std::map<std::string, std::string> kSecrets = {
    {"vetting_notes", "Ghi chú thẩm tra MẬT-7f3a: đã xác minh lý lịch ở quê quán"},
    {"political_history", "Lịch sử chính trị: tham gia Đoàn từ năm 1988, không vi phạm (VETTING-9b1c)"},
    {"relationships", "Anh trai định cư ở nước ngoài từ 1995 RELATION-44de"},
    {"discipline", "Khiển trách năm 2019 vì vi phạm quy chế DISCIPLINE-c0ff"},
};

std::string slurp(const std::filesystem::path& p) {
  std::ifstream f(p, std::ios::binary);
  std::stringstream ss;
  ss << f.rdbuf();
  return ss.str();
}

struct Sensitive : sectest::Tree {
  std::filesystem::path sqlite_file() { return db::DbUrl::parse(tmp->url()).sqlite_path; }

  // Every table, every row, as text (rows sorted), for comparing two states of the database.
  std::map<std::string, std::vector<std::string>> dump() {
    std::map<std::string, std::vector<std::string>> out;
    auto s = db->session();
    std::vector<std::string> tables;
    {
      std::string name;
      soci::statement st = db->dialect() == db::Dialect::sqlite
                               ? (s->prepare << "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE "
                                                "'sqlite_%' ORDER BY name",
                                  soci::into(name))
                               : (s->prepare << "SELECT table_name FROM information_schema.tables WHERE table_schema = "
                                                "'public' AND table_type = 'BASE TABLE' ORDER BY table_name",
                                  soci::into(name));
      st.execute();
      while (st.fetch()) tables.push_back(name);
    }
    for (auto& t : tables) {
      auto& rows = out[t];
      soci::rowset<soci::row> rs = (s->prepare << "SELECT * FROM " + t);
      for (auto& r : rs) {
        std::string line;
        for (std::size_t i = 0; i < r.size(); ++i) {
          line += i ? "|" : "";
          if (r.get_indicator(i) == soci::i_null) {
            line += "NULL";
            continue;
          }
          switch (r.get_properties(i).get_data_type()) {
            case soci::dt_string: line += r.get<std::string>(i); break;
            case soci::dt_integer: line += std::to_string(r.get<int>(i)); break;
            case soci::dt_long_long: line += std::to_string(r.get<long long>(i)); break;
            case soci::dt_unsigned_long_long: line += std::to_string(r.get<unsigned long long>(i)); break;
            case soci::dt_double: line += std::to_string(r.get<double>(i)); break;
            default: line += "?"; break;
          }
        }
        rows.push_back(line);
      }
      std::sort(rows.begin(), rows.end());
    }
    return out;
  }

  void write_all(const std::string& role, int64_t member) {
    registry::RegistryService svc(*db, keys.get());
    svc.update_sensitive(actor(role), member, kSecrets);
  }
};

TEST_P(Sensitive, OnlyStaffAndAdminsInScopeReadAndWriteThem) {
  registry::RegistryService svc(*db, keys.get());
  write_all("staff", a1);
  EXPECT_EQ(svc.sensitive(actor("staff"), a1), kSecrets);
  EXPECT_EQ(svc.sensitive(actor("admin"), a1), kSecrets);
  // the secretary, the member themself and the auditor: no
  for (auto role : {"secretary", "member", "auditor"}) {
    EXPECT_THROW(svc.sensitive(actor(role), a1), base::Error) << role;
    EXPECT_THROW(svc.update_sensitive(actor(role), a1, {{"discipline", "x"}}), base::Error) << role;
    EXPECT_FALSE(svc.can_read_sensitive(actor(role))) << role;
  }
  // staff of ward A on a member of ward B: not found, and nothing written
  try {
    svc.update_sensitive(actor("staff"), b1, {{"discipline", "x"}});
    FAIL() << "out of scope write accepted";
  } catch (const base::Error& e) {
    EXPECT_EQ(e.kind(), base::ErrorKind::not_found);
  }
  EXPECT_THROW(svc.sensitive(actor("staff"), b1), base::Error);
  EXPECT_TRUE(svc.sensitive(actor("admin"), b1).empty());
  // unknown kinds are refused; an empty text clears a field
  EXPECT_THROW(svc.update_sensitive(actor("staff"), a1, {{"salary", "x"}}), registry::ValidationError);
  svc.update_sensitive(actor("staff"), a1, {{"discipline", ""}});
  EXPECT_EQ(svc.sensitive(actor("staff"), a1).count("discipline"), 0u);
  // without a key store nothing is available
  registry::RegistryService nokeys(*db);
  EXPECT_FALSE(nokeys.can_read_sensitive(actor("admin")));
  // every view and edit is audited, with the kinds and never the text
  auto s = db->session();
  int views = 0, edits = 0;
  *s << "SELECT count(*) FROM audit_log WHERE action = 'view_sensitive'", soci::into(views);
  *s << "SELECT count(*) FROM audit_log WHERE action = 'update_sensitive'", soci::into(edits);
  EXPECT_EQ(views, 3);  // staff, admin, staff again (admin's look at b1 showed nothing)
  EXPECT_EQ(edits, 2);
  std::string detail;
  soci::statement st = (s->prepare << "SELECT detail FROM audit_log", soci::into(detail));
  st.execute();
  while (st.fetch())
    for (auto& [k, v] : kSecrets) EXPECT_EQ(detail.find(v.substr(v.size() - 8)), std::string::npos) << detail;
}

TEST_P(Sensitive, TheDatabaseFileHoldsNoneOfTheText) {
  write_all("staff", a1);
  write_all("admin", b1);
  // a ciphertext moved to another member does not open
  {
    auto s = db->session();
    *s << "UPDATE member_sensitive SET member_id = " + std::to_string(a2) + " WHERE member_id = " + std::to_string(b1);
    EXPECT_THROW(sensitive_read(*s, keys->current(), a2), base::Error);
  }
  if (db->dialect() != db::Dialect::sqlite) {
    // PostgreSQL: the stored columns hold no text
    auto s = db->session();
    std::string row;
    soci::statement st = (s->prepare << "SELECT ciphertext || nonce || key_id FROM member_sensitive", soci::into(row));
    st.execute();
    while (st.fetch())
      for (auto& [k, v] : kSecrets) EXPECT_EQ(row.find(v.substr(v.size() - 11)), std::string::npos);
    return;
  }
  auto file = sqlite_file();
  auto check = [&](const std::string& when) {
    std::string bytes = slurp(file);
    std::string wal = slurp(file.string() + "-wal");
    ASSERT_GT(bytes.size() + wal.size(), 4096u);
    EXPECT_NE((bytes + wal).find("member_sensitive"), std::string::npos) << "the table is in the file";
    EXPECT_NE((bytes + wal).find("Bình"), std::string::npos) << "plain columns are readable: the search works";
    for (auto& [k, v] : kSecrets) {
      for (auto& piece : {v, v.substr(v.size() - 11), v.substr(0, 20)}) {
        EXPECT_EQ(bytes.find(piece), std::string::npos) << when << ": \"" << piece << "\" in " << file;
        EXPECT_EQ(wal.find(piece), std::string::npos) << when << ": \"" << piece << "\" in the WAL";
      }
    }
  };
  check("with the WAL");
  {
    auto s = db->session();
    *s << "PRAGMA wal_checkpoint(TRUNCATE)";
  }
  check("after a checkpoint");
}

TEST_P(Sensitive, KeyRotationReencryptsEverythingAndDropsTheOldKey) {
  write_all("staff", a1);
  auto a = actor("secretary");
  auto setup = begin_totp_setup(*db, keys->current(), a);
  auto old_ring = keys->current();
  std::string old_id = old_ring.active_id();
  auto rep = rotate_keys(*db, keys->file());
  EXPECT_EQ(rep.fields, 4);
  EXPECT_EQ(rep.totp_secrets, 1);
  EXPECT_NE(rep.new_key_id, old_id);
  EXPECT_EQ(rep.retired_key_ids, std::vector<std::string>{old_id});
  auto s = db->session();
  int old_rows = 0;
  *s << "SELECT count(*) FROM member_sensitive WHERE key_id <> :k", soci::use(rep.new_key_id), soci::into(old_rows);
  EXPECT_EQ(old_rows, 0);
  std::string totp_key;
  *s << "SELECT totp_key_id FROM app_user WHERE username = 'secretary'", soci::into(totp_key);
  EXPECT_EQ(totp_key, rep.new_key_id);
  // the key file now holds the new key only; the running store picks it up
  auto ring = Keyring::load(keys->file());
  EXPECT_EQ(ring.ids(), std::vector<std::string>{rep.new_key_id});
  EXPECT_EQ(keys->current().active_id(), rep.new_key_id);
  EXPECT_EQ(sensitive_read(*s, keys->current(), a1), kSecrets);
  // the old key opens nothing any more
  EXPECT_THROW(sensitive_read(*s, old_ring, a1), base::Error);
  // the TOTP enrolment still works with the re-encrypted secret
  auto secret = base32_decode(setup.secret_base32);
  auto now = std::chrono::duration_cast<std::chrono::seconds>(std::chrono::system_clock::now().time_since_epoch()).count();
  EXPECT_EQ(enable_totp(*db, keys->current(), a, totp(*secret, now)).size(), 10u);
  // the rotation is audited
  int n = 0;
  *s << "SELECT count(*) FROM audit_log WHERE action = 'rotate'", soci::into(n);
  EXPECT_EQ(n, 1);
  EXPECT_TRUE(audit_check(*db).ok);
}

TEST_P(Sensitive, BackupChangeRestoreGivesBackEveryTable) {
  if (db->dialect() == db::Dialect::postgresql && std::system("pg_dump --version >/dev/null 2>&1") != 0)
    GTEST_SKIP() << "pg_dump not installed";
  write_all("staff", a1);
  registry::RegistryService svc(*db, keys.get());
  svc.update_member(actor("admin"), b1, {{"occupation", "Bác sĩ"}}, std::nullopt);
  std::filesystem::create_directories(dir);
  std::string file = (dir / "backup.db").string();
  auto rep = backup_database(*db, file);
  EXPECT_GT(rep.bytes, 0);
  EXPECT_THROW(backup_database(*db, file), base::Error) << "never overwrites a file";
  auto before = dump();
  ASSERT_GE(before.size(), 10u);

  // change data in several tables
  svc.update_member(actor("admin"), b1, {{"occupation", "Kỹ sư"}}, std::nullopt);
  svc.update_sensitive(actor("staff"), a1, {{"discipline", ""}, {"vetting_notes", "Ghi chú mới"}});
  add_user(*db, "extra", sectest::kPassword, Role::staff, "26740");
  create_session(*db, uid["staff"], "x");
  {
    auto s = db->session();
    *s << "DELETE FROM membership WHERE member_id = " + std::to_string(a2);
  }
  auto changed = dump();
  EXPECT_NE(changed, before);

  restore_database(*db, file);
  db::migrate(*db, std::string(DANGBO_SOURCE_DIR) + "/migrations");
  auto after = dump();
  // the restore itself is the one new audit entry; everything else is as it was
  ASSERT_EQ(after["audit_log"].size(), before["audit_log"].size() + 1);
  for (auto& [table, rows] : before) {
    if (table == "audit_log") continue;
    EXPECT_EQ(after[table], rows) << "table " << table << " differs after the restore";
  }
  EXPECT_EQ(after.size(), before.size());
  auto chk = audit_check(*db);
  EXPECT_TRUE(chk.ok) << chk.message;
  {
    auto s = db->session();
    std::string action;
    *s << "SELECT action FROM audit_log ORDER BY seq DESC LIMIT 1", soci::into(action);
    EXPECT_EQ(action, "restore");
  }
  EXPECT_EQ(registry::RegistryService(*db, keys.get()).sensitive(actor("admin"), a1), kSecrets);
  // a file that is not a dangbo backup is refused, and nothing changes
  std::string junk = (dir / "junk.db").string();
  std::ofstream(junk) << "not a database";
  if (db->dialect() == db::Dialect::sqlite) EXPECT_THROW(restore_database(*db, junk), base::Error);
  EXPECT_THROW(restore_database(*db, (dir / "missing.db").string()), base::Error);
}

INSTANTIATE_TEST_SUITE_P(Backends, Sensitive, ::testing::ValuesIn(dangbo::testing::backends()), sectest::backend_name);

}  // namespace
