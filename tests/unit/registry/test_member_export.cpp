// The member export (RegistryService::export_members_csv) on both back ends: the exact bytes of
// the CSV (BOM, Vietnamese header, CRLF, column order, dates as shown, quoting and the formula
// guard), the order and completeness of a list longer than a page, the filters, the scope and
// role checks, and the audit entry. Every expected value is written out here by hand from the
// rows the test inserts; none is computed by the code under test.
#include <gtest/gtest.h>
#include <soci/soci.h>

#include <map>
#include <string>
#include <vector>

#include "common/registry_fixture.hpp"
#include "common/temp_db.hpp"

#include "base/error.hpp"
#include "base/rules.hpp"
#include "registry/service.hpp"
#include "registry/store.hpp"
#include "security/security.hpp"

using namespace dangbo;
using namespace dangbo::registry;

namespace {

const std::string kBom = "\xEF\xBB\xBF";
const std::string kHeader =
    "Mã,Họ,Tên đệm,Tên,Giới tính,Ngày sinh,Trạng thái,Ngày vào Đảng,Ngày chính thức,Số thẻ đảng viên,Mã tổ chức,"
    "Tổ chức\r\n";

struct ExportTest : ::testing::TestWithParam<std::string> {
  std::unique_ptr<dangbo::testing::TempDatabase> tmp;
  db::Database* db = nullptr;
  Organization root, ward_a, ward_b, cell_a, cell_q, cell_b;

  void SetUp() override {
    base::RuleSet::set_global(base::RuleSet::load(std::string(DANGBO_SOURCE_DIR) + "/config/rules.json"));
    tmp = dangbo::testing::TempDatabase::make(GetParam());
    if (!tmp) GTEST_SKIP() << "no PostgreSQL cluster (DANGBO_TEST_PG_URL unset)";
    db = &tmp->db();
    auto s = db->session();
    using dangbo::testing::add_org;
    add_org(*s, root, "HCM", "Đảng bộ Thành phố Hồ Chí Minh", OrgKind::city, nullptr);
    add_org(*s, ward_a, "26740", "Đảng bộ phường Sài Gòn", OrgKind::commune_committee, &root);
    add_org(*s, ward_b, "26737", "Đảng bộ phường Tân Định", OrgKind::commune_committee, &root);
    add_org(*s, cell_a, "26740.01", "Chi bộ Khu phố 1", OrgKind::cell, &ward_a);
    // a name with a comma and quotes: the cell must be quoted, the quotes doubled
    add_org(*s, cell_q, "26740.02", "Chi bộ \"Khu phố 2\", phường Sài Gòn", OrgKind::cell, &ward_a);
    add_org(*s, cell_b, "26737.01", "Chi bộ Khu phố 1", OrgKind::cell, &ward_b);
  }
  void TearDown() override { tmp.reset(); }

  int64_t insert(Member m) {
    auto s = db->session();
    insert_member(*s, m, "2025-07-01", "test");
    return m.id;
  }
  security::Actor actor(security::Role r, const Organization& o) { return dangbo::testing::actor_at(r, o, 1, "t"); }

  // The five members of ward A (one of them deceased) and one of ward B.
  struct Ids {
    int64_t an, anh, binh, cuong, dung, other;
  };
  Ids roster() {
    Ids ids{};
    using dangbo::testing::member_in;
    Member an = member_in(cell_a, "An", MemberStatus::full, "Lê", "Hoàng");
    an.card_number = "12345678";
    ids.an = insert(an);
    Member anh = member_in(cell_q, "Ánh", MemberStatus::probationary, "Nguyễn", "Thị");
    anh.gender = Gender::female;
    anh.birth_date = base::parse_iso_date("1985-07");  // month precision
    anh.admitted_on = base::make_date(2025, 1, 15);
    anh.full_member_on.reset();
    ids.anh = insert(anh);
    Member binh = member_in(cell_a, "Bình", MemberStatus::exempted, "Trần", "Văn");
    binh.birth_date = base::parse_iso_date("1950");  // year precision
    binh.card_number = "=HYPERLINK(\"x\")";          // a formula with quotes
    ids.binh = insert(binh);
    Member cuong = member_in(cell_a, "Cường", MemberStatus::deceased, "Phạm", "Văn");
    ids.cuong = insert(cuong);
    Member dung = member_in(cell_a, "Dũng", MemberStatus::full, "Vũ", "");
    dung.card_number = "+84 1";
    ids.dung = insert(dung);
    Member other = member_in(cell_b, "An", MemberStatus::full, "Hoàng", "Văn");
    ids.other = insert(other);
    return ids;
  }

  static std::string id(int64_t v) { return std::to_string(v); }

