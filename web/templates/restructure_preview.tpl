{{%AUTOESCAPE context="HTML"}}<nav aria-label="breadcrumb"><ol class="breadcrumb"><li class="breadcrumb-item"><a href="/restructure">{{T_rs_title}}</a></li><li class="breadcrumb-item active" aria-current="page">{{T_rs_preview_title}}</li></ol></nav>
<h1 class="h3 mb-1">{{T_rs_preview_title}}</h1>
<div class="text-muted small mb-3">{{PLAN_NAME}} · {{OPS}} {{T_rs_ops}} · {{T_rs_effective}} {{EFFECTIVE}}</div>
{{#ERROR}}<div class="alert alert-danger" role="alert">{{TEXT}}</div>{{/ERROR}}
<div class="row g-2 mb-3 text-center" id="rs-summary">
  <div class="col-6 col-md-3"><div class="card"><div class="card-body py-2"><div class="fs-4" id="sum-new">{{ORGS_NEW}}</div><div class="small text-muted">{{T_rs_sum_new}}</div></div></div></div>
  <div class="col-6 col-md-3"><div class="card"><div class="card-body py-2"><div class="fs-4" id="sum-closed">{{ORGS_CLOSED}}</div><div class="small text-muted">{{T_rs_sum_closed}}</div></div></div></div>
  <div class="col-6 col-md-3"><div class="card"><div class="card-body py-2"><div class="fs-4" id="sum-versioned">{{ORGS_VERSIONED}}</div><div class="small text-muted">{{T_rs_sum_versioned}}</div></div></div></div>
  <div class="col-6 col-md-3"><div class="card"><div class="card-body py-2"><div class="fs-4" id="sum-members">{{MEMBERS_MOVED}}</div><div class="small text-muted">{{T_rs_sum_members}}</div></div></div></div>
</div>
<section class="card mb-3" aria-labelledby="problems-title"><div class="card-body">
  <h2 class="h6 card-title" id="problems-title">{{T_rs_problems}}</h2>
  {{#NO_PROBLEMS}}<p class="text-success mb-0" id="no-problems">{{T_rs_no_problems}}</p>{{/NO_PROBLEMS}}
  <ul class="list-unstyled mb-0" id="problems">
  {{#PROBLEM}}<li class="text-danger problem" data-code="{{CODE}}">✗ {{#LINE}}<span class="badge text-bg-danger">{{T_rs_line}} {{LINE}}</span>{{/LINE}} {{MESSAGE}}</li>{{/PROBLEM}}
  {{#WARNING}}<li class="text-warning-emphasis warning" data-code="{{CODE}}">! {{#LINE}}<span class="badge text-bg-warning">{{T_rs_line}} {{LINE}}</span>{{/LINE}} {{MESSAGE}}</li>{{/WARNING}}
  </ul>
</div></section>
<form method="post" action="/restructure/apply" class="mb-3" id="apply-form">
  <input type="hidden" name="csrf" value="{{CSRF}}">
  <textarea hidden name="csv">{{CSV:pre_escape}}</textarea>
  {{#CAN_APPLY}}<button class="btn btn-danger" type="submit" id="apply-button">{{T_rs_apply}}</button> <span class="small text-muted">{{T_rs_apply_note}}</span>{{/CAN_APPLY}}
  {{#BLOCKED}}<div class="alert alert-warning py-2 mb-0" id="apply-blocked">{{T_rs_blocked}} ({{BLOCKING}})</div>{{/BLOCKED}}
</form>
<form method="post" action="/restructure/build" class="mb-3"><input type="hidden" name="csrf" value="{{CSRF}}"><textarea hidden name="csv">{{CSV:pre_escape}}</textarea><button class="btn btn-sm btn-outline-secondary" type="submit" id="edit-plan">{{T_rs_edit_plan}}</button></form>
<div class="row g-3">
  <section class="col-lg-6" aria-labelledby="before-title"><div class="card h-100"><div class="card-body">
    <h2 class="h6 card-title" id="before-title">{{T_rs_before}}</h2>
    <div id="tree-before">{{#BEFORE}}<div class="small fw-semibold mt-2">{{PARENT}} <span class="text-muted">{{PARENT_CODE}}</span></div>
    <div class="table-responsive"><table class="table table-sm small mb-1"><tbody>{{#ROW}}<tr class="before-row"><td>{{CODE}}</td><td>{{NAME}}<div class="text-muted">{{KIND}}</div></td><td class="text-end">{{MEMBERS}}</td><td>{{CHANGE}}</td><td>→ {{REL}}</td></tr>{{/ROW}}</tbody></table></div>{{/BEFORE}}</div>
  </div></div></section>
  <section class="col-lg-6" aria-labelledby="after-title"><div class="card h-100"><div class="card-body">
    <h2 class="h6 card-title" id="after-title">{{T_rs_after}}</h2>
    <div id="tree-after">{{#AFTER}}<div class="small fw-semibold mt-2">{{PARENT}} <span class="text-muted">{{PARENT_CODE}}</span></div>
    <div class="table-responsive"><table class="table table-sm small mb-1"><tbody>{{#ROW}}<tr class="after-row"><td>{{CODE}}</td><td>{{NAME}}<div class="text-muted">{{KIND}}</div></td><td class="text-end">{{MEMBERS}}</td><td>{{CHANGE}}</td><td>← {{REL}}</td></tr>{{/ROW}}</tbody></table></div>{{/AFTER}}</div>
  </div></div></section>
</div>
<section class="card mt-3" aria-labelledby="moves-title"><div class="card-body">
  <h2 class="h6 card-title" id="moves-title">{{T_rs_moves}} <span class="badge text-bg-light">{{MOVE_ROWS}}</span></h2>
  <div class="table-responsive"><table class="table table-sm small" id="moves"><thead><tr><th>{{T_rs_from}}</th><th>{{T_rs_to}}</th><th class="text-end">{{T_member_count}}</th></tr></thead>
  <tbody>{{#MOVE}}<tr><td>{{FROM}} <span class="text-muted">{{FROM_CODE}}</span></td><td>{{TO}} <span class="text-muted">{{TO_CODE}}</span></td><td class="text-end">{{COUNT}}</td></tr>{{/MOVE}}</tbody></table></div>
  <h3 class="h6 mt-2">{{T_rs_member_sample}}</h3>
  <div class="table-responsive"><table class="table table-sm small mb-0" id="member-sample"><tbody>{{#SAMPLE}}<tr><td><a href="/members/{{ID:u}}">{{NAME}}</a></td><td>{{FROM}}</td><td>→ {{TO}}</td></tr>{{/SAMPLE}}</tbody></table></div>
</div></section>
