{{%AUTOESCAPE context="HTML"}}<nav aria-label="breadcrumb"><ol class="breadcrumb"><li class="breadcrumb-item"><a href="/restructure">{{T_rs_title}}</a></li><li class="breadcrumb-item active" aria-current="page">{{T_rs_plan}} {{ID}}</li></ol></nav>
{{#JUST_APPLIED}}<div class="alert alert-success py-2" role="status" id="applied-notice">{{T_rs_applied}}</div>{{/JUST_APPLIED}}
<h1 class="h3 mb-1" id="plan-name">{{NAME}}</h1>
<div class="text-muted small mb-3">{{T_rs_plan}} {{ID}} · {{T_rs_effective}} {{EFFECTIVE}} · <span id="plan-status">{{STATUS}}</span> · {{APPLIED_BY}} {{APPLIED_AT}}{{#UNDONE}} · {{T_rs_undone_at}} {{AT}}{{/UNDONE}} · <a href="/restructure/plans/{{ID:u}}/plan.csv">{{T_rs_download}}</a></div>
<div class="row g-2 mb-3 text-center">
  <div class="col-6 col-md-3"><div class="card"><div class="card-body py-2"><div class="fs-4">{{ORGS_NEW}}</div><div class="small text-muted">{{T_rs_sum_new}}</div></div></div></div>
  <div class="col-6 col-md-3"><div class="card"><div class="card-body py-2"><div class="fs-4">{{ORGS_CLOSED}}</div><div class="small text-muted">{{T_rs_sum_closed}}</div></div></div></div>
  <div class="col-6 col-md-3"><div class="card"><div class="card-body py-2"><div class="fs-4">{{ORGS_VERSIONED}}</div><div class="small text-muted">{{T_rs_sum_versioned}}</div></div></div></div>
  <div class="col-6 col-md-3"><div class="card"><div class="card-body py-2"><div class="fs-4">{{MEMBERS_MOVED}}</div><div class="small text-muted">{{T_rs_sum_members}}</div></div></div></div>
</div>
<div class="card"><div class="card-body">
  <h2 class="h6 card-title">{{T_rs_operations}}</h2>
  <div class="table-responsive"><table class="table table-sm small mb-0" id="plan-ops">
    <thead><tr><th>#</th><th>{{T_rs_col_op}}</th><th>{{T_rs_sources}}</th><th>{{T_rs_targets}}</th><th>{{T_rs_decision}}</th></tr></thead>
    <tbody>{{#OP}}<tr><td>{{SEQ}}</td><td>{{OP}}</td><td>{{SOURCES}}</td><td>{{TARGETS}}</td><td>{{DECISION}} ({{DECISION_DATE}})</td></tr>{{/OP}}</tbody>
  </table></div>
</div></div>
