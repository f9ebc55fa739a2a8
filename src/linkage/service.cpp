#include "linkage/service.hpp"

#include <boost/json.hpp>
#include <soci/soci.h>

#include <algorithm>
#include <charconv>
#include <cmath>
#include <chrono>
#include <cstdio>

#include "base/error.hpp"
#include "linkage/report.hpp"
#include "registry/counts.hpp"
#include "registry/service.hpp"
#include "registry/store.hpp"

namespace dangbo::linkage {

using base::Error;
using base::ErrorKind;
namespace json = boost::json;

namespace {

Error pair_not_found() {
  return Error(ErrorKind::not_found, "dedupe.pair_not_found",
               "Không tìm thấy cặp hồ sơ cần đối chiếu (hoặc bạn không có quyền xem)");
}
Error merge_not_found() {
  return Error(ErrorKind::not_found, "dedupe.merge_not_found",
               "Không tìm thấy lần hợp nhất hồ sơ (hoặc bạn không có quyền xem)");
}

LooseDate iso_loose(const std::string& s) {
  if (s.empty()) return {};
  auto d = base::parse_iso_date(s);
  return d ? loose_from(*d) : LooseDate{};
}

std::string num(double v, const char* f = "%.17g") {
  char buf[64];
  std::snprintf(buf, sizeof buf, f, v);
  return buf;
}

std::string org_text(const registry::Member& m) {
  return m.org_name.empty() ? m.org_code : m.org_name + " (" + m.org_code + ")";
}

}  // namespace

const std::vector<std::string>& review_fields() {
  static const std::vector<std::string> f = [] {
    std::vector<std::string> v = {"org"};
    for (auto& x : registry::editable_member_fields()) v.push_back(x);
    return v;
  }();
  return f;
}

void DedupeService::require(const Actor& a) {
  if (a.role != security::Role::admin && a.role != security::Role::staff)
    throw Error(ErrorKind::forbidden, "forbidden",
                "Chỉ cán bộ Ban Tổ chức và quản trị viên được đối chiếu, hợp nhất hồ sơ trùng");
}

RunSummary DedupeService::run(const Actor& a, const std::string& org_code, const Options& opt, const Log& log) {
  require(a);
  using Clock = std::chrono::steady_clock;
  auto t0 = Clock::now();
  std::string scope = a.org_path;
  {
    auto s = db_.session();
    if (!org_code.empty()) {
      auto o = registry::find_org(*s, org_code, base::today().iso());
      if (!o || !a.in_scope(o->path))
        throw Error(ErrorKind::not_found, "org.not_found",
                    "Không tìm thấy tổ chức đảng có mã '" + org_code + "' (hoặc bạn không có quyền xem)");
      scope = o->path;
    }
  }
  // 1. members of the subtree
  Dataset d;
  std::vector<int64_t> ids;
  std::vector<std::string> paths;
  {
    auto s = db_.session();
    Person p;
    read_members(*s, scope, [&](const MemberRow& m) {
      p = Person{};
      p.id = std::to_string(m.id);
      p.family = m.family;
      p.middle = m.middle;
      p.given = m.given;
      p.gender = m.gender == "male" ? 0 : m.gender == "female" ? 1 : -1;
      p.birth = iso_loose(m.birth_date);
      p.citizen_id = m.citizen_id;
      p.home_town = m.home_town;
      p.admitted = iso_loose(m.admitted_on);
      p.phone = m.phone;
      p.card_number = m.card_number;
      p.org = m.org_code;
      d.add(p);
      ids.push_back(m.id);
      paths.push_back(m.org_path);
    });
  }
  d.finalize();
  const double t_read = std::chrono::duration<double>(Clock::now() - t0).count();
  if (log) log("read " + std::to_string(d.size()) + " members in " + num(t_read, "%.2f") + " s");

  // 2. linkage
  Result r = linkage::run(d, opt, log);
  r.seconds["read"] = t_read;

  // 3. store
  auto t1 = Clock::now();
  RunSummary sum;
  sum.records = d.size();
  sum.compared_pairs = r.compared_pairs;
  sum.rules = r.rules;
  sum.shared_values = d.shared_values;
  auto s = db_.session();
  soci::transaction tr(*s);
  RunRow run;
  run.actor_name = a.username;
  run.scope_path = scope;
  run.threshold = opt.threshold;
  run.review_low = opt.review_low;
  sum.run_id = insert_run(*s, run);
  auto different = different_decisions(*s);
  std::vector<PairRow> rows;
  rows.reserve(r.pairs.size());
  for (auto& p : r.pairs) {
    if (p.prob < opt.review_low) continue;
    PairRow x;
    x.run_id = sum.run_id;
    uint32_t ia = p.a, ib = p.b;
    if (ids[ia] > ids[ib]) std::swap(ia, ib);
    x.member_a = ids[ia];
    x.member_b = ids[ib];
    x.probability = p.prob;
    x.match_weight = p.weight;
    json::object lv, ev;
    for (auto& e : explain(d, r.model, ia, ib)) {
      lv[field_info(e.field).key] = e.level == kNull ? "" : std::string(field_info(e.field).levels[e.level]);
      ev[field_info(e.field).key] = std::round(e.weight * 100) / 100;
    }
    x.levels = json::serialize(lv);
    x.evidence = json::serialize(ev);
    x.band = p.prob >= opt.threshold ? "link" : "review";
    x.status = "open";
    if (different.count({x.member_a, x.member_b})) {
      x.status = "different";
      ++sum.remembered_different;
    } else if (x.band == "link") {
      ++sum.link_pairs;
    } else {
      ++sum.review_pairs;
    }
    x.org_path_a = paths[ia];
    x.org_path_b = paths[ib];
    rows.push_back(std::move(x));
  }
  insert_pairs(*s, rows);
  supersede_pairs(*s, sum.run_id, scope);
  json::object stats;
  stats["rules"] = rules_json(r.rules);
  stats["shared_values"] = shared_values_json(d.shared_values);
  stats["link_pairs"] = sum.link_pairs;
  stats["review_pairs"] = sum.review_pairs;
  stats["remembered_different"] = sum.remembered_different;
  json::object secs;
  for (auto& [k, v] : r.seconds) secs[k] = v;
  stats["seconds"] = secs;
  finish_run(*s, sum.run_id, int64_t(d.size()), int64_t(r.compared_pairs), r.model.to_json(), json::serialize(stats));
  security::audit_append(*s, &a, "dedupe_run", "dedupe_run", std::to_string(sum.run_id), scope,
                         json::serialize(json::object{{"records", d.size()},
                                                      {"link_pairs", sum.link_pairs},
                                                      {"review_pairs", sum.review_pairs}}));
  tr.commit();
  r.seconds["store"] = std::chrono::duration<double>(Clock::now() - t1).count();
  sum.seconds = r.seconds;
  return sum;
}

std::vector<PairRow> DedupeService::queue(const Actor& a, const std::string& band, int limit, const std::string& after,
                                          std::string* next) {
  require(a);
  if (band != "link" && band != "review") throw Error(ErrorKind::bad_request, "band", "band phải là link hoặc review");
  std::optional<std::pair<double, int64_t>> cur;
  if (!after.empty()) {
    auto bar = after.find('_');
    try {
      if (bar == std::string::npos) throw std::invalid_argument("cursor");
      cur = std::make_pair(std::stod(after.substr(0, bar)), int64_t(std::stoll(after.substr(bar + 1))));
    } catch (...) {
      throw Error(ErrorKind::bad_request, "after", "Tham số after không hợp lệ");
    }
  }
  auto s = db_.session();
  auto rows = open_pairs(*s, a.org_path, band, limit + 1, cur);
  if (next) next->clear();
  if (int(rows.size()) > limit) {
    rows.pop_back();
    if (next) *next = num(rows.back().probability) + "_" + std::to_string(rows.back().id);
  }
  return rows;
}

int64_t DedupeService::queue_count(const Actor& a, const std::string& band) {
  require(a);
  auto s = db_.session();
  return count_open_pairs(*s, a.org_path, band);
}

std::optional<RunRow> DedupeService::latest_run(const Actor& a) {
  require(a);
  auto s = db_.session();
  return linkage::latest_run(*s, a.org_path);
}

PairView DedupeService::pair(const Actor& a, int64_t pair_id) {
  require(a);
  auto s = db_.session();
  auto p = find_pair(*s, pair_id);
  if (!p || !a.in_scope(p->org_path_a) || !a.in_scope(p->org_path_b)) throw pair_not_found();
  auto ma = registry::find_member(*s, p->member_a), mb = registry::find_member(*s, p->member_b);
  if (!ma || !mb)
    throw Error(ErrorKind::not_found, "dedupe.member_gone",
                "Một trong hai hồ sơ của cặp này không còn (đã được hợp nhất); hãy chạy lại đối chiếu");
  if (!a.in_scope(ma->org_path) || !a.in_scope(mb->org_path)) throw pair_not_found();
  PairView v;
  v.pair = *p;
  v.a = *ma;
  v.b = *mb;
  for (auto& f : review_fields()) {
    FieldView fv;
    fv.field = f;
    fv.a = f == "org" ? org_text(v.a) : registry::member_field_text(v.a, f);
    fv.b = f == "org" ? org_text(v.b) : registry::member_field_text(v.b, f);
    fv.differ = f == "org" ? v.a.org_id != v.b.org_id : fv.a != fv.b;
    v.fields.push_back(fv);
  }
  try {
    auto lv = json::parse(p->levels).as_object();
    auto ev = json::parse(p->evidence).as_object();
    for (int f = 0; f < kFields; ++f) {
      Evidence e;
      e.field = std::string(field_info(f).key);
      if (auto it = lv.find(e.field); it != lv.end() && it->value().is_string()) e.level = std::string(it->value().as_string());
      if (auto it = ev.find(e.field); it != ev.end() && it->value().is_number()) e.weight = it->value().to_number<double>();
      v.evidence.push_back(e);
    }
  } catch (...) {
  }
  v.decision = decision(*s, p->member_a, p->member_b);
  return v;
}

void DedupeService::decide_different(const Actor& a, int64_t pair_id) {
  require(a);
  auto s = db_.session();
  soci::transaction tr(*s);
  auto p = find_pair(*s, pair_id);
  if (!p || !a.in_scope(p->org_path_a) || !a.in_scope(p->org_path_b)) throw pair_not_found();
  if (p->status != "open")
    throw Error(ErrorKind::conflict, "dedupe.decided", "Cặp hồ sơ này đã được quyết định trước đó");
  put_decision(*s, p->member_a, p->member_b, "different", a.user_id ? std::optional<int64_t>(a.user_id) : std::nullopt,
               a.username, p->id);
  set_pair_status(*s, p->id, "different");
  json::object detail{{"pair", p->id}, {"other", p->member_b}, {"probability", p->probability}};
  security::audit_append(*s, &a, "dedupe_different", "member", std::to_string(p->member_a), p->org_path_a,
                         json::serialize(detail));
  tr.commit();
}

int64_t DedupeService::merge(const Actor& a, int64_t pair_id, const std::string& survivor,
                             const std::map<std::string, std::string>& choices, std::optional<int64_t> version_a,
                             std::optional<int64_t> version_b) {
  require(a);
  if (survivor != "a" && survivor != "b")
    throw Error(ErrorKind::bad_request, "survivor", "Cần chọn hồ sơ được giữ lại (a hoặc b)");
  auto s = db_.session();
  soci::transaction tr(*s);
  registry::lock_member_writes(*s);  // counts move with the records (registry/counts.hpp)
  auto p = find_pair(*s, pair_id);
  if (!p || !a.in_scope(p->org_path_a) || !a.in_scope(p->org_path_b)) throw pair_not_found();
  if (p->status != "open")
    throw Error(ErrorKind::conflict, "dedupe.decided", "Cặp hồ sơ này đã được quyết định trước đó");
  auto ma = registry::find_member(*s, p->member_a), mb = registry::find_member(*s, p->member_b);
  if (!ma || !mb)
    throw Error(ErrorKind::conflict, "dedupe.member_gone", "Một trong hai hồ sơ không còn (đã được hợp nhất)");
  if (!a.in_scope(ma->org_path) || !a.in_scope(mb->org_path)) throw pair_not_found();
  if ((version_a && *version_a != ma->version) || (version_b && *version_b != mb->version))
    throw Error(ErrorKind::conflict, "member.conflict",
                "Hồ sơ vừa được người khác sửa. Hãy tải lại trang để xem bản mới nhất rồi quyết định lại.");
  const registry::Member& keep = survivor == "a" ? *ma : *mb;
  const registry::Member& gone = survivor == "a" ? *mb : *ma;
  const std::string gone_side = survivor == "a" ? "b" : "a";

  // References to the absorbed member that cannot move.
  auto refs = member_references(*s);
  for (auto& ref : refs) {
    if (ref.table == "member_sensitive" && !referring_rows(*s, ref, gone.id).empty())
      throw Error(ErrorKind::conflict, "dedupe.sensitive",
                  "Hồ sơ " + std::to_string(gone.id) +
                      " có dữ liệu nhạy cảm (được mã hóa theo mã hồ sơ) nên không thể nhập vào hồ sơ khác: hãy chọn giữ "
                      "lại chính hồ sơ đó");
    if (ref.pk.empty() && references(*s, ref.table, ref.column, gone.id))
      throw Error(ErrorKind::conflict, "dedupe.reference",
                  "Hồ sơ " + std::to_string(gone.id) + " còn được bảng " + ref.table +
                      " (không có khóa chính) tham chiếu: hãy chọn giữ lại chính hồ sơ đó");
  }

  // Snapshots before anything changes.
  auto before_keep = row_snapshot(*s, "member", keep.id);
  auto row_gone = row_snapshot(*s, "member", gone.id);
  if (!before_keep || !row_gone) throw Error(ErrorKind::conflict, "dedupe.member_gone", "Hồ sơ không còn");

  // The survivor's new values (validated by the registry's rules).
  std::map<std::string, std::string> changes;
  json::object chosen;
  bool org_from_gone = false;
  for (auto& [f, side] : choices) {
    if (side != "a" && side != "b")
      throw Error(ErrorKind::bad_request, "choice", "Lựa chọn của trường '" + f + "' phải là a hoặc b");
    if (std::find(review_fields().begin(), review_fields().end(), f) == review_fields().end())
      throw Error(ErrorKind::bad_request, "choice", "Trường '" + f + "' không có trong hồ sơ");
    const bool from_gone = side == gone_side;
    chosen[f] = from_gone ? "absorbed" : "survivor";
    if (!from_gone) continue;
    if (f == "org") org_from_gone = true;
    else changes[f] = registry::member_field_text(gone, f);
  }
  registry::Member next = registry::apply_member_changes(keep, changes);  // throws ValidationError
  if (!changes.empty() && !registry::update_member(*s, next, keep.version))
    throw Error(ErrorKind::conflict, "member.conflict", "Hồ sơ vừa được người khác sửa. Hãy tải lại trang.");

  // Every reference to the absorbed member moves to the survivor; one open membership stays.
  const std::string today = base::today().iso();
  std::vector<RefChange> moved;
  for (auto& ref : refs) {
    if (ref.table == "member_sensitive") continue;
    for (auto& key : referring_rows(*s, ref, gone.id)) {
      try {
        set_reference(*s, ref.table, ref.column, key, keep.id);
      } catch (const soci::soci_error& e) {
        throw Error(ErrorKind::conflict, "dedupe.reference",
                    "Không chuyển được dữ liệu ở bảng " + ref.table + " sang hồ sơ được giữ lại (" +
                        std::string(e.what()).substr(0, 160) + ")");
      }
      moved.push_back(RefChange{ref.table, ref.column, key, gone.id, false});
    }
  }
  // Open memberships: the chosen organization's stays open, the other closes today.
  {
    const int64_t closing_owner = org_from_gone ? keep.id : gone.id;
    std::vector<int64_t> open_rows;
    for (auto& h : registry::member_history(*s, keep.id)) {
      // after the moves every membership belongs to the survivor: find the ones that were
      // the closing side's (by the recorded moves for the absorbed member)
      if (h.valid_to) continue;
      bool was_gone = false;
      for (auto& m : moved)
        if (m.table == "membership" && m.key.contains("id") && m.key.at("id").to_number<int64_t>() == h.id) was_gone = true;
      if (was_gone == (closing_owner == gone.id)) open_rows.push_back(h.id);
    }
    for (int64_t row : open_rows) {
      long long r = row;
      *s << "UPDATE membership SET valid_to = :t WHERE id = :id", soci::use(today), soci::use(r);
      bool recorded = false;
      for (auto& m : moved)
        if (m.table == "membership" && m.key.contains("id") && m.key.at("id").to_number<int64_t>() == row)
          m.closed = true, recorded = true;
      if (!recorded) moved.push_back(RefChange{"membership", "member_id", json::object{{"id", row}}, keep.id, true});
    }
  }
  // The stored per-organization counts: the survivor may move, the absorbed record goes.
  const registry::CountDelta counts_before = registry::active_by_org(*s, {keep.id, gone.id});
  std::string new_path = keep.org_path;
  if (org_from_gone) {
    long long org = gone.org_id, id = keep.id;
    std::string now = db::now_utc();
    *s << "UPDATE member SET org_id = :o, org_path = :p, version = version + 1, updated_at = :u WHERE id = :id",
        soci::use(org), soci::use(gone.org_path), soci::use(now), soci::use(id);
    new_path = gone.org_path;
  }
  {
    long long id = gone.id;
    *s << "DELETE FROM member WHERE id = :id", soci::use(id);
  }
  registry::add_org_counts(*s, registry::count_difference(counts_before, registry::active_by_org(*s, {keep.id, gone.id})));
  auto after = registry::find_member(*s, keep.id);
  MergeRow mr;
  mr.survivor_id = keep.id;
  mr.absorbed_id = gone.id;
  mr.pair_id = p->id;
  mr.actor_name = a.username;
  mr.merged_at = db::now_utc();
  mr.choices = json::serialize(chosen);
  mr.survivor_before = json::serialize(*before_keep);
  mr.absorbed_row = json::serialize(*row_gone);
  mr.survivor_after_version = after ? after->version : keep.version;
  mr.org_path = new_path;
  int64_t merge_id = insert_merge(*s, mr, a.user_id ? std::optional<int64_t>(a.user_id) : std::nullopt);
  insert_ref_changes(*s, merge_id, moved);
  put_decision(*s, p->member_a, p->member_b, "same", a.user_id ? std::optional<int64_t>(a.user_id) : std::nullopt,
               a.username, p->id);
  set_pair_status(*s, p->id, "merged");
  for (int64_t other : open_pairs_of_member(*s, gone.id)) set_pair_status(*s, other, "superseded");

  json::object diff;
  for (auto& [f, v] : changes) diff[f] = json::array{json::string(registry::member_field_text(keep, f)), json::string(v)};
  if (org_from_gone) diff["org"] = json::array{json::string(keep.org_code), json::string(gone.org_code)};
  security::audit_append(*s, &a, "dedupe_merge", "member", std::to_string(keep.id), new_path,
                         json::serialize(json::object{{"merge", merge_id},
                                                      {"absorbed", gone.id},
                                                      {"pair", p->id},
                                                      {"changes", diff},
                                                      {"references_moved", moved.size()}}));
  security::audit_append(*s, &a, "dedupe_merged_into", "member", std::to_string(gone.id), gone.org_path,
                         json::serialize(json::object{{"merge", merge_id}, {"survivor", keep.id}}));
  tr.commit();
  registry::RegistryService::invalidate_counts();  // a record left the counts
  return merge_id;
}

void DedupeService::undo_merge(const Actor& a, int64_t merge_id) {
  require(a);
  auto s = db_.session();
  soci::transaction tr(*s);
  registry::lock_member_writes(*s);
  auto m = find_merge(*s, merge_id);
  if (!m) throw merge_not_found();
  json::object gone_row, keep_before;
  try {
    gone_row = json::parse(m->absorbed_row).as_object();
    keep_before = json::parse(m->survivor_before).as_object();
  } catch (...) {
    throw Error(ErrorKind::internal, "dedupe.merge_record", "Bản ghi hợp nhất bị hỏng");
  }
  auto path_of = [](const json::object& o) {
    auto it = o.find("org_path");
    return it != o.end() && it->value().is_string() ? std::string(it->value().as_string()) : std::string();
  };
  if (!a.in_scope(m->org_path) || !a.in_scope(path_of(gone_row)) || !a.in_scope(path_of(keep_before)))
    throw merge_not_found();
  if (!m->undone_at.empty())
    throw Error(ErrorKind::conflict, "dedupe.undone", "Lần hợp nhất này đã được hoàn tác");
  auto keep = registry::find_member(*s, m->survivor_id);
  if (!keep) throw Error(ErrorKind::conflict, "dedupe.member_gone", "Hồ sơ được giữ lại không còn");
  if (keep->version != m->survivor_after_version)
    throw Error(ErrorKind::conflict, "dedupe.edited",
                "Hồ sơ đã được sửa sau khi hợp nhất; không thể hoàn tác mà không làm mất các thay đổi đó");
  if (registry::find_member(*s, m->absorbed_id))
    throw Error(ErrorKind::conflict, "dedupe.id_taken", "Mã hồ sơ bị nhập đã được dùng lại");
  // Both records go back to their organizations: each must still exist today (a plan applied
  // since may have dissolved or reorganised it; its members were moved, and so must these be).
  for (const json::object* row : {&gone_row, &keep_before}) {
    auto it = row->find("org_id");
    int64_t org_id = it != row->end() && it->value().is_int64() ? it->value().as_int64() : 0;
    auto org = registry::find_org_by_id(*s, org_id);
    if (!org || org->valid_to)
      throw Error(ErrorKind::conflict, "dedupe.org_closed",
                  "Tổ chức cũ của hồ sơ" + (org ? " (" + org->code + ")" : std::string()) +
                      " đã giải thể hoặc được sắp xếp lại sau lần hợp nhất này; không thể hoàn tác. Hãy sửa hồ sơ trực "
                      "tiếp nếu cần tách lại.");
  }
  const registry::CountDelta counts_before = registry::active_by_org(*s, {m->survivor_id, m->absorbed_id});
  row_restore(*s, "member", gone_row, true);
  for (auto& c : ref_changes(*s, merge_id)) {
    set_reference(*s, c.table, c.column, c.key, c.old_member_id);
    if (c.closed) {
      long long r = c.key.at("id").to_number<long long>();
      *s << "UPDATE membership SET valid_to = NULL WHERE id = :id", soci::use(r);
    }
  }
  row_restore(*s, "member", keep_before, false);
  registry::add_org_counts(
      *s, registry::count_difference(counts_before, registry::active_by_org(*s, {m->survivor_id, m->absorbed_id})));
  mark_merge_undone(*s, merge_id, a.username);
  delete_decision(*s, m->survivor_id, m->absorbed_id);
  if (m->pair_id) {
    auto p = find_pair(*s, m->pair_id);
    if (p && p->status == "merged") set_pair_status(*s, p->id, "open");
  }
  security::audit_append(*s, &a, "dedupe_merge_undo", "member", std::to_string(m->survivor_id), path_of(keep_before),
                         json::serialize(json::object{{"merge", merge_id}, {"absorbed", m->absorbed_id}}));
  security::audit_append(*s, &a, "dedupe_merge_undo", "member", std::to_string(m->absorbed_id), path_of(gone_row),
                         json::serialize(json::object{{"merge", merge_id}, {"survivor", m->survivor_id}}));
  tr.commit();
  registry::RegistryService::invalidate_counts();
}

MergeRow DedupeService::merge_record(const Actor& a, int64_t merge_id) {
  require(a);
  auto s = db_.session();
  auto m = find_merge(*s, merge_id);
  if (!m || !a.in_scope(m->org_path)) throw merge_not_found();
  return *m;
}

std::vector<MergeRow> DedupeService::merges_of(const Actor& a, int64_t member_id) {
  require(a);
  auto s = db_.session();
  std::vector<MergeRow> out;
  for (auto& m : linkage::merges_of(*s, member_id))
    if (a.in_scope(m.org_path)) out.push_back(m);
  return out;
}

}  // namespace dangbo::linkage
