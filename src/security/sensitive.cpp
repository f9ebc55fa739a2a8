#include "security/sensitive.hpp"

#include <sodium.h>
#include <soci/soci.h>
#include <spdlog/spdlog.h>

#include <algorithm>

#include "base/error.hpp"
#include "security/security.hpp"

namespace dangbo::security {
using base::Error;
using base::ErrorKind;

const std::vector<std::string>& sensitive_kinds() {
  static const std::vector<std::string> k = {"vetting_notes", "political_history", "relationships", "discipline"};
  return k;
}

bool is_sensitive_kind(const std::string& kind) {
  const auto& k = sensitive_kinds();
  return std::find(k.begin(), k.end(), kind) != k.end();
}

static std::string context_of(int64_t member_id, const std::string& kind) {
  return "member_sensitive:" + std::to_string(member_id) + ":" + kind;
}

std::map<std::string, std::string> sensitive_read(soci::session& sql, const Keyring& keys, int64_t member_id) {
  std::map<std::string, std::string> out;
  long long mid = member_id;
  std::string kind, ct, nonce, key_id;
  soci::statement st = (sql.prepare << "SELECT kind, ciphertext, nonce, key_id FROM member_sensitive WHERE member_id = :m",
                        soci::use(mid), soci::into(kind), soci::into(ct), soci::into(nonce), soci::into(key_id));
  st.execute();
  while (st.fetch()) out[kind] = keys.open(Sealed{ct, nonce, key_id}, context_of(member_id, kind));
  return out;
}

void sensitive_write(soci::session& sql, const Keyring& keys, int64_t member_id, const std::string& kind,
                     const std::string& text, int64_t by_user) {
  if (!is_sensitive_kind(kind))
    throw Error(ErrorKind::bad_request, "sensitive.kind", "Loại thông tin nhạy cảm không hợp lệ: " + kind);
  long long mid = member_id, by = by_user;
  std::string k = kind;
  if (text.empty()) {
    sql << "DELETE FROM member_sensitive WHERE member_id = :m AND kind = :k", soci::use(mid), soci::use(k);
    return;
  }
  Sealed s = keys.seal(text, context_of(member_id, kind));
  std::string now = db::now_utc();
  int n = 0;
  sql << "SELECT count(*) FROM member_sensitive WHERE member_id = :m AND kind = :k", soci::use(mid), soci::use(k),
      soci::into(n);
  if (n)
    sql << "UPDATE member_sensitive SET ciphertext = :c, nonce = :n, key_id = :i, updated_at = :t, updated_by = :b "
           "WHERE member_id = :m AND kind = :k",
        soci::use(s.ciphertext), soci::use(s.nonce), soci::use(s.key_id), soci::use(now), soci::use(by), soci::use(mid),
        soci::use(k);
  else
    sql << "INSERT INTO member_sensitive(member_id, kind, ciphertext, nonce, key_id, updated_at, updated_by) "
           "VALUES (:m, :k, :c, :n, :i, :t, :b)",
        soci::use(mid), soci::use(k), soci::use(s.ciphertext), soci::use(s.nonce), soci::use(s.key_id), soci::use(now),
        soci::use(by);
}

RotationReport rotate_keys(db::Database& db, const std::filesystem::path& key_file) {
  Keyring ring = Keyring::load(key_file);
  RotationReport rep;
  rep.retired_key_ids = ring.ids();
  auto [new_id, new_key] = Keyring::generate();
  ring.add_active(std::move(new_key));
  rep.new_key_id = new_id;
  // 1. the file holds the new key (active) and the old ones: whatever happens next, it opens
  //    every row, old or new
  ring.save(key_file);

  // 2. re-encrypt in one transaction
  auto s = db.session();
  soci::session& sql = *s;
  struct Row {
    long long id;
    std::string a, ct, nonce, key_id;
  };
  {
    soci::transaction tr(sql);
    std::vector<Row> rows;
    {
      long long id = 0, mid = 0;
      std::string kind, ct, nonce, key_id;
      soci::statement st = (sql.prepare << "SELECT id, member_id, kind, ciphertext, nonce, key_id FROM member_sensitive "
                                           "ORDER BY id",
                            soci::into(id), soci::into(mid), soci::into(kind), soci::into(ct), soci::into(nonce),
                            soci::into(key_id));
      st.execute();
      while (st.fetch()) rows.push_back(Row{id, std::to_string(mid) + ":" + kind, ct, nonce, key_id});
    }
    for (auto& r : rows) {
      std::string ctx = "member_sensitive:" + r.a;
      std::string plain = ring.open(Sealed{r.ct, r.nonce, r.key_id}, ctx);
      Sealed n = ring.seal(plain, ctx);
      sodium_memzero(plain.data(), plain.size());
      sql << "UPDATE member_sensitive SET ciphertext = :c, nonce = :n, key_id = :k WHERE id = :i", soci::use(n.ciphertext),
          soci::use(n.nonce), soci::use(n.key_id), soci::use(r.id);
      ++rep.fields;
    }
    std::vector<Row> users;
    {
      long long id = 0;
      std::string ct, nonce, key_id;
      soci::statement st = (sql.prepare << "SELECT id, totp_secret, totp_nonce, totp_key_id FROM app_user "
                                           "WHERE totp_secret IS NOT NULL ORDER BY id",
                            soci::into(id), soci::into(ct), soci::into(nonce), soci::into(key_id));
      st.execute();
      while (st.fetch()) users.push_back(Row{id, "", ct, nonce, key_id});
    }
    for (auto& u : users) {
      std::string ctx = "totp:" + std::to_string(u.id);
      std::string plain = ring.open(Sealed{u.ct, u.nonce, u.key_id}, ctx);
      Sealed n = ring.seal(plain, ctx);
      sodium_memzero(plain.data(), plain.size());
      sql << "UPDATE app_user SET totp_secret = :c, totp_nonce = :n, totp_key_id = :k WHERE id = :i",
          soci::use(n.ciphertext), soci::use(n.nonce), soci::use(n.key_id), soci::use(u.id);
      ++rep.totp_secrets;
    }
    std::string detail = "{\"new_key\":\"" + rep.new_key_id + "\",\"fields\":" + std::to_string(rep.fields) +
                         ",\"totp_secrets\":" + std::to_string(rep.totp_secrets) + "}";
    audit_append(sql, nullptr, "rotate", "field_key", rep.new_key_id, "", detail);
    tr.commit();
  }
  // 3. nothing is sealed with the old keys any more: drop them from the file
  int left = 0;
  {
    std::string id = rep.new_key_id;
    sql << "SELECT count(*) FROM member_sensitive WHERE key_id <> :k", soci::use(id), soci::into(left);
  }
  if (left == 0) {
    ring.keep_only_active();
    ring.save(key_file);
  } else {
    spdlog::warn("key rotation: {} rows still sealed with an old key; old keys kept in {}", left, key_file.string());
  }
  return rep;
}

}  // namespace dangbo::security
