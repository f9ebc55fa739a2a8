#include "restructure/service.hpp"

#include <soci/soci.h>

#include <set>

#include "base/error.hpp"
#include "base/rules.hpp"
#include "registry/store.hpp"
#include "restructure/sql_util.hpp"

namespace dangbo::restructure {
using base::Error;
using base::ErrorKind;
using security::Role;

bool RestructureService::can_manage(const Actor& a) const { return a.role == Role::admin || a.role == Role::staff; }

void RestructureService::require_manage(const Actor& a) const {
  if (!can_manage(a))
    throw Error(ErrorKind::forbidden, "forbidden", "Chỉ quản trị viên và cán bộ Ban Tổ chức được sắp xếp tổ chức đảng");
}

void RestructureService::check_scope(const Actor& a, const Plan& plan) {
  if (a.role == Role::admin) return;
  auto eff = plan.effective_date();
  if (!eff) return;
  std::string day = base::add_days(*eff, -1).iso();
  auto s = db_.session();
  std::set<std::string> codes, declared;
  for (auto& o : plan.ops) {
    for (auto& c : o.sources) codes.insert(c);
    for (auto& t : o.targets) {
      if (!t.code.empty()) codes.insert(t.code);
      if (!t.parent.empty()) codes.insert(t.parent);
      if (!t.name.empty() && !t.code.empty()) declared.insert(t.code);
      if (t.parent.empty() && t.kind == OrgKind::city && o.kind != OpKind::rename && o.kind != OpKind::change_kind)
        throw Error(ErrorKind::forbidden, "forbidden", "Chỉ quản trị viên được lập tổ chức đảng cấp thành phố/tỉnh");
    }
  }
  for (auto& as : plan.assignments) {
    codes.insert(as.target);
    if (as.what.rfind("member:", 0) != 0) codes.insert(as.what);
  }
  for (auto& c : codes) {
    auto o = registry::find_org(*s, c, day);
    if (!o) {
      if (declared.count(c)) continue;  // a new organization: its parent is checked
      continue;                         // unknown: preview reports it
    }
    if (!a.in_scope(o->path))
      throw Error(ErrorKind::not_found, "org.not_found", "Không tìm thấy tổ chức đảng có mã '" + c + "' (hoặc bạn không có quyền)");
  }
}

Preview RestructureService::preview(const Actor& a, const Plan& plan) {
  require_manage(a);
  check_scope(a, plan);
  return engine_.preview(plan);
}

ApplyResult RestructureService::apply(const Actor& a, const Plan& plan) {
  require_manage(a);
  check_scope(a, plan);
  return engine_.apply(plan, &a);
}

int64_t RestructureService::undo(const Actor& a, std::optional<int64_t> plan_id) {
  if (!is_admin(a)) throw Error(ErrorKind::forbidden, "forbidden", "Chỉ quản trị viên được hoàn tác phương án sắp xếp");
  return engine_.undo(plan_id, &a);
}

std::vector<PlanInfo> RestructureService::plans(const Actor& a) {
  require_manage(a);
  auto all = engine_.plans(200);
  if (is_admin(a)) return all;
  std::vector<PlanInfo> own;
  for (auto& p : all)
    if (p.applied_by == a.username) own.push_back(p);
  return own;
}

PlanInfo RestructureService::plan(const Actor& a, int64_t id) {
  require_manage(a);
  auto p = engine_.plan(id);
  if (!p || (!is_admin(a) && p->applied_by != a.username))
    throw Error(ErrorKind::not_found, "restructure.not_found", "Không tìm thấy phương án số " + std::to_string(id));
  return *p;
}

std::string RestructureService::plan_source(const Actor& a, int64_t id) {
  plan(a, id);
  return engine_.plan_source(id);
}

std::vector<RestructureService::OpRow> RestructureService::plan_ops(const Actor& a, int64_t id) {
  plan(a, id);
  auto s = db_.session();
  sqlu::Query q;
  q.text = "SELECT seq, op, decision_no, decision_date, effective_date, detail FROM restructure_op WHERE plan_id = " + q.add(id) +
           " ORDER BY seq";
  std::vector<OpRow> out;
  sqlu::each(*s, q, 6, [&](const sqlu::Row& r) { out.push_back({int(r.i(0)), r.s(1), r.s(2), r.s(3), r.s(4), r.s(5)}); });
  return out;
}

std::vector<StandardCheck> RestructureService::standards(const Actor& a, const StandardsQuery& q) {
  if (!security::role_allows(a.role, security::Action::read_org))
    throw Error(ErrorKind::forbidden, "forbidden", "Bạn không có quyền xem danh mục đơn vị hành chính");
  std::vector<registry::AdminUnit> units;
  std::map<std::string, std::string> types;
  {
    auto s = db_.session();
    load_units(*s, q.province, units, types);
  }
  try {
    return check_standards(units, types, base::RuleSet::global(), q);
  } catch (const std::invalid_argument&) {
    throw Error(ErrorKind::bad_request, "basis", "Căn cứ không hợp lệ: arrangement_2025 hoặc standard");
  }
}

}  // namespace dangbo::restructure