  // The last audit entry: action, entity, entity id, org path, detail.
  std::vector<std::string> last_audit() {
    auto s = db->session();
    std::string action, entity, entity_id, path, detail;
    *s << "SELECT action, entity, entity_id, org_path, detail FROM audit_log ORDER BY seq DESC LIMIT 1",
        soci::into(action), soci::into(entity), soci::into(entity_id), soci::into(path), soci::into(detail);
    return {action, entity, entity_id, path, detail};
  }
  int64_t audit_count() {
    auto s = db->session();
    int64_t n = 0;
    *s << "SELECT count(*) FROM audit_log", soci::into(n);
    return n;
  }
};

TEST_P(ExportTest, TheWardsMembersOnTheRollsExactly) {
  Ids i = roster();
  RegistryService svc(*db);
  int64_t rows = -1;
  std::string csv = svc.export_members_csv(actor(security::Role::staff, ward_a), "26740", MemberQuery{}, &rows);
  // Vietnamese order: An < Ánh < Bình < Dũng (Cường is deceased: not on the rolls); ward B's
  // member is outside the scope.
  const std::string expected =
      kBom + kHeader +  //
      id(i.an) + ",Lê,Hoàng,An,Nam,20/05/1970,Chính thức,01/03/1995,01/03/1996,12345678,26740.01,Chi bộ Khu phố 1\r\n" +
      id(i.anh) + ",Nguyễn,Thị,Ánh,Nữ,07/1985,Dự bị,15/01/2025,,,26740.02,\"Chi bộ \"\"Khu phố 2\"\", phường Sài Gòn\"\r\n" +
      id(i.binh) + ",Trần,Văn,Bình,Nam,1950,Miễn công tác và sinh hoạt,01/03/1995,01/03/1996,\"'=HYPERLINK(\"\"x\"\")\","
                   "26740.01,Chi bộ Khu phố 1\r\n" +
      id(i.dung) + ",Vũ,,Dũng,Nam,20/05/1970,Chính thức,01/03/1995,01/03/1996,'+84 1,26740.01,Chi bộ Khu phố 1\r\n";
  EXPECT_EQ(csv, expected);
  EXPECT_EQ(rows, 4);
  // audited: the organization, its path, the row count and the (empty) filter
  EXPECT_EQ(last_audit(), (std::vector<std::string>{"export", "organization", "26740", ward_a.path,
                                                    R"({"org":"26740","rows":4,"filter":{}})"}));
  // the actor's own scope when no organization is named: the same list
  EXPECT_EQ(svc.export_members_csv(actor(security::Role::staff, ward_a), "", MemberQuery{}), expected);
}

TEST_P(ExportTest, FiltersStatusGenderAndName) {
  Ids i = roster();
  RegistryService svc(*db);
  auto staff = actor(security::Role::secretary, ward_a);
  MemberQuery all;
  all.status = "all";
  int64_t rows = 0;
  std::string csv = svc.export_members_csv(staff, "26740", all, &rows);
  EXPECT_EQ(rows, 5);
  EXPECT_NE(csv.find("\r\n" + id(i.binh) + ",Trần,"), std::string::npos);
  EXPECT_NE(csv.find("\r\n" + id(i.cuong) +
                     ",Phạm,Văn,Cường,Nam,20/05/1970,Đã từ trần,01/03/1995,01/03/1996,,26740.01,Chi bộ Khu phố 1\r\n" +
                     id(i.dung) + ",Vũ,"),
            std::string::npos)
      << csv;
  EXPECT_EQ(last_audit()[4], R"({"org":"26740","rows":5,"filter":{"status":"all"}})");

  MemberQuery women;
  women.gender = "female";
  EXPECT_EQ(svc.export_members_csv(staff, "26740", women, &rows),
            kBom + kHeader + id(i.anh) +
                ",Nguyễn,Thị,Ánh,Nữ,07/1985,Dự bị,15/01/2025,,,26740.02,\"Chi bộ \"\"Khu phố 2\"\", phường Sài Gòn\"\r\n");
  EXPECT_EQ(rows, 1);
  EXPECT_EQ(last_audit()[4], R"({"org":"26740","rows":1,"filter":{"gender":"female"}})");

  MemberQuery named;
  named.q = "tran van binh";  // without diacritics
  std::string one = svc.export_members_csv(staff, "26740", named, &rows);
  EXPECT_EQ(rows, 1);
  EXPECT_EQ(one.substr(0, kBom.size() + kHeader.size() + id(i.binh).size() + 1), kBom + kHeader + id(i.binh) + ",");
  EXPECT_EQ(last_audit()[4], R"({"org":"26740","rows":1,"filter":{"q":"tran van binh"}})");

  MemberQuery none;
  none.q = "khong co ai";
  EXPECT_EQ(svc.export_members_csv(staff, "26740", none, &rows), kBom + kHeader);
  EXPECT_EQ(rows, 0);
}

TEST_P(ExportTest, ScopeAndRolesAreChecked) {
  Ids i = roster();
  RegistryService svc(*db);
  auto staff_a = actor(security::Role::staff, ward_a);
  int64_t before = audit_count();
  // another ward, or the city above the actor's ward: not found (nothing said about it), not audited
  for (const char* code : {"26737", "HCM", "26737.01"}) {
    try {
      svc.export_members_csv(staff_a, code, MemberQuery{});
      ADD_FAILURE() << code << " exported";
    } catch (const base::Error& e) {
      EXPECT_EQ(e.kind(), base::ErrorKind::not_found) << code;
    }
  }
  // a member and an auditor may not export at all
  for (auto role : {security::Role::member, security::Role::auditor}) {
    try {
      svc.export_members_csv(actor(role, ward_a), "26740", MemberQuery{});
      ADD_FAILURE() << "role " << security::to_string(role) << " exported";
    } catch (const base::Error& e) {
      EXPECT_EQ(e.kind(), base::ErrorKind::forbidden);
    }
  }
  EXPECT_EQ(audit_count(), before);
  // the city's administrator: both wards, in Vietnamese order (An: Hoàng before Lê)
  int64_t rows = 0;
  std::string csv = svc.export_members_csv(actor(security::Role::admin, root), "HCM", MemberQuery{}, &rows);
  EXPECT_EQ(rows, 5);
  std::vector<std::string> first_cells;
  for (std::size_t p = csv.find("\r\n") + 2; p < csv.size(); p = csv.find("\r\n", p) + 2)
    first_cells.push_back(csv.substr(p, csv.find(',', p) - p));
  EXPECT_EQ(first_cells, (std::vector<std::string>{id(i.other), id(i.an), id(i.anh), id(i.binh), id(i.dung)}));
  EXPECT_NE(csv.find(id(i.other) + ",Hoàng,Văn,An,Nam,20/05/1970,Chính thức,01/03/1995,01/03/1996,,26737.01,Chi bộ Khu phố 1\r\n"),
            std::string::npos);
  EXPECT_EQ(last_audit(), (std::vector<std::string>{"export", "organization", "HCM", root.path,
                                                    R"({"org":"HCM","rows":5,"filter":{}})"}));
}

TEST_P(ExportTest, AListLongerThanAPageComesWholeInOrderOnce) {
  // 1,203 members whose names repeat (An, Bình, Chi in turn): the order is the name, then the
  // id, and it must hold across every page the list is read in.
  const char* given[] = {"An", "Bình", "Chi"};
  std::vector<int64_t> by_name[3];
  std::map<std::string, bool> in_cell_a;
  {
    auto s = db->session();
    soci::transaction tr(*s);
    for (int k = 0; k < 1203; ++k) {
      Member m = dangbo::testing::member_in(k % 2 ? cell_a : cell_q, given[k % 3]);
      insert_member(*s, m, "2025-07-01", "test");
      by_name[k % 3].push_back(m.id);
      in_cell_a[id(m.id)] = k % 2;
    }
    tr.commit();
  }
  std::vector<std::string> expected_ids;
  for (auto& v : by_name)
    for (int64_t x : v) expected_ids.push_back(id(x));  // ids ascend in insertion order
  RegistryService svc(*db);
  int64_t rows = 0;
  std::string csv = svc.export_members_csv(actor(security::Role::staff, ward_a), "26740", MemberQuery{}, &rows);
  EXPECT_EQ(rows, 1203);
  ASSERT_EQ(csv.rfind(kBom + kHeader, 0), 0u);
  std::vector<std::string> got_ids;
  std::size_t lines = 0;
  for (std::size_t p = kBom.size() + kHeader.size(); p < csv.size();) {
    std::size_t e = csv.find("\r\n", p);
    ASSERT_NE(e, std::string::npos);
    std::string line = csv.substr(p, e - p);
    std::string idc = line.substr(0, line.find(','));
    got_ids.push_back(idc);
    ASSERT_TRUE(in_cell_a.count(idc)) << line;
    bool in_a = in_cell_a[idc];
    std::string name = line.substr(idc.size() + 1, line.find(",Nam,") - idc.size() - 1);
    EXPECT_TRUE(name == "Nguyễn,Văn,An" || name == "Nguyễn,Văn,Bình" || name == "Nguyễn,Văn,Chi") << line;
    std::string tail = in_a ? ",Nam,20/05/1970,Chính thức,01/03/1995,01/03/1996,,26740.01,Chi bộ Khu phố 1"
                            : ",Nam,20/05/1970,Chính thức,01/03/1995,01/03/1996,,26740.02,\"Chi bộ \"\"Khu phố 2\"\", phường Sài Gòn\"";
    EXPECT_EQ(line.substr(idc.size() + 1 + name.size()), tail) << line;
    ++lines;
    p = e + 2;
  }
  EXPECT_EQ(lines, 1203u);
  EXPECT_EQ(got_ids, expected_ids);
}

INSTANTIATE_TEST_SUITE_P(Backends, ExportTest, ::testing::ValuesIn(dangbo::testing::backends()),
                         [](const auto& info) { return info.param; });

}  // namespace
