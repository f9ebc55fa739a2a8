{{%AUTOESCAPE context="HTML"}}<div class="d-flex flex-wrap align-items-end justify-content-between gap-2 mb-3">
  <div>
    <h1 class="h3 mb-1">{{T_rs_title}}</h1>
    <div class="text-muted small">{{T_rs_intro}}</div>
  </div>
  <div class="d-flex gap-2">
    <a class="btn btn-sm btn-outline-secondary" href="/restructure/standards?province=79" id="link-standards">{{T_rs_standards}}</a>
    <a class="btn btn-sm btn-outline-secondary" href="/restructure/plan-2025.csv" id="link-plan-2025">{{T_rs_plan_2025}}</a>
  </div>
</div>
{{#MESSAGE}}<div class="alert alert-success py-2" role="status" id="rs-message">{{TEXT}}</div>{{/MESSAGE}}
{{#ERROR}}<div class="alert alert-danger py-2" role="alert" id="rs-error">{{TEXT}}</div>{{/ERROR}}
<div class="row g-3">
  <section class="col-xl-7" aria-labelledby="plan-form-title">
    <div class="card"><div class="card-body">
      <h2 class="h6 card-title" id="plan-form-title">{{T_rs_plan_form}}</h2>
      <p class="small text-muted mb-2">{{T_rs_plan_help}}</p>
      <form method="post" action="/restructure/preview" id="plan-form">
        <input type="hidden" name="csv_name" value="">
        <input type="hidden" name="csrf" value="{{CSRF}}">
        <div class="mb-2">
          <label class="form-label small" for="plan-file">{{T_rs_load_file}}</label>
          <input class="form-control form-control-sm" type="file" id="plan-file" accept=".csv,.xlsx,text/csv" data-load-into="plan-csv">
        </div>
        <label class="form-label small" for="plan-csv">{{T_rs_plan_text}}</label>
        <textarea class="form-control font-monospace small" id="plan-csv" name="csv" rows="12" spellcheck="false">{{CSV:pre_escape}}</textarea>
        <div class="mt-2 d-flex gap-2">
          <button class="btn btn-primary" type="submit" id="preview-button">{{T_rs_preview}}</button>
        </div>
      </form>
    </div></div>
    <div class="card mt-3"><div class="card-body">
      <h2 class="h6 card-title">{{T_rs_builder}}</h2>
      <form method="post" action="/restructure/build" id="build-form" class="row g-2 small">
        <input type="hidden" name="csrf" value="{{CSRF}}">
        <textarea hidden name="csv" id="build-csv">{{CSV:pre_escape}}</textarea>
        <div class="col-sm-4"><label class="form-label" for="b_op">{{T_rs_col_op}}</label>
          <select class="form-select form-select-sm" id="b_op" name="b_op">{{#OP_OPT}}<option value="{{VALUE}}" {{SELECTED}}>{{LABEL}}</option>{{/OP_OPT}}</select></div>
        <div class="col-sm-4"><label class="form-label" for="b_code">{{T_rs_col_code}}</label><input class="form-control form-control-sm" id="b_code" name="b_code" value="{{V_b_code}}"></div>
        <div class="col-sm-4"><label class="form-label" for="b_target">{{T_rs_col_target}}</label><input class="form-control form-control-sm" id="b_target" name="b_target" value="{{V_b_target}}"></div>
        <div class="col-sm-6"><label class="form-label" for="b_target_name">{{T_rs_col_target_name}}</label><input class="form-control form-control-sm" id="b_target_name" name="b_target_name" value="{{V_b_target_name}}"></div>
        <div class="col-sm-6"><label class="form-label" for="b_target_kind">{{T_rs_col_target_kind}}</label>
          <select class="form-select form-select-sm" id="b_target_kind" name="b_target_kind"><option value=""></option>{{#KIND_OPT}}<option value="{{VALUE}}" {{SELECTED}}>{{LABEL}}</option>{{/KIND_OPT}}</select></div>
        <div class="col-sm-4"><label class="form-label" for="b_target_parent">{{T_rs_col_target_parent}}</label><input class="form-control form-control-sm" id="b_target_parent" name="b_target_parent" value="{{V_b_target_parent}}"></div>
        <div class="col-sm-4"><label class="form-label" for="b_target_unit">{{T_rs_col_target_unit}}</label><input class="form-control form-control-sm" id="b_target_unit" name="b_target_unit" value="{{V_b_target_unit}}"></div>
        <div class="col-sm-2"><label class="form-label" for="b_rule">{{T_rs_col_rule}}</label>
          <select class="form-select form-select-sm" id="b_rule" name="b_rule"><option value=""></option>{{#RULE_OPT}}<option value="{{VALUE}}" {{SELECTED}}>{{VALUE}}</option>{{/RULE_OPT}}</select></div>
        <div class="col-sm-2"><label class="form-label" for="b_share">{{T_rs_col_share}}</label><input class="form-control form-control-sm" id="b_share" name="b_share" value="{{V_b_share}}"></div>
        <div class="col-sm-4"><label class="form-label" for="b_decision_no">{{T_rs_col_decision_no}}</label><input class="form-control form-control-sm" id="b_decision_no" name="b_decision_no" value="{{V_b_decision_no}}"></div>
        <div class="col-sm-4"><label class="form-label" for="b_decision_date">{{T_rs_col_decision_date}}</label><input class="form-control form-control-sm" id="b_decision_date" name="b_decision_date" value="{{V_b_decision_date}}" placeholder="dd/mm/yyyy"></div>
        <div class="col-sm-4"><label class="form-label" for="b_effective_date">{{T_rs_col_effective_date}}</label><input class="form-control form-control-sm" id="b_effective_date" name="b_effective_date" value="{{V_b_effective_date}}" placeholder="dd/mm/yyyy"></div>
        <div class="col-12"><button class="btn btn-sm btn-outline-primary" type="submit" id="build-button">{{T_rs_add_op}}</button></div>
      </form>
    </div></div>
  </section>
  <section class="col-xl-5" aria-labelledby="plans-title">
    <div class="card"><div class="card-body">
      <h2 class="h6 card-title" id="plans-title">{{T_rs_plans}}</h2>
      {{#NO_PLANS}}<p class="text-muted small mb-0">{{T_rs_no_plans}}</p>{{/NO_PLANS}}
      <div class="table-responsive"><table class="table table-sm small mb-0" id="plans-table">
        <thead><tr><th>#</th><th>{{T_rs_plan_name}}</th><th>{{T_rs_effective_col}}</th><th>{{T_rs_status}}</th><th></th></tr></thead>
        <tbody>{{#PLAN}}<tr class="plan-row" data-status="{{STATUS_KEY}}">
          <td>{{ID}}</td>
          <td><a href="/restructure/plans/{{ID:u}}">{{NAME}}</a><div class="text-muted">{{OPS}} {{T_rs_ops}} · {{APPLIED_BY}} · {{APPLIED_AT}}</div></td>
          <td>{{EFFECTIVE}}</td><td>{{STATUS}}</td>
          <td>{{#CAN_UNDO}}<form method="post" action="/restructure/undo" class="d-inline undo-form"><input type="hidden" name="csrf" value="{{CSRF}}"><input type="hidden" name="plan_id" value="{{ID}}"><button class="btn btn-sm btn-outline-danger" type="submit" id="undo-button">{{T_rs_undo}}</button></form>{{/CAN_UNDO}}</td>
        </tr>{{/PLAN}}</tbody>
      </table></div>
    </div></div>
  </section>
</div>
<script src="/static/restructure.js" defer></script>
