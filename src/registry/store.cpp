#include "registry/store.hpp"

#include "registry/counts.hpp"
#include "registry/member_columns.hpp"

#include <soci/soci.h>

#include <algorithm>
#include <charconv>
#include <unordered_map>

#include "base/error.hpp"
#include "db/database.hpp"
#include "db/sql.hpp"
#include "vntext/text.hpp"

namespace dangbo::registry {
using base::Error;
using base::ErrorKind;

std::string subtree_end(const std::string& path) {
  if (path.empty()) return "0";
  std::string e = path;
  e.back() = '0';
  return e;
}

namespace {

std::optional<CivilDate> opt_date(const std::string& s, soci::indicator ind) {
  if (ind != soci::i_ok || s.empty()) return std::nullopt;
  return base::parse_iso_date(s);
}

// Rows read as text, statements with named text parameters: src/db/sql.hpp.
using TextRow = db::sql::Row;
using db::sql::Query;
using db::sql::to_i64;

constexpr const char* kOrgCols =
    "o.id, o.code, o.name, o.kind, o.parent_id, o.admin_unit_code, o.valid_from, o.valid_to, o.path, o.synthetic, "
    "p.code";
constexpr std::size_t kOrgColCount = 11;

Organization org_from(const TextRow& r, std::size_t o = 0) {
  Organization g;
  g.id = to_i64(r.s(o + 0));
  g.code = r.s(o + 1);
  g.name = r.s(o + 2);
  g.kind = parse_org_kind(r.s(o + 3)).value_or(OrgKind::cell);
  if (!r.null(o + 4)) g.parent_id = to_i64(r.s(o + 4));
  g.admin_unit_code = r.s(o + 5);
  g.valid_from = base::parse_iso_date(r.s(o + 6)).value_or(CivilDate{});
  g.valid_to = opt_date(r.v[o + 7], r.ind[o + 7]);
  g.path = r.s(o + 8);
  g.synthetic = r.s(o + 9) == "1" || r.s(o + 9) == "t";
  g.parent_code = r.s(o + 10);
  return g;
}

constexpr const char* kMemberCols =
    "m.id, m.family_name, m.middle_name, m.given_name, m.other_names, m.gender, m.birth_date, m.birth_place, "
    "m.home_town, m.ethnicity, m.religion, m.citizen_id, m.residence, m.residence_unit_code, m.phone, m.email, "
    "m.admitted_on, m.full_member_on, m.card_number, m.card_issued_on, m.status, m.education, "
    "m.professional_qualification, m.theory_level, m.occupation, m.position, m.synthetic, m.org_id, m.org_path, "
    "m.version, o.code, o.name, m.sort_key";
constexpr std::size_t kMemberColCount = 33;

Member member_from(const TextRow& r, std::string* sort_key = nullptr) {
  Member m;
  m.id = to_i64(r.s(0));
  m.family_name = r.s(1);
  m.middle_name = r.s(2);
  m.given_name = r.s(3);
  m.other_names = r.s(4);
  m.gender = parse_gender(r.s(5)).value_or(Gender::male);
  m.birth_date = opt_date(r.v[6], r.ind[6]);
  m.birth_place = r.s(7);
  m.home_town = r.s(8);
  m.ethnicity = r.s(9);
  m.religion = r.s(10);
  m.citizen_id = r.s(11);
  m.residence = r.s(12);
  m.residence_unit_code = r.s(13);
  m.phone = r.s(14);
  m.email = r.s(15);
  m.admitted_on = opt_date(r.v[16], r.ind[16]);
  m.full_member_on = opt_date(r.v[17], r.ind[17]);
  m.card_number = r.s(18);
  m.card_issued_on = opt_date(r.v[19], r.ind[19]);
  m.status = parse_member_status(r.s(20)).value_or(MemberStatus::full);
  m.education = r.s(21);
  m.professional_qualification = r.s(22);
  m.theory_level = r.s(23);
  m.occupation = r.s(24);
  m.position = r.s(25);
  m.synthetic = r.s(26) == "1" || r.s(26) == "t";
  m.org_id = to_i64(r.s(27));
  m.org_path = r.s(28);
  m.version = to_i64(r.s(29));
  m.org_code = r.s(30);
  m.org_name = r.s(31);
  if (sort_key) *sort_key = r.s(32);
  return m;
}

std::string date_or_null(const std::optional<CivilDate>& d) { return d ? d->iso() : std::string(); }

// Today's subtree member sums of one page of list_orgs rows that share a parent, in one grouped
// query: the stored counts (counts.hpp) of the organizations under the page's rows, grouped by
// the path of the row they fall under (the path up to the first '/' after the parent's). As the
// per-row sum, closed organizations' counts are included. A ward of 1,000 units was 1,000
// correlated sums per page (PostgreSQL: most of the organization page's time).
void add_sums_of_siblings(soci::session& sql, std::vector<OrgRow>& rows) {
  if (rows.empty()) return;
  std::unordered_map<std::string, std::size_t> by_path;
  std::string lo = rows[0].org.path, hi = subtree_end(rows[0].org.path);
  for (std::size_t i = 0; i < rows.size(); ++i) {
    by_path[rows[i].org.path] = i;
    lo = std::min(lo, rows[i].org.path);
    hi = std::max(hi, subtree_end(rows[i].org.path));
  }
  // the parent's path: a row's path without its last "id/"
  const std::string& p0 = rows[0].org.path;
  const std::size_t parent_len = p0.size() < 2 ? 0 : p0.rfind('/', p0.size() - 2) + 1;
  const std::string plen = std::to_string(parent_len);
  const std::string tail = "substr(so.path, " + plen + " + 1)";
  const std::string child_path = "substr(so.path, 1, " + plen + " + " +
                                 (db::sql::is_postgresql(sql) ? "strpos(" + tail + ", '/')" : "instr(" + tail + ", '/')") + ")";
  Query q;
  q.text = "SELECT " + child_path + ", sum(sc.active) FROM organization so JOIN org_member_count sc ON sc.org_id = so.id WHERE so.path >= " +
           q.add(lo) + " AND so.path < " + q.add(hi) + " AND sc.active <> 0 GROUP BY 1";
  db::sql::each(sql, q, 2, [&](const TextRow& r) {
    if (auto it = by_path.find(r.s(0)); it != by_path.end()) rows[it->second].member_count = r.i(1);
  });
}

}  // namespace

std::vector<OrgRow> list_orgs(soci::session& sql, const OrgQuery& oq) {
  // Siblings (a tree node's or a ward's children) today: their sums in one query afterwards.
  const bool siblings_today = oq.parent_id && oq.count_members && oq.today;
  Query q;
  std::string d = q.add(oq.as_of);
  std::string d2 = q.add(oq.as_of);
  q.text = std::string("SELECT ") + kOrgCols + ", (SELECT count(*) FROM organization c WHERE c.parent_id = o.id AND c.valid_from <= " + d +
           " AND (c.valid_to IS NULL OR c.valid_to > " + d2 + "))";
  if (oq.count_members && !siblings_today) {
    if (oq.today) {
      // The stored per-organization counts (counts.hpp), summed over the subtree.
      // (A scalar lookup per organization of the subtree: a join let PostgreSQL hash the whole
      // count table once per row, 20 ms each.)
      q.text += ", (SELECT coalesce(sum((SELECT sc.active FROM org_member_count sc WHERE sc.org_id = so.id)), 0) FROM "
                "organization so WHERE so.path >= o.path AND so.path < substr(o.path, 1, length(o.path) - 1) || '0')";
    } else {
      std::string a = q.add(oq.as_of), b = q.add(oq.as_of);
      // Active members (status today: status history is not kept) whose membership was valid that day.
      q.text += ", (SELECT count(DISTINCT ms.member_id) FROM membership ms JOIN organization mo ON mo.id = ms.org_id "
                "JOIN member mm ON mm.id = ms.member_id "
                "WHERE mo.path >= o.path AND mo.path < substr(o.path, 1, length(o.path) - 1) || '0' AND ms.valid_from <= " +
                a + " AND (ms.valid_to IS NULL OR ms.valid_to > " + b +
                ") AND mm.status IN ('probationary','full','exempted'))";
    }
  } else {
    q.text += ", 0";
  }
  q.text += " FROM organization o LEFT JOIN organization p ON p.id = o.parent_id WHERE o.valid_from <= " + q.add(oq.as_of) +
            " AND (o.valid_to IS NULL OR o.valid_to > " + q.add(oq.as_of) + ")";
  if (oq.kind) q.text += " AND o.kind = " + q.add(std::string(to_string(*oq.kind)));
  if (oq.parent_id) q.text += " AND o.parent_id = " + q.add(std::to_string(*oq.parent_id));
  if (!oq.scope_paths.empty()) {
    q.text += " AND (";
    for (std::size_t i = 0; i < oq.scope_paths.size(); ++i)
      q.text += std::string(i ? " OR " : "") + "(o.path >= " + q.add(oq.scope_paths[i]) + " AND o.path < " +
                q.add(subtree_end(oq.scope_paths[i])) + ")";
    q.text += ")";
  } else if (!oq.scope_path.empty()) {
    q.text += " AND o.path >= " + q.add(oq.scope_path) + " AND o.path < " + q.add(subtree_end(oq.scope_path));
  }
  if (!oq.after_code.empty()) q.text += " AND o.code > " + q.add(oq.after_code);
  q.text += " ORDER BY o.code LIMIT " + std::to_string(std::clamp(oq.limit, 1, 1000));
  std::vector<OrgRow> out;
  db::sql::each(sql, q, kOrgColCount + 2, [&](const TextRow& r) {
    OrgRow row;
    row.org = org_from(r);
    row.child_count = to_i64(r.s(kOrgColCount));
    row.member_count = to_i64(r.s(kOrgColCount + 1));
    out.push_back(std::move(row));
  });
  if (siblings_today) add_sums_of_siblings(sql, out);
  return out;
}

std::optional<Organization> find_org(soci::session& sql, const std::string& code, const std::string& as_of) {
  Query q;
  q.text = std::string("SELECT ") + kOrgCols + " FROM organization o LEFT JOIN organization p ON p.id = o.parent_id WHERE o.code = " +
           q.add(code) + " AND o.valid_from <= " + q.add(as_of) + " AND (o.valid_to IS NULL OR o.valid_to > " + q.add(as_of) +
           ") LIMIT 1";
  std::optional<Organization> out;
  db::sql::each(sql, q, kOrgColCount, [&](const TextRow& r) { out = org_from(r); });
  return out;
}

std::optional<Organization> find_org_by_id(soci::session& sql, int64_t id) {
  Query q;
  q.text = std::string("SELECT ") + kOrgCols + " FROM organization o LEFT JOIN organization p ON p.id = o.parent_id WHERE o.id = " +
           q.add(std::to_string(id));
  std::optional<Organization> out;
  db::sql::each(sql, q, kOrgColCount, [&](const TextRow& r) { out = org_from(r); });
  return out;
}

std::vector<Organization> org_ancestors(soci::session& sql, const Organization& org) {
  std::vector<Organization> out;
  // the path lists every ancestor id: "/1/23/456/"
  std::vector<int64_t> ids;
  int64_t cur = 0;
  bool in = false;
  for (char c : org.path) {
    if (c == '/') {
      if (in) ids.push_back(cur);
      cur = 0;
      in = false;
    } else {
      cur = cur * 10 + (c - '0');
      in = true;
    }
  }
  for (int64_t id : ids) {
    if (id == org.id) {
      out.push_back(org);
    } else if (auto o = find_org_by_id(sql, id)) {
      out.push_back(*o);
    }
  }
  return out;
}

void insert_org(soci::session& sql, Organization& org, const std::string& parent_path) {
  std::string now = db::now_utc(), kind(to_string(org.kind)), from = org.valid_from.iso(),
              to = date_or_null(org.valid_to), key = vntext::search_key(org.name), tmp = "/";
  long long pid = org.parent_id.value_or(0);
  soci::indicator pind = org.parent_id ? soci::i_ok : soci::i_null;
  soci::indicator toind = org.valid_to ? soci::i_ok : soci::i_null;
  int syn = org.synthetic ? 1 : 0;
  long long id = 0;
  if (sql.get_backend_name() == "postgresql") {
    sql << "INSERT INTO organization(code, name, name_key, kind, parent_id, admin_unit_code, valid_from, valid_to, path, "
           "synthetic, created_at) VALUES (:c, :n, :k, :kd, :p, :a, :f, :t, :path, :s, :at) RETURNING id",
        soci::use(org.code), soci::use(org.name), soci::use(key), soci::use(kind), soci::use(pid, pind),
        soci::use(org.admin_unit_code), soci::use(from), soci::use(to, toind), soci::use(tmp), soci::use(syn),
        soci::use(now), soci::into(id);
  } else {
    sql << "INSERT INTO organization(code, name, name_key, kind, parent_id, admin_unit_code, valid_from, valid_to, path, "
           "synthetic, created_at) VALUES (:c, :n, :k, :kd, :p, :a, :f, :t, :path, :s, :at)",
        soci::use(org.code), soci::use(org.name), soci::use(key), soci::use(kind), soci::use(pid, pind),
        soci::use(org.admin_unit_code), soci::use(from), soci::use(to, toind), soci::use(tmp), soci::use(syn),
        soci::use(now);
    sql << "SELECT last_insert_rowid()", soci::into(id);
  }
  org.id = id;
  org.path = (parent_path.empty() ? std::string("/") : parent_path) + std::to_string(id) + "/";
  sql << "UPDATE organization SET path = :p WHERE id = :id", soci::use(org.path), soci::use(id);
}

const std::vector<AgeBand>& age_bands() {
  static const std::vector<AgeBand> bands = {{"18-30", 18, 30}, {"31-40", 31, 40}, {"41-50", 41, 50},
                                             {"51-60", 51, 60}, {"61-70", 61, 70}, {"71+", 71, -1}};
  return bands;
}

namespace {

// Birth-date bounds (ISO text) for ages [min, max] on `today`.
std::pair<std::string, std::string> birth_range(const AgeBand& b, const std::string& today) {
  auto t = base::parse_iso_date(today).value_or(base::today());
  // age >= min  ⇔ born on or before today - min years
  std::string hi = base::add_months(t, -12 * b.min).iso();
  // age <= max  ⇔ born after today - (max+1) years
  std::string lo = b.max < 0 ? std::string("0000") : base::add_months(t, -12 * (b.max + 1)).iso();
  return {lo, hi};
}

// History: "m.id IN (…)", the members whose membership on `as_of` (ISO date) was in an
// organization inside one of `paths` (and in `org_id` when set). Shared by the member lists
// and the statistics of a past day, so both count the same people.
std::string members_on_day(Query& q, const std::string& as_of, const std::vector<std::string>& paths,
                           std::optional<int64_t> org_id = std::nullopt) {
  std::string t = "m.id IN (SELECT ms.member_id FROM membership ms JOIN organization mo ON mo.id = ms.org_id WHERE ms.valid_from <= " +
                  q.add(as_of) + " AND (ms.valid_to IS NULL OR ms.valid_to > " + q.add(as_of) + ") AND (";
  for (std::size_t i = 0; i < paths.size(); ++i)
    t += std::string(i ? " OR " : "") + "(mo.path >= " + q.add(paths[i]) + " AND mo.path < " + q.add(subtree_end(paths[i])) + ")";
  t += ")";
  if (org_id) t += " AND ms.org_id = " + q.add(std::to_string(*org_id));
  return t + ")";
}

constexpr const char* kFormCols[4] = {"search_key", "given_key", "family_given_key", "middle_given_key"};

// "(… OR …)": the folded search text `key` is a prefix of one of the key forms in `forms`
// (NameForm order). opaque = true wraps the columns in `|| ''` so that no name-key index drives
// the query (the sort-order walk).
std::string name_condition(Query& q, const std::string& key, const std::array<bool, 4>& forms, bool opaque) {
  std::string out;
  for (int f = 0; f < 4; ++f) {
    if (!forms[f]) continue;
    std::string c = opaque ? "(m." + std::string(kFormCols[f]) + " || '')" : "m." + std::string(kFormCols[f]);
    out += std::string(out.empty() ? "" : " OR ") + "(" + c + " >= " + q.add(key) + " AND " + c + " < " + q.add(key + "~") + ")";
  }
  return "(" + out + ")";
}

// The scope, status, gender and age filters of a member query (no name condition): " WHERE …".
void member_filters(Query& q, const MemberQuery& mq) {
  if (!mq.as_of.empty()) {
    // History: the members whose membership that day was inside the scope.
    std::vector<std::string> paths = mq.scope_paths;
    if (paths.empty()) paths.push_back(mq.scope_path);
    q.text += " WHERE " + members_on_day(q, mq.as_of, paths, mq.org_id);
  } else {
    // `(col || '')` keeps the planner off that column's index when another plan was chosen.
    std::string path = mq.plan == MemberQuery::Plan::automatic ? "m.org_path" : "(m.org_path || '')";
    q.text += " WHERE " + path + " >= " + q.add(mq.scope_path) + " AND " + path + " < " + q.add(subtree_end(mq.scope_path));
    if (mq.org_id) q.text += " AND m.org_id = " + q.add(std::to_string(*mq.org_id));
  }
  if (mq.status.empty())
    q.text += " AND m.status IN ('probationary','full','exempted')";
  else if (mq.status != "all") {
    if (!parse_member_status(mq.status))
      throw Error(ErrorKind::bad_request, "member.status", "Trạng thái đảng viên không hợp lệ: " + mq.status);
    q.text += " AND m.status = " + q.add(mq.status);
  }
  if (!mq.gender.empty()) {
    if (!parse_gender(mq.gender)) throw Error(ErrorKind::bad_request, "member.gender", "Giới tính không hợp lệ");
    q.text += " AND m.gender = " + q.add(mq.gender);
  }
  if (!mq.age_band.empty()) {
    auto& bands = age_bands();
    auto it = std::find_if(bands.begin(), bands.end(), [&](auto& b) { return b.key == mq.age_band; });
    if (it == bands.end()) throw Error(ErrorKind::bad_request, "member.age_band", "Nhóm tuổi không hợp lệ");
    auto [lo, hi] = birth_range(*it, mq.today);
    q.text += " AND m.birth_date > " + q.add(lo) + " AND m.birth_date <= " + q.add(hi);
  }
}

void member_where(Query& q, const MemberQuery& mq) {
  member_filters(q, mq);
  std::string raw = vntext::collapse_spaces(mq.q);
  if (!raw.empty()) {
    std::string key = vntext::search_key(raw);
    bool digits = !raw.empty() && std::all_of(raw.begin(), raw.end(), [](char c) { return c >= '0' && c <= '9'; });
    if (digits) {
      q.text += " AND (m.citizen_id = " + q.add(raw) + " OR m.card_number = " + q.add(raw) + " OR m.phone = " + q.add(raw) + ")";
    } else if (!key.empty()) {
      // Four prefix ranges, each an index range: the name as written (family middle given), the
      // given name first ("loc tran"), family + given ("tran loc"), middle + given ("van loc").
      q.text += " AND " + name_condition(q, key, {true, true, true, true}, mq.plan == MemberQuery::Plan::by_sort);
    }
  }
}

}  // namespace

std::pair<std::string, int64_t> parse_member_cursor(const std::string& after) {
  auto dot = after.rfind('.');
  bool ok = dot != std::string::npos && dot > 0 && dot + 1 < after.size() && dot % 2 == 0 && after.size() - dot <= 19;
  if (ok)
    for (std::size_t i = 0; i < after.size(); ++i) {
      char c = after[i];
      if (i == dot) continue;
      bool hex = (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f');
      if (!hex || (i > dot && !(c >= '0' && c <= '9'))) ok = false;
    }
  if (!ok) throw Error(ErrorKind::bad_request, "cursor", "Con trỏ phân trang không hợp lệ");
  return {after.substr(0, dot), to_i64(after.substr(dot + 1))};
}

MemberPage list_members_by_ids(soci::session& sql, const MemberQuery& mq, const std::vector<int64_t>& ids) {
  MemberPage page;
  if (ids.empty()) return page;
  // The ids drive the query: the scope and name conditions are written so that no other index
  // can (by_sort makes them opaque), and the order is restored here, not by SQL.
  MemberQuery opaque = mq;
  opaque.plan = MemberQuery::Plan::by_sort;
  Query q;
  q.text = std::string("SELECT ") + kMemberCols + " FROM member m JOIN organization o ON o.id = m.org_id";
  member_where(q, opaque);
  std::vector<std::string> idtext;
  for (int64_t id : ids) idtext.push_back(std::to_string(id));
  if (db::sql::is_postgresql(sql)) {
    // One array parameter: PostgreSQL plans it once instead of a list of 51.
    std::string arr = "{";
    for (std::size_t i = 0; i < idtext.size(); ++i) arr += (i ? "," : "") + idtext[i];
    q.text += " AND m.id = ANY(CAST(" + q.add(arr + "}") + " AS BIGINT[]))";
  } else {
    q.text += " AND m.id IN " + db::sql::in_list(q, idtext);
  }
  std::vector<std::pair<std::string, Member>> rows;
  db::sql::each(sql, q, kMemberColCount, [&](const TextRow& r) {
    std::string sk;
    Member m = member_from(r, &sk);
    rows.emplace_back(std::move(sk), std::move(m));
  });
  std::sort(rows.begin(), rows.end(), [](auto& a, auto& b) { return a.first < b.first || (a.first == b.first && a.second.id < b.second.id); });
  int limit = std::clamp(mq.limit, 1, 500);
  for (auto& [sk, m] : rows) page.items.push_back(std::move(m));
  if (int(ids.size()) > limit) {
    // More follow: the cursor is the last row kept (a row the index still held but the table no
    // longer matches is simply not shown).
    if ((int)page.items.size() > limit) page.items.resize(limit);
    if (!page.items.empty()) {
      std::size_t last = page.items.size() - 1;
      page.next = rows[last].first + "." + std::to_string(page.items[last].id);
    }
  }
  return page;
}

MemberPage list_members(soci::session& sql, const MemberQuery& mq) {
  // Two steps: the page's ids in order from the member table alone (with the by_sort plan an
  // index-only walk of member_sort: no table row, no heap tuple is read for the members that
  // do not match), then the page's rows. Over 6,000,000 members on PostgreSQL a broad search
  // ("vo van") went from 1 s (a heap fetch per walked entry) to ≈ 45 ms.
  Query q;
  q.text = "SELECT m.id AS pid, m.sort_key AS psk FROM member m";
  member_where(q, mq);
  // Only the by_sort plan walks member_sort; otherwise `(sort_key || '')` keeps the planner from
  // walking that (covering) index to avoid a sort: for a rare name that walk reads the whole
  // index (2 s over 1,000,000 members) where the name-key indexes give the few matches at once.
  const std::string order = mq.plan == MemberQuery::Plan::by_sort ? "m.sort_key" : "(m.sort_key || '')";
  if (!mq.after.empty()) {
    auto [sk, id] = parse_member_cursor(mq.after);
    q.text += " AND (" + order + " > " + q.add(sk) + " OR (" + order + " = " + q.add(sk) + " AND m.id > " + q.add(id) + "))";
  }
  int limit = std::clamp(mq.limit, 1, 500);
  q.text += " ORDER BY " + order + ", m.id LIMIT " + std::to_string(limit + 1);
  q.text = std::string("SELECT ") + kMemberCols + " FROM (" + q.text +
           ") p JOIN member m ON m.id = p.pid JOIN organization o ON o.id = m.org_id ORDER BY p.psk, p.pid";
  MemberPage page;
  std::vector<std::string> keys;
  db::sql::each(sql, q, kMemberColCount, [&](const TextRow& r) {
    std::string sk;
    page.items.push_back(member_from(r, &sk));
    keys.push_back(std::move(sk));
  });
  if ((int)page.items.size() > limit) {
    page.items.pop_back();
    page.next = keys[limit - 1] + "." + std::to_string(page.items.back().id);
  }
  return page;
}

void each_member_for_export(soci::session& sql, const MemberQuery& mq,
                            const std::function<void(const MemberExportRow&)>& on_row) {
  // One statement for the whole list, in list_members' order. (The export used to walk
  // list_members' pages of 500, and each page sorted the whole scope again: quadratic, 200 s
  // for 200,000 members on SQLite.) The plan is list_members' `automatic` one: the scope's
  // path range, then one sort; `(m.sort_key || '')` keeps the planner from walking member_sort
  // and fetching every row of the table from it (twice as slow for a whole city, far worse for
  // a ward).
  MemberQuery q1 = mq;
  q1.after.clear();
  Query q;
  q.text =
      "SELECT m.id, m.family_name, m.middle_name, m.given_name, m.gender, m.birth_date, m.status, m.admitted_on, "
      "m.full_member_on, m.card_number, o.code, o.name FROM member m JOIN organization o ON o.id = m.org_id";
  member_where(q, q1);
  const std::string order = q1.plan == MemberQuery::Plan::by_sort ? "m.sort_key" : "(m.sort_key || '')";
  q.text += " ORDER BY " + order + ", m.id";
  MemberExportRow x;
  db::sql::each(sql, q, 12, [&](const TextRow& r) {
    x.id = r.s(0);
    x.family_name = r.s(1);
    x.middle_name = r.s(2);
    x.given_name = r.s(3);
    x.gender = r.s(4);
    x.birth_date = r.s(5);
    x.status = r.s(6);
    x.admitted_on = r.s(7);
    x.full_member_on = r.s(8);
    x.card_number = r.s(9);
    x.org_code = r.s(10);
    x.org_name = r.s(11);
    on_row(x);
  });
}

int64_t count_members(soci::session& sql, const MemberQuery& mq, int64_t cap) {
  Query q;
  q.text = "SELECT count(*) FROM (SELECT 1 FROM member m";
  member_where(q, mq);
  q.text += cap == INT64_MAX ? ") c" : " LIMIT " + std::to_string(cap) + ") c";
  int64_t n = 0;
  db::sql::each(sql, q, 1, [&](const TextRow& r) { n = to_i64(r.s(0)); });
  return n;
}

int64_t probe_name_matches(soci::session& sql, const std::string& text, int64_t cap) {
  std::string key = vntext::search_key(vntext::collapse_spaces(text));
  if (key.empty()) return 0;
  int64_t total = 0;
  for (const char* col : {"search_key", "given_key", "family_given_key", "middle_given_key"}) {
    Query q;
    q.text = std::string("SELECT count(*) FROM (SELECT 1 FROM member WHERE ") + col + " >= " + q.add(key) + " AND " + col +
             " < " + q.add(key + "~") + " LIMIT " + std::to_string(cap) + ") c";
    db::sql::each(sql, q, 1, [&](const TextRow& r) { total += to_i64(r.s(0)); });
    if (total >= cap) break;
  }
  return total;
}

std::optional<Member> find_member(soci::session& sql, int64_t id) {
  Query q;
  q.text = std::string("SELECT ") + kMemberCols + " FROM member m JOIN organization o ON o.id = m.org_id WHERE m.id = " +
           q.add(std::to_string(id));
  std::optional<Member> out;
  db::sql::each(sql, q, kMemberColCount, [&](const TextRow& r) { out = member_from(r); });
  return out;
}

std::vector<Member> find_members(soci::session& sql, const std::vector<int64_t>& ids) {
  std::vector<Member> out;
  const bool pg = db::sql::is_postgresql(sql);
  const std::size_t chunk = pg ? 10000 : 200;
  for (std::size_t off = 0; off < ids.size(); off += chunk) {
    Query q;
    q.text = std::string("SELECT ") + kMemberCols + " FROM member m JOIN organization o ON o.id = m.org_id WHERE m.id";
    std::vector<std::string> part;
    for (std::size_t k = off; k < ids.size() && k < off + chunk; ++k) part.push_back(std::to_string(ids[k]));
    if (pg) {
      std::string joined;
      for (auto& v : part) joined += (joined.empty() ? "" : ",") + v;
      q.text += " = ANY(CAST(string_to_array(" + q.add(std::move(joined)) + ", ',') AS BIGINT[]))";
    } else {
      q.text += " IN " + db::sql::in_list(q, part);
    }
    db::sql::each(sql, q, kMemberColCount, [&](const TextRow& r) { out.push_back(member_from(r)); });
  }
  return out;
}

std::vector<Membership> member_history(soci::session& sql, int64_t member_id) {
  Query q;
  q.text = "SELECT ms.id, ms.member_id, ms.org_id, o.code, o.name, ms.valid_from, ms.valid_to, ms.reason FROM membership ms "
           "JOIN organization o ON o.id = ms.org_id WHERE ms.member_id = " +
           q.add(std::to_string(member_id)) + " ORDER BY ms.valid_from DESC, ms.id DESC";
  std::vector<Membership> out;
  db::sql::each(sql, q, 8, [&](const TextRow& r) {
    Membership h;
    h.id = to_i64(r.s(0));
    h.member_id = to_i64(r.s(1));
    h.org_id = to_i64(r.s(2));
    h.org_code = r.s(3);
    h.org_name = r.s(4);
    h.valid_from = base::parse_iso_date(r.s(5)).value_or(CivilDate{});
    h.valid_to = opt_date(r.v[6], r.ind[6]);
    h.reason = r.s(7);
    out.push_back(h);
  });
  return out;
}

namespace {
// The editable columns (member_columns.hpp), in one order for INSERT and UPDATE.
std::vector<std::pair<const char*, std::string>> member_values(const Member& m) {
  MemberValues v;
  registry::member_values(m, v);
  std::vector<std::pair<const char*, std::string>> out;
  out.reserve(kMemberValueCount);
  for (int i = 0; i < kMemberValueCount; ++i) out.emplace_back(kMemberValueNames[i], std::move(v[i]));
  return out;
}
}  // namespace

void insert_member(soci::session& sql, Member& m, const std::string& valid_from, const std::string& reason) {
  auto vals = member_values(m);
  std::string cols, ph;
  std::vector<soci::indicator> inds;
  for (auto& [c, v] : vals) {
    cols += std::string(c) + ", ";
    ph += ":" + std::string(c) + ", ";
    inds.push_back(member_value_nullable(int(inds.size())) && v.empty() ? soci::i_null : soci::i_ok);
  }
  std::string now = db::now_utc(), syn = m.synthetic ? "1" : "0", org = std::to_string(m.org_id);
  std::string text = "INSERT INTO member(" + cols + "org_id, org_path, synthetic, version, created_at, updated_at) VALUES (" +
                     ph + ":org, :path, :syn, 1, :c, :u)";
  bool pg = sql.get_backend_name() == "postgresql";
  if (pg) text += " RETURNING id";
  long long id = 0;
  {
    soci::statement st(sql);
    for (std::size_t i = 0; i < vals.size(); ++i) st.exchange(soci::use(vals[i].second, inds[i]));
    st.exchange(soci::use(m.org_id));
    st.exchange(soci::use(m.org_path));
    int s = m.synthetic ? 1 : 0;
    st.exchange(soci::use(s));
    st.exchange(soci::use(now));
    st.exchange(soci::use(now));
    if (pg) st.exchange(soci::into(id));
    st.alloc();
    st.prepare(text);
    st.define_and_bind();
    st.execute(true);
  }
  if (!pg) sql << "SELECT last_insert_rowid()", soci::into(id);
  m.id = id;
  m.version = 1;
  if (is_active(m.status)) add_org_counts(sql, {{m.org_id, 1}});
  sql << "INSERT INTO membership(member_id, org_id, valid_from, reason) VALUES (:m, :o, :f, :r)", soci::use(id),
      soci::use(m.org_id), soci::use(valid_from), soci::use(reason);
}

bool update_member(soci::session& sql, const Member& m, int64_t expected_version) {
  auto vals = member_values(m);
  std::string set;
  std::vector<soci::indicator> inds;
  for (auto& [c, v] : vals) {
    set += std::string(c) + " = :" + c + ", ";
    inds.push_back(member_value_nullable(int(inds.size())) && v.empty() ? soci::i_null : soci::i_ok);
  }
  std::string now = db::now_utc();
  long long id = m.id, ver = expected_version;
  // The stored counts change when the member becomes active or stops being active; the row is
  // locked first (PostgreSQL), so the delta is charged where the member is when this commits.
  auto cur = member_org_status_for_update(sql, m.id);
  soci::statement st(sql);
  for (std::size_t i = 0; i < vals.size(); ++i) st.exchange(soci::use(vals[i].second, inds[i]));
  st.exchange(soci::use(now));
  st.exchange(soci::use(id));
  st.exchange(soci::use(ver));
  st.alloc();
  st.prepare("UPDATE member SET " + set + "version = version + 1, updated_at = :u WHERE id = :id AND version = :v");
  st.define_and_bind();
  st.execute(true);
  if (st.get_affected_rows() != 1 || !cur) return st.get_affected_rows() == 1;
  auto was = parse_member_status(cur->second);
  const bool was_active = was && is_active(*was), now_active = is_active(m.status);
  if (was_active != now_active) add_org_counts(sql, {{cur->first, now_active ? 1 : -1}});
  return true;
}

std::optional<int64_t> transfer_member(soci::session& sql, int64_t member_id, int64_t org_id, const std::string& org_path,
                                       const std::string& day, const std::string& reason) {
  auto cur = member_org_status_for_update(sql, member_id);
  if (!cur || cur->first == org_id) return std::nullopt;
  // Close the open membership (normally one); the new one starts where the last closed one ends.
  std::string from = day;
  std::vector<std::pair<int64_t, std::string>> open;
  {
    Query q;
    q.text = "SELECT id, valid_from FROM membership WHERE member_id = " + q.add(member_id) + " AND valid_to IS NULL";
    db::sql::each(sql, q, 2, [&](const TextRow& r) { open.emplace_back(to_i64(r.s(0)), r.s(1)); });
  }
  for (auto& [id, valid_from] : open) {
    const std::string to = std::max(day, valid_from);
    from = std::max(from, to);
    Query u;
    u.text = "UPDATE membership SET valid_to = " + u.add(to) + " WHERE id = " + u.add(id);
    db::sql::exec(sql, u);
  }
  {
    Query q;
    q.text = "INSERT INTO membership(member_id, org_id, valid_from, reason) VALUES (" + q.add(member_id) + ", " + q.add(org_id) +
             ", " + q.add(from) + ", " + q.add(reason) + ")";
    db::sql::exec(sql, q);
  }
  {
    Query q;
    q.text = "UPDATE member SET org_id = " + q.add(org_id) + ", org_path = " + q.add(org_path) +
             ", version = version + 1, updated_at = " + q.add(db::now_utc()) + " WHERE id = " + q.add(member_id);
    db::sql::exec(sql, q);
  }
  auto st = parse_member_status(cur->second);
  if (st && is_active(*st)) add_org_counts(sql, {{cur->first, -1}, {org_id, 1}});
  return cur->first;
}

Stats member_stats(soci::session& sql, const Organization& org, const std::string& day, bool en, bool history) {
  Stats s;
  std::string p = org.path, pe = subtree_end(org.path);
  // Which members: today, those filed under the subtree now (member.org_path, indexed); on
  // another day, those whose membership that day was in the subtree as it stood (the same rule
  // as the member list of that day). Status is today's either way: status history is not kept.
  auto who = [&](Query& q) {
    return history ? members_on_day(q, day, {p}) : "m.org_path >= " + q.add(p) + " AND m.org_path < " + q.add(pe);
  };
  {
    Query q;
    q.text = "SELECT m.status, count(*) FROM member m WHERE " + who(q) + " GROUP BY m.status";
    db::sql::each(sql, q, 2, [&](const TextRow& r) {
      auto st = parse_member_status(r.s(0)).value_or(MemberStatus::full);
      int64_t n = to_i64(r.s(1));
      s.by_status.push_back({r.s(0), std::string(en ? label_en(st) : label_vi(st)), n});
      if (is_active(st)) s.total += n;
    });
  }
  {
    Query q;
    q.text = "SELECT count(*) FROM member m WHERE " + who(q) + " AND m.synthetic = 1";
    db::sql::each(sql, q, 1, [&](const TextRow& r) { s.synthetic = to_i64(r.s(0)); });
  }
  {
    Query q;
    q.text = "SELECT m.gender, count(*) FROM member m WHERE " + who(q) +
             " AND m.status IN ('probationary','full','exempted') GROUP BY m.gender ORDER BY m.gender DESC";
    db::sql::each(sql, q, 2, [&](const TextRow& r) {
      bool male = r.s(0) == "male";
      s.by_gender.push_back({r.s(0), male ? (en ? "Male" : "Nam") : (en ? "Female" : "Nữ"), to_i64(r.s(1))});
    });
  }
  {
    // Age on the day asked for, from the birth year (birth dates may carry only a year).
    int year_now = base::parse_iso_date(day).value_or(base::today()).year();
    auto& bands = age_bands();
    std::vector<int64_t> counts(bands.size(), 0);
    int64_t unknown = 0;
    Query q;
    q.text = "SELECT substr(m.birth_date, 1, 4), count(*) FROM member m WHERE " + who(q) +
             " AND m.status IN ('probationary','full','exempted') GROUP BY substr(m.birth_date, 1, 4)";
    db::sql::each(sql, q, 2, [&](const TextRow& r) {
      int64_t n = to_i64(r.s(1));
      if (r.s(0).size() != 4) {
        unknown += n;
        return;
      }
      int age = year_now - int(to_i64(r.s(0)));
      bool placed = false;
      for (std::size_t i = 0; i < bands.size(); ++i)
        if (age >= bands[i].min && (bands[i].max < 0 || age <= bands[i].max)) {
          counts[i] += n;
          placed = true;
          break;
        }
      if (!placed) unknown += n;
    });
    for (std::size_t i = 0; i < bands.size(); ++i) {
      std::string label = bands[i].max < 0 ? std::to_string(bands[i].min) + "+"
                                           : std::to_string(bands[i].min) + "–" + std::to_string(bands[i].max);
      s.by_age_band.push_back({bands[i].key, label, counts[i]});
    }
    if (unknown) s.by_age_band.push_back({"unknown", en ? "Unknown" : "Không rõ", unknown});
  }
  if (history) {
    // The children valid that day, each counted as the organization page counts it that day.
    OrgQuery oq;
    oq.parent_id = org.id;
    oq.as_of = day;
    oq.today = false;
    oq.limit = 1000;
    for (;;) {
      auto rows = list_orgs(sql, oq);
      for (auto& r : rows) s.by_child.push_back({r.org.code, r.org.name, r.member_count});
      if ((int)rows.size() < oq.limit) break;
      oq.after_code = rows.back().org.code;
    }
  } else {
    Query q;
    q.text = "SELECT o.code, o.name, (SELECT coalesce(sum((SELECT sc.active FROM org_member_count sc WHERE sc.org_id = so.id)), "
             "0) FROM organization so WHERE so.path >= o.path AND so.path < substr(o.path, 1, length(o.path) - 1) || '0') FROM "
             "organization o WHERE o.parent_id = " +
             q.add(std::to_string(org.id)) + " AND o.valid_to IS NULL ORDER BY o.code";
    db::sql::each(sql, q, 3, [&](const TextRow& r) { s.by_child.push_back({r.s(0), r.s(1), to_i64(r.s(2))}); });
  }
  return s;
}

bool any_synthetic(soci::session& sql, const std::string& path, const std::string& as_of) {
  Query q;
  if (as_of.empty())
    q.text = "SELECT id FROM member WHERE org_path >= " + q.add(path) + " AND org_path < " + q.add(subtree_end(path)) +
             " AND synthetic = 1 LIMIT 1";
  else
    q.text = "SELECT m.id FROM member m WHERE " + members_on_day(q, as_of, {path}) + " AND m.synthetic = 1 LIMIT 1";
  bool found = false;
  db::sql::each(sql, q, 1, [&](const TextRow&) { found = true; });
  return found;
}

std::string get_setting(soci::session& sql, const std::string& name) {
  std::string v;
  soci::indicator ind = soci::i_null;
  sql << "SELECT value FROM app_setting WHERE name = :n", soci::use(name), soci::into(v, ind);
  return sql.got_data() && ind == soci::i_ok ? v : std::string();
}

void set_setting(soci::session& sql, const std::string& name, const std::string& value) {
  sql << "DELETE FROM app_setting WHERE name = :n", soci::use(name);
  sql << "INSERT INTO app_setting(name, value) VALUES (:n, :v)", soci::use(name), soci::use(value);
}

}  // namespace dangbo::registry
