// The permission matrix, built from the program's real route table (app::register_all_routes,
// the function `dangbo serve` uses): every route × role (anonymous, admin, staff, secretary,
// member, auditor) × (inside the actor's scope, outside it) has an expected HTTP status, and the
// request goes through the real route wrapper (bearer-token authentication) and middleware.
//
//   inside:  organization 26740.01 (cell A1), member a1 (the member role's own record)
//   outside: organization 26737.01 (cell B1 of the other ward), member b1
//
// A route in the table without a row here fails the test (so does a row without a route), and
// every refusal (401/403/404) must carry nothing of the outside member or organization.
#include <array>
#include <functional>
#include <set>

#include "app/wiring.hpp"
#include "fixture.hpp"
#include "web/web.hpp"

using namespace dangbo;
using sectest::kPassword;

namespace {

// Expected statuses. `anon` for a request without credentials; then (inside, outside) for
// admin, staff, secretary, member, auditor.
struct Expect {
  int anon;
  std::array<std::pair<int, int>, 5> roles;
};

struct Row {
  std::string method, pattern;
  std::string target;  // with {org} and {member} placeholders
  std::string body;    // likewise; form or JSON (by the first character)
  Expect expect;
  // state the request needs first (e.g. a pending TOTP set-up); may be empty
  std::function<void(db::Database&, security::KeyStore&, int64_t user_id)> prepare = nullptr;
};

constexpr std::pair<int, int> ok{200, 200}, ok_in{200, 404}, ok_own{200, 404}, forbidden{403, 403},
    redirect{303, 303}, redirect_in{303, 404}, problem422{422, 422}, denied_login{403, 403};

const char* kRoles[] = {"admin", "staff", "secretary", "member", "auditor"};

// Restructure plans naming {org}: a rename (preview answers 200) and one whose effective date is
// before its decision (apply refuses it with 422, so the matrix never changes the tree).
#define RS_HEADER "op,code,target,target_name,target_kind,target_parent,target_unit,rule,share,decision_no,decision_date,effective_date"
constexpr const char* kPlanForm = RS_HEADER "%0Arename,{org},,T%C3%AAn+m%E1%BB%9Bi,,,,,,Q%C4%90+1,2026-01-01,2026-02-01";
constexpr const char* kBadPlanForm = RS_HEADER "%0Arename,{org},,T%C3%AAn+m%E1%BB%9Bi,,,,,,Q%C4%90+1,2026-03-01,2026-02-01";
constexpr const char* kPlanJson = "{\"csv\":\"" RS_HEADER "\\nrename,{org},,Tên mới,,,,,,QĐ 1,2026-01-01,2026-02-01\"}";
constexpr const char* kBadPlanJson = "{\"csv\":\"" RS_HEADER "\\nrename,{org},,Tên mới,,,,,,QĐ 1,2026-03-01,2026-02-01\"}";
#undef RS_HEADER
constexpr std::pair<int, int> problem422_in{422, 404}, not_found{404, 404};
constexpr std::pair<int, int> accepted{202, 202}, accepted_in{202, 404}, forbidden_in{403, 404};
constexpr std::pair<int, int> created{201, 201}, created_in{201, 404};

std::vector<Row> matrix() {
  auto pending_totp = [](db::Database& db, security::KeyStore& keys, int64_t uid) {
    auto a = security::load_actor(db, uid);
    if (a && !a->totp_enabled) security::begin_totp_setup(db, keys.current(), *a);
  };
  const std::pair<int, int> all_redirect = redirect;
  return {
      // ---- sign-in, public --------------------------------------------------------------
      {"GET", "/login", "/login", "", {200, {all_redirect, all_redirect, all_redirect, all_redirect, all_redirect}}},
      // no sign-in CSRF cookie: refused before any password check
      {"POST", "/login", "/login", "username=admin&password=x",
       {403, {denied_login, denied_login, denied_login, denied_login, denied_login}}},
      {"GET", "/login/totp", "/login/totp", "", {303, {redirect, redirect, redirect, redirect, redirect}}},
      {"POST", "/login/totp", "/login/totp", "code=123456",
       {403, {denied_login, denied_login, denied_login, denied_login, denied_login}}},
      {"POST", "/logout", "/logout", "", {303, {redirect, redirect, redirect, redirect, redirect}}},
      {"GET", "/lang/{lang}", "/lang/en", "", {303, {redirect, redirect, redirect, redirect, redirect}}},
      {"GET", "/healthz", "/healthz", "", {200, {ok, ok, ok, ok, ok}}},
      {"GET", "/api/v1/openapi.json", "/api/v1/openapi.json", "", {200, {ok, ok, ok, ok, ok}}},
      // ---- the own account ----------------------------------------------------------------
      {"GET", "/account", "/account", "", {303, {ok, ok, ok, ok, ok}}},
      {"GET", "/account/password", "/account/password", "", {303, {ok, ok, ok, ok, ok}}},
      {"POST", "/account/password", "/account/password",
       "old_password=wrong-old-one&new_password=Mot-mat-khau-moi&new_password2=Mot-mat-khau-moi",
       {303, {problem422, problem422, problem422, problem422, problem422}}},
      {"POST", "/account/sessions/revoke", "/account/sessions/revoke", "", {303, {ok, ok, ok, ok, ok}}},
      {"POST", "/account/totp/setup", "/account/totp/setup", "", {303, {ok, ok, ok, ok, ok}}},
      {"POST", "/account/totp/enable", "/account/totp/enable", "code=000000",
       {303, {problem422, problem422, problem422, problem422, problem422}}, pending_totp},
      {"POST", "/account/totp/disable", "/account/totp/disable", "password=wrong-password",
       {303, {problem422, problem422, problem422, problem422, problem422}}},
      // ---- audit log: auditors and administrators, inside their subtree ---------------------
      {"GET", "/audit", "/audit?org={org}", "", {303, {ok, forbidden, forbidden, forbidden, ok_in}}},
      {"GET", "/api/v1/audit", "/api/v1/audit?org={org}", "", {401, {ok, forbidden, forbidden, forbidden, ok_in}}},
      // ---- registry pages --------------------------------------------------------------------
      {"GET", "/", "/", "", {303, {redirect, redirect, redirect, redirect, redirect}}},
      {"GET", "/orgs/{code}", "/orgs/{org}", "", {303, {ok, ok_in, ok_in, forbidden, forbidden}}},
      {"GET", "/orgs/{code}/children", "/orgs/{org}/children", "", {303, {ok, ok_in, ok_in, forbidden, forbidden}}},
      {"GET", "/members/{id}", "/members/{member}", "", {303, {ok, ok_in, ok_in, ok_own, forbidden}}},
      {"GET", "/members/{id}/edit", "/members/{member}/edit", "", {303, {ok, ok_in, ok_in, forbidden, forbidden}}},
      {"POST", "/members/{id}/edit", "/members/{member}/edit", "occupation=K%E1%BB%B9+s%C6%B0",
       {303, {redirect, redirect_in, redirect_in, forbidden, forbidden}}},
      {"GET", "/members/{id}/sensitive", "/members/{member}/sensitive", "",
       {303, {ok, ok_in, forbidden, forbidden, forbidden}}},
      {"POST", "/members/{id}/sensitive", "/members/{member}/sensitive", "vetting_notes=Ghi+ch%C3%BA",
       {303, {redirect, redirect_in, forbidden, forbidden, forbidden}}},
      {"GET", "/orgs/{code}/export.csv", "/orgs/{org}/export.csv", "", {303, {ok, ok_in, ok_in, forbidden, forbidden}}},
      {"GET", "/dashboard", "/dashboard?org={org}", "", {303, {ok, ok_in, ok_in, forbidden, forbidden}}},
      // ---- registry API ----------------------------------------------------------------------
      {"GET", "/api/v1/organizations", "/api/v1/organizations?parent={org}", "",
       {401, {ok, ok_in, ok_in, forbidden, forbidden}}},
      {"GET", "/api/v1/organizations/{code}/lineage", "/api/v1/organizations/{org}/lineage", "",
       {401, {ok, ok_in, ok_in, forbidden, forbidden}}},
      {"GET", "/api/v1/members", "/api/v1/members?org={org}", "", {401, {ok, ok_in, ok_in, forbidden, forbidden}}},
      {"GET", "/api/v1/members/{id}", "/api/v1/members/{member}", "", {401, {ok, ok_in, ok_in, ok_own, forbidden}}},
      {"PATCH", "/api/v1/members/{id}", "/api/v1/members/{member}", "{\"occupation\":\"Kỹ sư\"}",
       {401, {ok, ok_in, ok_in, forbidden, forbidden}}},
      {"GET", "/api/v1/stats", "/api/v1/stats?org={org}", "", {401, {ok, ok_in, ok_in, forbidden, forbidden}}},
      // ---- restructuring (issue 6): administrators; staff inside their subtree --------------
      // A plan naming {org}; "bad" has its effective date before the decision (refused, 422).
      {"GET", "/restructure", "/restructure", "", {303, {ok, ok, forbidden, forbidden, forbidden}}},
      {"POST", "/restructure/build", "/restructure/build", "b_op=rename&b_code={org}&b_target_name=T%C3%AAn",
       {303, {ok, ok, forbidden, forbidden, forbidden}}},
      {"POST", "/restructure/preview", "/restructure/preview", "csv=" + std::string(kPlanForm),
       {303, {ok, ok_in, forbidden, forbidden, forbidden}}},
      {"POST", "/restructure/apply", "/restructure/apply", "csv=" + std::string(kBadPlanForm),
       {303, {problem422, problem422_in, forbidden, forbidden, forbidden}}},
      {"POST", "/restructure/xlsx", "/restructure/xlsx", "not=a-workbook", {303, {problem422, problem422, forbidden, forbidden, forbidden}}},
      {"POST", "/restructure/undo", "/restructure/undo", "plan_id=", {303, {redirect, forbidden, forbidden, forbidden, forbidden}}},
      {"GET", "/restructure/plans/{id}", "/restructure/plans/999", "", {303, {not_found, not_found, forbidden, forbidden, forbidden}}},
      {"GET", "/restructure/plans/{id}/plan.csv", "/restructure/plans/999/plan.csv", "",
       {303, {not_found, not_found, forbidden, forbidden, forbidden}}},
      {"GET", "/restructure/plan-2025.csv", "/restructure/plan-2025.csv", "", {303, {ok, ok, forbidden, forbidden, forbidden}}},
      {"GET", "/restructure/standards", "/restructure/standards?province=79", "", {303, {ok, ok, ok, forbidden, forbidden}}},
      {"POST", "/api/v1/restructure/preview", "/api/v1/restructure/preview", std::string(kPlanJson),
       {401, {ok, ok_in, forbidden, forbidden, forbidden}}},
      {"POST", "/api/v1/restructure/apply", "/api/v1/restructure/apply", std::string(kBadPlanJson),
       {401, {problem422, problem422_in, forbidden, forbidden, forbidden}}},
      {"POST", "/api/v1/restructure/undo", "/api/v1/restructure/undo", "{}", {401, {not_found, forbidden, forbidden, forbidden, forbidden}}},
      {"GET", "/api/v1/restructure/plans", "/api/v1/restructure/plans", "", {401, {ok, ok, forbidden, forbidden, forbidden}}},
      {"GET", "/api/v1/restructure/standards", "/api/v1/restructure/standards?province=79", "",
       {401, {ok, ok, ok, forbidden, forbidden}}},
      // ---- duplicate records (issue 5): administrators and staff, pairs inside their subtree ---
      {"GET", "/dedupe", "/dedupe", "", {303, {ok, ok, forbidden, forbidden, forbidden}}},
      {"POST", "/dedupe/run", "/dedupe/run", "org={org}", {303, {redirect, redirect_in, forbidden, forbidden, forbidden}}},
      {"GET", "/dedupe/pairs/{id}", "/dedupe/pairs/999", "", {303, {not_found, not_found, forbidden, forbidden, forbidden}}},
      {"POST", "/dedupe/pairs/{id}/different", "/dedupe/pairs/999/different", "",
       {303, {not_found, not_found, forbidden, forbidden, forbidden}}},
      {"POST", "/dedupe/pairs/{id}/merge", "/dedupe/pairs/999/merge", "survivor=a&choice_phone=b",
       {303, {not_found, not_found, forbidden, forbidden, forbidden}}},
      {"GET", "/dedupe/merges/{id}", "/dedupe/merges/999", "", {303, {not_found, not_found, forbidden, forbidden, forbidden}}},
      {"POST", "/dedupe/merges/{id}/undo", "/dedupe/merges/999/undo", "",
       {303, {not_found, not_found, forbidden, forbidden, forbidden}}},
      {"GET", "/api/v1/dedupe/pairs", "/api/v1/dedupe/pairs?band=review", "", {401, {ok, ok, forbidden, forbidden, forbidden}}},
      {"GET", "/api/v1/dedupe/pairs/{id}", "/api/v1/dedupe/pairs/999", "",
       {401, {not_found, not_found, forbidden, forbidden, forbidden}}},
      {"POST", "/api/v1/dedupe/pairs/{id}/different", "/api/v1/dedupe/pairs/999/different", "",
       {401, {not_found, not_found, forbidden, forbidden, forbidden}}},
      {"POST", "/api/v1/dedupe/pairs/{id}/merge", "/api/v1/dedupe/pairs/999/merge", "{\"survivor\":\"a\"}",
       {401, {not_found, not_found, forbidden, forbidden, forbidden}}},
      {"GET", "/api/v1/dedupe/merges/{id}", "/api/v1/dedupe/merges/999", "",
       {401, {not_found, not_found, forbidden, forbidden, forbidden}}},
      {"POST", "/api/v1/dedupe/merges/{id}/undo", "/api/v1/dedupe/merges/999/undo", "",
       {401, {not_found, not_found, forbidden, forbidden, forbidden}}},
      {"POST", "/api/v1/dedupe/runs", "/api/v1/dedupe/runs", "{\"org\":\"{org}\"}",
       {401, {created, created_in, forbidden, forbidden, forbidden}}},
      // ---- imports and the cleaning campaign (issue 4): rosters by administrators and staff,
      // fix sheets also by secretaries; jobs, findings and the campaign inside the subtree ----
      {"GET", "/imports", "/imports", "", {303, {ok, ok, ok, forbidden, forbidden}}},
      // not multipart: refused as malformed before anything is read
      {"POST", "/imports", "/imports", "org={org}", {303, {problem422, problem422, problem422, forbidden, forbidden}}},
      {"GET", "/imports/{id}", "/imports/999", "", {303, {not_found, not_found, not_found, forbidden, forbidden}}},
      {"POST", "/imports/{id}/start", "/imports/999/start", "", {303, {not_found, not_found, not_found, forbidden, forbidden}}},
      {"POST", "/imports/{id}/resume", "/imports/999/resume", "", {303, {not_found, not_found, not_found, forbidden, forbidden}}},
      // a roster uploaded without starting it (start=0): nothing runs
      {"POST", "/api/v1/imports", "/api/v1/imports?org={org}&name=t.csv&start=0", "STT,Họ và tên\n1,Nguyễn Văn Test\n",
       {401, {accepted, accepted_in, forbidden_in, forbidden, forbidden}}},
      {"GET", "/api/v1/imports", "/api/v1/imports", "", {401, {ok, ok, ok, forbidden, forbidden}}},
      {"GET", "/api/v1/imports/{id}", "/api/v1/imports/999", "", {401, {not_found, not_found, not_found, forbidden, forbidden}}},
      {"GET", "/api/v1/imports/{id}/rejected", "/api/v1/imports/999/rejected", "",
       {401, {not_found, not_found, not_found, forbidden, forbidden}}},
      {"GET", "/api/v1/imports/{id}/events", "/api/v1/imports/999/events", "",
       {401, {not_found, not_found, not_found, forbidden, forbidden}}},
      {"POST", "/api/v1/imports/{id}/resume", "/api/v1/imports/999/resume", "",
       {401, {not_found, not_found, not_found, forbidden, forbidden}}},
      {"GET", "/campaign", "/campaign?org={org}", "", {303, {ok, ok_in, ok_in, forbidden, forbidden}}},
      {"GET", "/campaign/findings", "/campaign/findings?org={org}", "", {303, {ok, ok_in, ok_in, forbidden, forbidden}}},
      {"GET", "/campaign/findings.xlsx", "/campaign/findings.xlsx?org={org}", "", {303, {ok, ok_in, ok_in, forbidden, forbidden}}},
      {"GET", "/api/v1/campaign", "/api/v1/campaign?org={org}", "", {401, {ok, ok_in, ok_in, forbidden, forbidden}}},
      {"GET", "/api/v1/findings", "/api/v1/findings?org={org}", "", {401, {ok, ok_in, ok_in, forbidden, forbidden}}},
  };
}

void replace_all(std::string& s, const std::string& from, const std::string& to) {
  for (auto p = s.find(from); p != std::string::npos; p = s.find(from, p + to.size())) s.replace(p, from.size(), to);
}

struct Matrix : sectest::Tree {
  std::unique_ptr<web::I18n> i18n;
  std::unique_ptr<web::Renderer> renderer;
  std::unique_ptr<web::Context> ctx;
  http::Router router;
  std::map<std::string, std::string> tokens;  // role → bearer token

