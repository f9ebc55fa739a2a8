#include "registry/service.hpp"

#include "registry/citizen_id.hpp"
#include "registry/counts.hpp"
#include "registry/phone.hpp"

#include <atomic>

#include <boost/json.hpp>
#include <soci/soci.h>

#include <algorithm>
#include <regex>

#include "base/csv.hpp"
#include "base/rules.hpp"
#include "registry/lineage.hpp"
#include "security/sensitive.hpp"
#include "vntext/encoding.hpp"
#include "vntext/names.hpp"
#include "vntext/text.hpp"

namespace dangbo::registry {
using base::Error;
using base::ErrorKind;
using security::Action;
using security::Role;

namespace {
Error not_found_member() {
  return Error(ErrorKind::not_found, "member.not_found", "Không tìm thấy đảng viên (hoặc bạn không có quyền xem)");
}
Error not_found_org(const std::string& code) {
  return Error(ErrorKind::not_found, "org.not_found",
               "Không tìm thấy tổ chức đảng có mã '" + code + "' (hoặc bạn không có quyền xem)");
}
std::string today_iso() { return base::today().iso(); }
}  // namespace


const std::vector<std::string>& editable_member_fields() {
  static const std::vector<std::string> f = {
      "family_name", "middle_name", "given_name", "other_names", "gender", "birth_date", "birth_place", "home_town",
      "ethnicity", "religion", "citizen_id", "residence", "phone", "email", "admitted_on", "full_member_on",
      "card_number", "card_issued_on", "status", "education", "professional_qualification", "theory_level",
      "occupation", "position"};
  return f;
}

std::string member_field_text(const Member& m, const std::string& f) {
  auto d = [](const std::optional<CivilDate>& x) { return x ? x->display() : std::string(); };
  if (f == "family_name") return m.family_name;
  if (f == "middle_name") return m.middle_name;
  if (f == "given_name") return m.given_name;
  if (f == "other_names") return m.other_names;
  if (f == "gender") return std::string(to_string(m.gender));
  if (f == "birth_date") return d(m.birth_date);
  if (f == "birth_place") return m.birth_place;
  if (f == "home_town") return m.home_town;
  if (f == "ethnicity") return m.ethnicity;
  if (f == "religion") return m.religion;
  if (f == "citizen_id") return m.citizen_id;
  if (f == "residence") return m.residence;
  if (f == "phone") return m.phone;
  if (f == "email") return m.email;
  if (f == "admitted_on") return d(m.admitted_on);
  if (f == "full_member_on") return d(m.full_member_on);
  if (f == "card_number") return m.card_number;
  if (f == "card_issued_on") return d(m.card_issued_on);
  if (f == "status") return std::string(to_string(m.status));
  if (f == "education") return m.education;
  if (f == "professional_qualification") return m.professional_qualification;
  if (f == "theory_level") return m.theory_level;
  if (f == "occupation") return m.occupation;
  if (f == "position") return m.position;
  return "";
}

Member apply_member_changes(const Member& orig, const std::map<std::string, std::string>& changes) {
  Member m = orig;
  std::map<std::string, std::string> errors;
  const auto& fields = editable_member_fields();
  auto date_field = [&](const std::string& name, const std::string& v, std::optional<CivilDate>& out) {
    if (v.empty()) {
      out.reset();
      return;
    }
    auto d = base::parse_user_date(v);
    if (!d)
      errors[name] = "Ngày '" + v + "' không hợp lệ (nhập dạng ngày/tháng/năm, ví dụ 07/08/1963; không có ngày này trong lịch)";
    else
      out = d;
  };
  for (auto& [name, raw] : changes) {
    if (std::find(fields.begin(), fields.end(), name) == fields.end()) {
      errors[name] = "Trường '" + name + "' không tồn tại hoặc không được sửa";
      continue;
    }
    std::string v = vntext::collapse_spaces(vntext::nfc(raw));
    if (v.size() > kMaxFieldBytes) {
      errors[name] = "Giá trị quá dài (tối đa " + std::to_string(kMaxFieldBytes) + " ký tự)";
      continue;
    }
    if (name == "family_name" || name == "middle_name" || name == "given_name") {
      v = vntext::fix_lookalikes(v);  // "Ðặng" (eth) → "Đặng", a Cyrillic "а" in "Lаn" → "a"
      // Only a name part being changed is checked: the edit form sends every field, and a stored
      // name that predates the rule must not block an edit of another field.
      const std::string& stored = name == "family_name" ? orig.family_name : name == "middle_name" ? orig.middle_name : orig.given_name;
      if (std::string why = v == stored ? std::string() : vntext::name_part_problem(v); !why.empty()) {
        errors[name] = std::move(why);
        continue;
      }
      (name == "family_name" ? m.family_name : name == "middle_name" ? m.middle_name : m.given_name) = v;
    }
    else if (name == "other_names") m.other_names = v;
    else if (name == "gender") {
      auto g = parse_gender(v);
      if (!g) errors[name] = "Giới tính phải là 'male' (Nam) hoặc 'female' (Nữ)";
      else m.gender = *g;
    } else if (name == "birth_date") date_field(name, v, m.birth_date);
    else if (name == "birth_place") m.birth_place = v;
    else if (name == "home_town") m.home_town = v;
    else if (name == "ethnicity") m.ethnicity = v;
    else if (name == "religion") m.religion = v;
    else if (name == "citizen_id") {
      std::string digits;
      for (char c : v)
        if (c != ' ' && c != '.') digits += c;
      bool ok = std::all_of(digits.begin(), digits.end(), [](char c) { return c >= '0' && c <= '9'; });
      if (!digits.empty() && (!ok || (digits.size() != 12 && digits.size() != 9)))
        errors[name] = "Số CCCD phải gồm đúng 12 chữ số (CMND cũ: 9 chữ số)";
      else m.citizen_id = digits;
    } else if (name == "residence") m.residence = v;
    else if (name == "phone") {
      // the importer's rules (`dangbo clean`): +84 → 0, separators out, 0163… → 033…
      PhoneNumber p = normalize_phone(v);
      if (!p.ok)
        errors[name] = "Số điện thoại '" + v + "' không đúng dạng: số di động gồm 10 chữ số bắt đầu bằng 03, 05, 07, 08 "
                       "hoặc 09 (ví dụ 0912345678; số 11 chữ số cũ như 0168… được tự đổi sang đầu số mới), số cố định "
                       "gồm 11 chữ số bắt đầu bằng 02";
      else m.phone = p.value;
    } else if (name == "email") {
      static const std::regex re(R"(^[^@\s]+@[^@\s]+\.[^@\s]+$)");
      if (!v.empty() && !std::regex_match(v, re)) errors[name] = "Địa chỉ thư điện tử không hợp lệ";
      else m.email = v;
    } else if (name == "admitted_on") date_field(name, v, m.admitted_on);
    else if (name == "full_member_on") date_field(name, v, m.full_member_on);
    else if (name == "card_number") {
      v = normalize_card_number(v);  // "70 000 101", "70-000-101" → "70000101", as the import stores it
      if (std::string why = card_number_problem(v); !why.empty()) errors[name] = why;
      else m.card_number = v;
    } else if (name == "card_issued_on") date_field(name, v, m.card_issued_on);
    else if (name == "status") {
      auto st = parse_member_status(v);
      if (!st) errors[name] = "Trạng thái không hợp lệ";
      else m.status = *st;
    } else if (name == "education") m.education = v;
    else if (name == "professional_qualification") m.professional_qualification = v;
    else if (name == "theory_level") m.theory_level = v;
    else if (name == "occupation") m.occupation = v;
    else if (name == "position") m.position = v;
  }
  if (m.family_name.empty() && !errors.count("family_name")) errors["family_name"] = "Không được để trống";
  if (m.given_name.empty() && !errors.count("given_name")) errors["given_name"] = "Không được để trống";

  // Cross-field rules, each from config/rules.json as of the relevant day.
  const auto& rules = base::RuleSet::global();
  auto now = base::today();
  if (m.birth_date && !errors.count("birth_date")) {
    auto& maxage = rules.at("member.max_plausible_age_years", now);
    if (*m.birth_date > now) errors["birth_date"] = "Ngày sinh ở tương lai";
    else if (base::years_between(*m.birth_date, now) > maxage.value)
      errors["birth_date"] = "Ngày sinh không hợp lý (hơn " + std::to_string(int(maxage.value)) + " tuổi)";
  }
  if (m.birth_date && m.admitted_on && !errors.count("birth_date") && !errors.count("admitted_on") &&
      m.birth_date->precision == base::DatePrecision::day) {
    auto& r = rules.at("member.min_admission_age_years", *m.admitted_on);
    if (base::years_between(*m.birth_date, *m.admitted_on) < r.value)
      errors["admitted_on"] = "Người vào Đảng phải đủ " + std::to_string(int(r.value)) + " tuổi (" + r.source + ")";
  }
  if (m.admitted_on && *m.admitted_on > now && !errors.count("admitted_on")) errors["admitted_on"] = "Ngày vào Đảng ở tương lai";
  if (m.admitted_on && m.full_member_on && !errors.count("admitted_on") && !errors.count("full_member_on")) {
    auto& r = rules.at("member.probation_months", *m.admitted_on);
    if (*m.full_member_on < *m.admitted_on)
      errors["full_member_on"] = "Ngày chính thức không được trước ngày vào Đảng";
    else if (base::months_between(*m.admitted_on, *m.full_member_on) < r.value)
      errors["full_member_on"] = "Ngày chính thức phải sau ngày vào Đảng ít nhất " + std::to_string(int(r.value)) +
                                 " tháng dự bị (" + r.source + ")";
  }
  if (m.full_member_on && m.card_issued_on && !errors.count("card_issued_on") && !errors.count("full_member_on") &&
      *m.card_issued_on < *m.full_member_on)
    errors["card_issued_on"] = "Thẻ đảng viên chỉ cấp cho đảng viên chính thức: ngày cấp thẻ phải sau ngày chính thức";
  // A 12-digit CCCD against gender and birth date (citizen_id.hpp, the import's check too).
  // Checked when one of the three changes, so an edit of another field is not blocked by an old
  // record's mismatch.
  if ((changes.count("citizen_id") || changes.count("gender") || changes.count("birth_date")) &&
      !errors.count("citizen_id") && m.citizen_id.size() == 12) {
    const int g = m.citizen_id[3] - '0';
    if (g > 3) {
      errors["citizen_id"] = "Chữ số thứ tư của số CCCD (" + std::to_string(g) + ") chỉ người sinh từ năm 2100 trở đi: sai";
    } else {
      auto mm = cccd_mismatches(m.citizen_id,
                                errors.count("gender") ? std::nullopt : std::optional<bool>(m.gender == Gender::female),
                                errors.count("birth_date") ? std::nullopt : m.birth_date);
      if (!mm.empty()) errors["citizen_id"] = mm.front().second;
    }
  }
  if (m.status == MemberStatus::full && !m.full_member_on && !errors.count("status") && orig.status != MemberStatus::full)
    errors["full_member_on"] = "Đảng viên chính thức cần có ngày chính thức";
  if (!errors.empty()) throw ValidationError(std::move(errors));
  return m;
}

void RegistryService::require(const Actor& a, Action act) {
  if (!security::role_allows(a.role, act))
    throw Error(ErrorKind::forbidden, "forbidden", "Bạn không có quyền thực hiện thao tác này");
}

Organization RegistryService::organization(const Actor& a, const std::string& code, const std::string& as_of) {
  require(a, Action::read_org);
  auto s = db_.session();
  auto o = find_org(*s, code, as_of);
  if (!o) throw not_found_org(code);
  // In the past, the scope also covers the units the actor's organization was formed from.
  if (!a.in_scope(o->path) && !(as_of < today_iso() && path_in(scope_paths_as_of(*s, a, as_of), o->path)))
    throw not_found_org(code);
  return *o;
}

std::pair<std::vector<LineageLink>, std::vector<LineageLink>> RegistryService::lineage(const Actor& a, const Organization& org) {
  require(a, Action::read_org);
  auto s = db_.session();
  return {org_predecessors(*s, org.id), org_successors(*s, org.id)};
}

std::vector<Organization> RegistryService::breadcrumb(const Actor& a, const Organization& org) {
  auto s = db_.session();
  auto all = org_ancestors(*s, org);
  std::vector<Organization> out;
  std::vector<std::string> paths{a.org_path};
  if (!a.in_scope(org.path)) paths = scope_paths_as_of(*s, a, org.valid_from.iso());
  for (auto& o : all)
    if (path_in(paths, o.path)) out.push_back(o);
  return out;
}

std::vector<OrgRow> RegistryService::organizations(const Actor& a, std::optional<OrgKind> kind,
                                                   const std::string& parent_code, const std::string& as_of,
                                                   const std::string& after, int limit) {
  require(a, Action::read_org);
  auto s = db_.session();
  OrgQuery q;
  q.kind = kind;
  q.as_of = as_of;
  q.today = as_of >= today_iso();
  q.after_code = after;
  q.limit = limit;
  q.scope_path = a.org_path;
  // A past day: the scope and, through lineage, the units the actor's organization was formed from.
  if (!q.today) q.scope_paths = scope_paths_as_of(*s, a, as_of);
  if (!parent_code.empty()) {
    auto p = find_org(*s, parent_code, as_of);
    // A parent outside the scope is allowed only when it is an ancestor of the scope: then
    // the listing is still restricted to the scope.
    if (!p) throw not_found_org(parent_code);
    bool ancestor = false;
    for (auto& sp : q.scope_paths.empty() ? std::vector<std::string>{a.org_path} : q.scope_paths)
      ancestor = ancestor || sp.rfind(p->path, 0) == 0;
    if (!a.in_scope(p->path) && !path_in(q.scope_paths, p->path) && !ancestor) throw not_found_org(parent_code);
    q.parent_id = p->id;
  }
  // Today: each row's count is summed from the stored per-organization counts in the same
  // statement (a ward of 3,000 cells: one query, ≈ 10 ms on PostgreSQL; one cached count per
  // row took 100–200 ms whenever the cache was cold). A past day counts memberships.
  return list_orgs(*s, q);
}

namespace {
std::atomic<uint64_t> g_count_generation{0};
}

void RegistryService::invalidate_counts() { g_count_generation.fetch_add(1); }

int64_t RegistryService::cached_subtree_count(soci::session& sql, const std::string& path) {
  auto now = std::chrono::steady_clock::now();
  {
    std::lock_guard l(count_mu_);
    if (uint64_t g = g_count_generation.load(); g != counts_generation_) {
      counts_.clear();
      counts_generation_ = g;
    }
    auto it = counts_.find(path);
    if (it != counts_.end() && now - it->second.second < kCountTtl) return it->second.first;
  }
  // Most subtrees sum a few hundred stored counts in well under a millisecond: always fresh,
  // whichever process wrote last. Only a sum that took kCacheAbove or more (a national root:
  // 200,000 organizations) is kept, for kCountTtl.
  int64_t n = stored_subtree_count(sql, path);
  auto took = std::chrono::steady_clock::now() - now;
  if (took >= kCacheAbove) {
    std::lock_guard l(count_mu_);
    if (counts_.size() > 10000) counts_.clear();
    counts_[path] = {n, std::chrono::steady_clock::now()};
  }
  return n;
}

void RegistryService::clear_count_cache() {
  std::lock_guard l(count_mu_);
  counts_.clear();
}

namespace {
std::string scope_for(const Actor& a, soci::session& sql, const std::string& org_code, std::optional<int64_t>* org_id) {
  if (org_code.empty()) return a.org_path;
  auto o = find_org(sql, org_code, base::today().iso());
  if (!o || !a.in_scope(o->path)) throw not_found_org(org_code);
  (void)org_id;
  return o->path;
}

// Sets the member query's scope: the organization `org_code` (or the actor's scope) today, or,
// when q.as_of is another day, as it stood that day (history through lineage).
void member_scope(const Actor& a, soci::session& sql, const std::string& org_code, MemberQuery& q) {
  if (!q.as_of.empty() && q.as_of == base::today().iso()) q.as_of.clear();
  if (q.as_of.empty()) {
    q.scope_path = scope_for(a, sql, org_code, nullptr);
    return;
  }
  auto paths = scope_paths_as_of(sql, a, q.as_of);
  if (org_code.empty()) {
    q.scope_path = a.org_path;
    q.scope_paths = paths;
    return;
  }
  auto o = find_org(sql, org_code, q.as_of);
  if (!o || !(a.in_scope(o->path) || path_in(paths, o->path))) throw not_found_org(org_code);
  q.scope_path = o->path;
  q.scope_paths.clear();
}
}  // namespace

MemberPage RegistryService::members(const Actor& a, const std::string& org_code, MemberQuery q) {
  require(a, Action::read_member);
  if (a.role == Role::member)
    throw Error(ErrorKind::forbidden, "forbidden", "Đảng viên chỉ xem được hồ sơ của chính mình");
  auto s = db_.session();
  member_scope(a, *s, org_code, q);
  if (q.today.empty()) q.today = today_iso();
  auto limit = std::size_t(std::clamp(q.limit, 1, 500)) + 1;
  if (auto ns = indexed(*s, q, limit)) return list_members_by_ids(*s, q, NameIndex::installed()->search(*ns, limit));
  choose_plan(*s, q);
  return list_members(*s, q);
}

std::optional<NameSearch> RegistryService::indexed(soci::session& sql, const MemberQuery& q, std::size_t limit) {
  NameIndex* idx = NameIndex::installed();
  if (!idx) return std::nullopt;
  auto ns = name_search_for(q);
  // Decided before the change log is read: a query the index will not answer costs no poll.
  if (!ns || (limit == 0 ? ns->key.empty() : !idx->suits(*ns, limit)) || !idx->refresh(sql)) return std::nullopt;
  return ns;
}

void RegistryService::choose_plan(soci::session& sql, MemberQuery& q) {
  // Large scopes only (a ward's few thousand members are cheapest through its path range).
  if (!q.as_of.empty() || q.org_id || cached_subtree_count(sql, q.scope_path) < kLargeScope) return;
  bool digits = !q.q.empty() && q.q.find_first_not_of("0123456789 ") == std::string::npos;
  if (digits) return;
  if (vntext::search_key(q.q).empty()) {
    q.plan = MemberQuery::Plan::by_sort;
    return;
  }
  q.plan = probe_name_matches(sql, q.q, kBroadSearch) >= kBroadSearch ? MemberQuery::Plan::by_sort
                                                                       : MemberQuery::Plan::by_key;
}

bool RegistryService::unfiltered(const MemberQuery& q) {
  // The same reading of the name text as member_where (store.cpp): digits search the numbers,
  // other text its folded key, and a text that folds to nothing filters nothing.
  std::string raw = vntext::collapse_spaces(q.q);
  bool digits = !raw.empty() && raw.find_first_not_of("0123456789") == std::string::npos;
  bool no_name = raw.empty() || (!digits && vntext::search_key(raw).empty());
  return no_name && q.status.empty() && q.gender.empty() && q.age_band.empty() && q.as_of.empty() && !q.org_id;
}

int64_t RegistryService::member_count(const Actor& a, const std::string& org_code, MemberQuery q) {
  require(a, Action::read_member);
  if (a.role == Role::member) return 0;
  auto s = db_.session();
  member_scope(a, *s, org_code, q);
  // No filter: the stored count of the subtree, exact (counts.hpp).
  if (unfiltered(q) && q.scope_paths.empty()) return cached_subtree_count(*s, q.scope_path);
  if (q.today.empty()) q.today = today_iso();
  if (auto ns = indexed(*s, q, 0)) return NameIndex::installed()->count(*ns, kCountCap + 1);
  choose_plan(*s, q);
  return count_members(*s, q, kCountCap + 1);
}

Member RegistryService::member(const Actor& a, int64_t id, bool audit_view) {
  require(a, Action::read_member);
  std::optional<Member> m;
  {
    auto s = db_.session();
    m = find_member(*s, id);
  }
  if (!m) throw not_found_member();
  bool own = a.member_id && *a.member_id == id;
  if (a.role == Role::member ? !own : !a.in_scope(m->org_path)) throw not_found_member();
  // a read: audited through the batching writer when the server runs one (security.hpp)
  if (audit_view && !own) security::audit_read(db_, &a, "view", "member", std::to_string(id), m->org_path, "{}");
  return *m;
}

std::vector<Membership> RegistryService::history(const Actor& a, int64_t id) {
  member(a, id, false);
  auto s = db_.session();
  return member_history(*s, id);
}

std::vector<security::AuditEntry> RegistryService::audit_trail(const Actor& a, int64_t id) {
  member(a, id, false);
  return security::audit_for(db_, "member", std::to_string(id), 50);
}

Member RegistryService::update_member(const Actor& a, int64_t id, const std::map<std::string, std::string>& changes,
                                      std::optional<int64_t> expected_version) {
  require(a, Action::edit_member);
  auto s = db_.session();
  db::WriteTransaction tr(*s);  // read, check the version, write: one writer at a time
  auto cur = find_member(*s, id);
  if (!cur || !a.in_scope(cur->org_path)) throw not_found_member();
  Member next = apply_member_changes(*cur, changes);
  // One member per CCCD and per party card number. Held by a member the actor cannot see: a
  // reason that reveals nothing (docs/security.md), the real one in the audit log under the
  // lowest organization covering both.
  for (const bool cid : {true, false}) {
    const std::string& after = cid ? next.citizen_id : next.card_number;
    if (after.empty() || after == (cid ? cur->citizen_id : cur->card_number)) continue;
    const std::string field = cid ? "citizen_id" : "card_number", what = cid ? "số CCCD" : "số thẻ đảng viên";
    std::string other_path, of, om, og;
    soci::indicator ind = soci::i_ok, i1 = soci::i_ok, i2 = soci::i_ok, i3 = soci::i_ok;
    long long other_ll = 0;
    const long long self = id;
    *s << (cid ? "SELECT id, org_path, family_name, middle_name, given_name FROM member WHERE citizen_id = :c AND id <> :id "
                 "ORDER BY id LIMIT 1"
               : "SELECT id, org_path, family_name, middle_name, given_name FROM member WHERE card_number = :c AND id <> :id "
                 "ORDER BY id LIMIT 1"),
        soci::use(after), soci::use(self), soci::into(other_ll), soci::into(other_path, ind), soci::into(of, i1),
        soci::into(om, i2), soci::into(og, i3);
    if (!s->got_data()) continue;
    const int64_t other = other_ll;
    if (a.in_scope(other_path)) {
      Member o;
      o.family_name = of, o.middle_name = om, o.given_name = og;
      throw ValidationError(std::map<std::string, std::string>{
          {field, "Trùng " + what + " với hồ sơ đảng viên số " + std::to_string(other) + " (" + o.full_name() + ")"}});
    }
    std::string common;
    for (std::size_t k = 0; k < other_path.size() && k < cur->org_path.size() && other_path[k] == cur->org_path[k]; ++k)
      if (other_path[k] == '/') common = other_path.substr(0, k + 1);
    boost::json::object detail{{"member", id},
                               {"reason", std::string(cid ? "Số CCCD" : "Số thẻ đảng viên") + " đã có ở hồ sơ đảng viên số " +
                                              std::to_string(other) + " ngoài phạm vi của người sửa"}};
    security::audit_append(*s, &a, "update_rejected", "member", std::to_string(id), common, boost::json::serialize(detail));
    tr.commit();
    throw ValidationError(std::map<std::string, std::string>{{field, "Không lưu được " + what + " này; liên hệ Ban Tổ chức cấp trên"}});
  }
  boost::json::object diff;
  for (auto& f : editable_member_fields()) {
    std::string before = member_field_text(*cur, f), after = member_field_text(next, f);
    if (before != after) diff[f] = boost::json::array{boost::json::string(before), boost::json::string(after)};
  }
  if (diff.empty()) return *cur;
  // A phone stored in its national form (renumbered, country code or separators removed): what
  // was typed stays in the audit beside the change.
  if (auto it = changes.find("phone"); it != changes.end() && diff.contains("phone") && it->second != next.phone)
    diff["typed"] = boost::json::object{{"phone", it->second}};
  if (!registry::update_member(*s, next, expected_version.value_or(cur->version)))
    throw Error(ErrorKind::conflict, "member.conflict",
                "Hồ sơ vừa được người khác sửa. Hãy tải lại trang để xem bản mới nhất rồi sửa lại.");
  security::audit_append(*s, &a, "update", "member", std::to_string(id), cur->org_path, boost::json::serialize(diff));
  tr.commit();
  if (diff.contains("status")) invalidate_counts();  // on or off the rolls: the cached sums are stale
  auto fresh = find_member(*s, id);
  return *fresh;
}

Stats RegistryService::stats(const Actor& a, const std::string& org_code, bool english, const std::string& as_of) {
  require(a, Action::read_member);
  if (a.role == Role::member) throw Error(ErrorKind::forbidden, "forbidden", "Bạn không có quyền xem thống kê");
  std::string code = org_code.empty() ? a.org_code : org_code;
  std::string day = as_of.empty() ? today_iso() : as_of;
  if (day == today_iso()) {
    auto s = db_.session();
    auto o = find_org(*s, code, day);
    if (!o || !a.in_scope(o->path)) throw not_found_org(code);
    return member_stats(*s, *o, day, english);
  }
  // Another day: the organization valid that day, in scope as the organization page checks it
  // (in the past, also the units the actor's organization was formed from), counted through
  // the memberships of that day.
  auto o = organization(a, code, day);
  auto s = db_.session();
  return member_stats(*s, o, day, english, true);
}

bool RegistryService::has_synthetic(const Actor& a, const Organization& org, const std::string& as_of) {
  auto s = db_.session();
  std::string day = as_of == today_iso() ? std::string() : as_of;
  if (!a.in_scope(org.path) && a.org_path.rfind(org.path, 0) != 0 &&
      !(!day.empty() && day < today_iso() && path_in(scope_paths_as_of(*s, a, day), org.path)))
    return false;
  return any_synthetic(*s, org.path, day);
}

// ---- exports, list audit, sensitive fields (authorization and audit; issue 3) --------------

namespace {
}  // namespace

void RegistryService::audit_list(const Actor& a, const std::string& org_code, const std::vector<int64_t>& ids) {
  if (ids.empty()) return;
  std::string path;
  {
    auto s = db_.session();
    try {
      path = scope_for(a, *s, org_code, nullptr);
    } catch (const Error& e) {
      // a list as of a past day may name a unit that no longer exists (the caller has checked the
      // scope for that day): the entry goes under the actor's scope
      if (e.kind() != ErrorKind::not_found) throw;
      path = a.org_path;
    }
  }
  boost::json::object d;
  d["org"] = org_code.empty() ? a.org_code : org_code;
  boost::json::array arr;
  for (auto id : ids) arr.push_back(id);
  d["ids"] = std::move(arr);
  // a read: audited through the batching writer when the server runs one (security.hpp)
  security::audit_read(db_, &a, "list", "member", "", path, boost::json::serialize(d));
}

std::string RegistryService::export_members_csv(const Actor& a, const std::string& org_code, MemberQuery q,
                                                int64_t* rows) {
  require(a, Action::export_members);
  require(a, Action::read_member);
  if (a.role == Role::member) throw Error(ErrorKind::forbidden, "forbidden", "Đảng viên không được xuất danh sách");
  auto s = db_.session();
  member_scope(a, *s, org_code, q);  // today, or as of a past day (history)
  if (q.today.empty()) q.today = today_iso();
  std::string out = "\xEF\xBB\xBF";  // UTF-8 byte order mark: Excel then reads Vietnamese correctly
  out += "Mã,Họ,Tên đệm,Tên,Giới tính,Ngày sinh,Trạng thái,Ngày vào Đảng,Ngày chính thức,Số thẻ đảng viên,"
         "Mã tổ chức,Tổ chức\r\n";
  int64_t n = 0;
  // One statement, each row appended in place as it arrives (no Member, no per-row strings).
  // a stored ISO date (year, year-month or day) as CivilDate::display shows it; "" when empty
  auto append_date = [&out](std::string_view iso) {
    if (auto d = base::parse_iso_date(iso)) out += d->display();
  };
  each_member_for_export(*s, q, [&](const MemberExportRow& m) {
    for (std::string_view c : {m.id, m.family_name, m.middle_name, m.given_name}) {
      base::append_csv_cell(out, c);
      out += ',';
    }
    out += parse_gender(m.gender).value_or(Gender::male) == Gender::male ? "Nam," : "Nữ,";
    append_date(m.birth_date);
    out += ',';
    out += label_vi(parse_member_status(m.status).value_or(MemberStatus::full));  // no comma, quote or formula sign
    for (std::string_view d : {m.admitted_on, m.full_member_on}) {
      out += ',';
      append_date(d);
    }
    for (std::string_view c : {m.card_number, m.org_code, m.org_name}) {
      out += ',';
      base::append_csv_cell(out, c);
    }
    out += "\r\n";
    ++n;
  });
  boost::json::object detail;
  detail["org"] = org_code.empty() ? a.org_code : org_code;
  detail["rows"] = n;
  boost::json::object filter;
  if (!q.q.empty()) filter["q"] = q.q;
  if (!q.status.empty()) filter["status"] = q.status;
  if (!q.gender.empty()) filter["gender"] = q.gender;
  if (!q.age_band.empty()) filter["age"] = q.age_band;
  detail["filter"] = std::move(filter);
  soci::transaction tr(*s);
  security::audit_append(*s, &a, "export", "organization", org_code.empty() ? a.org_code : org_code, q.scope_path,
                         boost::json::serialize(detail));
  tr.commit();
  if (rows) *rows = n;
  return out;
}

bool RegistryService::can_read_sensitive(const Actor& a) const {
  return security::role_allows(a.role, Action::read_sensitive) && keys_ != nullptr;
}

security::Keyring RegistryService::keys() {
  if (!keys_)
    throw Error(ErrorKind::internal, "keys.none", "Máy chủ chưa được cấu hình tệp khóa mã hóa (--key-file)");
  return keys_->current();
}

std::map<std::string, std::string> RegistryService::sensitive(const Actor& a, int64_t id, bool audit_view) {
  require(a, Action::read_sensitive);
  auto s = db_.session();
  auto m = find_member(*s, id);
  if (!m || !a.in_scope(m->org_path)) throw not_found_member();
  auto out = security::sensitive_read(*s, keys(), id);
  if (audit_view && !out.empty()) {
    // (a comma-separated string, not an array: two-element arrays read as [before, after])
    std::string kinds;
    for (auto& [k, v] : out) kinds += (kinds.empty() ? "" : ",") + k;
    soci::transaction tr(*s);
    security::audit_append(*s, &a, "view_sensitive", "member", std::to_string(id), m->org_path,
                           "{\"kinds\":" + boost::json::serialize(boost::json::value(kinds)) + "}");
    tr.commit();
  }
  return out;
}

void RegistryService::update_sensitive(const Actor& a, int64_t id, const std::map<std::string, std::string>& changes) {
  require(a, Action::edit_sensitive);
  std::map<std::string, std::string> errors;
  for (auto& [k, v] : changes) {
    if (!security::is_sensitive_kind(k)) errors[k] = "Loại thông tin không tồn tại";
    else if (v.size() > 20000) errors[k] = "Nội dung quá dài (tối đa 20.000 byte)";
  }
  if (!errors.empty()) throw ValidationError(std::move(errors));
  auto ring = keys();
  auto s = db_.session();
  soci::transaction tr(*s);
  auto m = find_member(*s, id);
  if (!m || !a.in_scope(m->org_path)) throw not_found_member();
  auto before = security::sensitive_read(*s, ring, id);
  std::string changed;
  for (auto& [k, raw] : changes) {
    std::string v = vntext::nfc(raw);
    while (!v.empty() && (v.back() == ' ' || v.back() == '\n' || v.back() == '\r')) v.pop_back();
    auto it = before.find(k);
    if ((it == before.end() ? std::string() : it->second) == v) continue;
    security::sensitive_write(*s, ring, id, k, v, a.user_id);
    changed += (changed.empty() ? "" : ",") + k;
  }
  if (!changed.empty())
    security::audit_append(*s, &a, "update_sensitive", "member", std::to_string(id), m->org_path,
                           "{\"kinds\":" + boost::json::serialize(boost::json::value(changed)) + "}");
  tr.commit();
}

}  // namespace dangbo::registry
