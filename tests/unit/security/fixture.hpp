// A small organization tree with members and one user per role, on a fresh database of either
// back end (tests/unit/common/temp_db.hpp), and a key file in a temporary directory.
//
//   HCM (city)
//   ├── 26740 ward A ── 26740.01 cell A1: members a1 "Nguyễn Văn An", a2 "Trần Thị Bình"
//   └── 26737 ward B ── 26737.01 cell B1: member  b1 "Lê Văn Cường"
//
//   users: admin@HCM, staff@26740, secretary@26740.01, member@26740.01 (own record a1),
//          auditor@26740; every password is "Mat-khau-2025!"
#pragma once
#include <gtest/gtest.h>
#include <soci/soci.h>

#include <filesystem>
#include <map>

#include "base/rules.hpp"
#include "common/registry_fixture.hpp"
#include "common/temp_db.hpp"
#include "registry/store.hpp"
#include "security/crypto.hpp"
#include "security/security.hpp"

namespace dangbo::sectest {

inline constexpr const char* kPassword = "Mat-khau-2025!";

struct Tree : ::testing::TestWithParam<std::string> {
  std::unique_ptr<testing::TempDatabase> tmp;
  db::Database* db = nullptr;
  std::filesystem::path dir;
  std::unique_ptr<security::KeyStore> keys;
  registry::Organization root, ward_a, ward_b, cell_a, cell_b;
  int64_t a1 = 0, a2 = 0, b1 = 0;
  std::map<std::string, int64_t> uid;  // role name → user id

  void SetUp() override {
    base::RuleSet::set_global(base::RuleSet::load(std::string(DANGBO_SOURCE_DIR) + "/config/rules.json"));
    tmp = testing::TempDatabase::make(GetParam(), 4);
    if (!tmp) GTEST_SKIP() << "PostgreSQL not available (set DANGBO_TEST_PG_URL)";
    db = &tmp->db();
    dir = std::filesystem::temp_directory_path() /
          ("dangbo-sec-" + std::to_string(::getpid()) + "-" + std::to_string(counter()++));
    std::filesystem::remove_all(dir);
    keys = std::make_unique<security::KeyStore>(dir / "keys" / "field.key");
    {
    auto s = db->session();
    auto mk = [&](registry::Organization& o, std::string code, std::string name, registry::OrgKind k,
                  const registry::Organization* parent) {
      o.code = code;
      o.name = name;
      o.kind = k;
      o.valid_from = base::make_date(2025, 7, 1);
      if (parent) o.parent_id = parent->id;
      registry::insert_org(*s, o, parent ? parent->path : "");
    };
    mk(root, "HCM", "Đảng bộ Thành phố Hồ Chí Minh", registry::OrgKind::city, nullptr);
    mk(ward_a, "26740", "Đảng bộ phường Sài Gòn", registry::OrgKind::commune_committee, &root);
    mk(ward_b, "26737", "Đảng bộ phường Tân Định", registry::OrgKind::commune_committee, &root);
    mk(cell_a, "26740.01", "Chi bộ Khu phố 1 Sài Gòn", registry::OrgKind::cell, &ward_a);
    mk(cell_b, "26737.01", "Chi bộ Khu phố 1 Tân Định", registry::OrgKind::cell, &ward_b);
    a1 = add_member(*s, "Nguyễn", "Văn", "An", cell_a);
    a2 = add_member(*s, "Trần", "Thị", "Bình", cell_a);
    b1 = add_member(*s, "Lê", "Văn", "Cường", cell_b);
    }
    uid["admin"] = security::add_user(*db, "admin", kPassword, security::Role::admin, "HCM");
    uid["staff"] = security::add_user(*db, "staff", kPassword, security::Role::staff, "26740");
    uid["secretary"] = security::add_user(*db, "secretary", kPassword, security::Role::secretary, "26740.01");
    uid["member"] = security::add_user(*db, "member", kPassword, security::Role::member, "26740.01", a1);
    uid["auditor"] = security::add_user(*db, "auditor", kPassword, security::Role::auditor, "26740");
  }
  void TearDown() override {
    keys.reset();
    tmp.reset();
    if (!dir.empty()) std::filesystem::remove_all(dir);
  }
  static int& counter() {
    static int c = 0;
    return c;
  }

  int64_t add_member(soci::session& sql, const std::string& family, const std::string& middle,
                     const std::string& given, const registry::Organization& cell) {
    registry::Member m = dangbo::testing::member_in(cell, given, registry::MemberStatus::full, family, middle);
    registry::insert_member(sql, m, "2025-07-01", "test");
    return m.id;
  }

  security::Actor actor(const std::string& role) { return *security::load_actor(*db, uid.at(role)); }
};

inline std::string backend_name(const ::testing::TestParamInfo<std::string>& info) { return info.param; }

}  // namespace dangbo::sectest