  void SetUp() override {
    sectest::Tree::SetUp();
    if (IsSkipped()) return;
    i18n = std::make_unique<web::I18n>();
    i18n->load(std::string(DANGBO_SOURCE_DIR) + "/web/i18n");
    renderer = std::make_unique<web::Renderer>(std::string(DANGBO_SOURCE_DIR) + "/web/templates", *i18n);
    ctx = std::make_unique<web::Context>(*db, *renderer);
    ctx->keys = keys.get();
    app::register_all_routes(router, *ctx, std::string(DANGBO_SOURCE_DIR) + "/web");
    for (auto r : kRoles) tokens[r] = security::create_api_token(*db, r);
  }

  http::Response call(const Row& row, const std::string& role, bool inside) {
    std::string target = row.target, body = row.body;
    for (auto* s : {&target, &body}) {
      replace_all(*s, "{org}", inside ? "26740.01" : "26737.01");
      replace_all(*s, "{member}", std::to_string(inside ? a1 : b1));
    }
    http::Request req;
    req.method = row.method;
    req.target = target;
    auto q = target.find('?');
    req.path = http::url_decode(target.substr(0, q));
    if (q != std::string::npos) req.query = http::parse_query(target.substr(q + 1));
    req.remote_addr = "192.0.2.10";
    req.headers["Accept"] = "text/html";
    if (!body.empty())
      req.headers["Content-Type"] = body[0] == '{' ? "application/json" : "application/x-www-form-urlencoded";
    req.body = body;
    if (role != "anonymous") req.headers["Authorization"] = "Bearer " + tokens.at(role);
    if (row.prepare && role != "anonymous") row.prepare(*db, *keys, uid.at(role));
    const http::Handler* h = router.match(req);
    if (!h) throw std::runtime_error("no route for " + row.method + " " + target);
    return web::make_middleware(*ctx)(req, *h);
  }
};

TEST_P(Matrix, EveryRouteHasARowAndEveryRowARoute) {
  std::set<std::string> rows, routes;
  for (auto& r : matrix()) rows.insert(r.method + " " + r.pattern);
  for (auto& r : router.routes()) {
    routes.insert(r.method + " " + r.pattern);
    EXPECT_FALSE(r.rule.empty()) << r.method << " " << r.pattern << " has no access rule";
    EXPECT_TRUE(rows.count(r.method + " " + r.pattern))
        << "route " << r.method << " " << r.pattern << " (rule \"" << r.rule
        << "\") has no row in the permission matrix (tests/unit/security/test_permission_matrix.cpp)";
  }
  for (auto& r : rows) EXPECT_TRUE(routes.count(r)) << "matrix row " << r << " names no route";
  EXPECT_GE(routes.size(), 30u);
}

TEST_P(Matrix, EveryRouteRoleAndScopeGivesTheExpectedStatus) {
  const std::vector<std::string> leaks = {"Cường", "Tân Định"};
  int checked = 0;
  for (auto& row : matrix()) {
    bool routed = false;
    for (auto& r : router.routes()) routed = routed || (r.method == row.method && r.pattern == row.pattern);
    if (!routed) continue;  // reported by the test above
    // anonymous
    {
      auto resp = call(row, "anonymous", true);
      EXPECT_EQ(resp.status, row.expect.anon) << row.method << " " << row.target << " anonymous: " << resp.body.substr(0, 300);
      ++checked;
    }
    for (int i = 0; i < 5; ++i) {
      for (bool inside : {true, false}) {
        int want = inside ? row.expect.roles[i].first : row.expect.roles[i].second;
        auto resp = call(row, kRoles[i], inside);
        EXPECT_EQ(resp.status, want) << row.method << " " << row.target << " as " << kRoles[i] << " "
                                     << (inside ? "inside" : "outside") << " the scope: " << resp.body.substr(0, 300);
        if (!inside && (resp.status == 401 || resp.status == 403 || resp.status == 404))
          for (auto& l : leaks)
            EXPECT_EQ(resp.body.find(l), std::string::npos)
                << row.method << " " << row.target << " as " << kRoles[i] << " leaks \"" << l << "\"";
        ++checked;
      }
    }
  }
  EXPECT_GE(checked, 30 * 11);
}

TEST_P(Matrix, ExportIsExactlyTheFilteredListAsUtf8CsvWithBom) {
  Row row{"GET", "/orgs/{code}/export.csv", "/orgs/26740/export.csv?q=nguyen", "", {}};
  auto resp = call(row, "staff", true);
  ASSERT_EQ(resp.status, 200) << resp.body;
  EXPECT_EQ(resp.content_type, "text/csv; charset=utf-8");
  ASSERT_EQ(resp.body.rfind("\xEF\xBB\xBF", 0), 0u) << "UTF-8 byte order mark first";
  // header + one row: the filter "nguyen" keeps Nguyễn Văn An only
  int lines = 0;
  for (char c : resp.body) lines += c == '\n';
  EXPECT_EQ(lines, 2) << resp.body;
  EXPECT_NE(resp.body.find("Nguyễn,Văn,An"), std::string::npos) << resp.body;
  EXPECT_EQ(resp.body.find("Bình"), std::string::npos);
  // no filter: both members of ward A, none of ward B
  Row all{"GET", "/orgs/{code}/export.csv", "/orgs/26740/export.csv", "", {}};
  auto r2 = call(all, "staff", true);
  EXPECT_NE(r2.body.find("Bình"), std::string::npos);
  EXPECT_EQ(r2.body.find("Cường"), std::string::npos);
  // the export is in the audit log with its filter and row count
  auto s = db->session();
  std::string detail;
  *s << "SELECT detail FROM audit_log WHERE action = 'export' ORDER BY seq LIMIT 1", soci::into(detail);
  EXPECT_NE(detail.find("\"rows\":1"), std::string::npos) << detail;
  EXPECT_NE(detail.find("\"q\":\"nguyen\""), std::string::npos) << detail;
}

TEST_P(Matrix, ViewsByOthersAreAuditedOwnViewsAreNot) {
  auto count = [&](const std::string& who) {
    auto s = db->session();
    int n = 0;
    std::string id = std::to_string(a1);
    *s << "SELECT count(*) FROM audit_log WHERE action = 'view' AND entity = 'member' AND entity_id = :i AND "
          "actor_name = :a",
        soci::use(id), soci::use(who), soci::into(n);
    return n;
  };
  Row page{"GET", "/members/{id}", "/members/{member}", "", {}};
  Row api{"GET", "/api/v1/members/{id}", "/api/v1/members/{member}", "", {}};
  for (auto& r : {page, api}) {
    call(r, "member", true);     // the member's own record
    call(r, "secretary", true);  // the cell secretary
  }
  EXPECT_EQ(count("member"), 0);
  EXPECT_EQ(count("secretary"), 2);
  // the API list returns whole records: one "list" entry naming them
  Row list{"GET", "/api/v1/members", "/api/v1/members?org={org}", "", {}};
  call(list, "staff", true);
  auto s = db->session();
  std::string detail;
  *s << "SELECT detail FROM audit_log WHERE action = 'list' ORDER BY seq DESC LIMIT 1", soci::into(detail);
  EXPECT_NE(detail.find(std::to_string(a1)), std::string::npos) << detail;
  EXPECT_NE(detail.find(std::to_string(a2)), std::string::npos) << detail;
}

INSTANTIATE_TEST_SUITE_P(Backends, Matrix, ::testing::ValuesIn(dangbo::testing::backends()), sectest::backend_name);

}  // namespace
