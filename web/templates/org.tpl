{{%AUTOESCAPE context="HTML"}}<nav aria-label="breadcrumb"><ol class="breadcrumb" id="breadcrumb">
{{#CRUMB}}<li class="breadcrumb-item"><a href="/orgs/{{CODE:u}}?as_of={{AS_OF:u}}">{{NAME}}</a></li>{{/CRUMB}}
{{#CRUMB_LAST}}<li class="breadcrumb-item active" aria-current="page">{{NAME}}</li>{{/CRUMB_LAST}}
</ol></nav>
<div class="d-flex flex-wrap align-items-end justify-content-between gap-2 mb-3">
  <div>
    <h1 class="h3 mb-1" id="org-name">{{NAME}}</h1>
    <div class="text-muted small">{{KIND}} · {{T_org_code}} {{CODE}} · {{T_valid_from}} {{VALID_FROM}}{{#VALID_TO}} · <span id="valid-to">{{T_rs_valid_to}} {{DATE}}</span>{{/VALID_TO}}</div>
  </div>
  <form class="d-flex align-items-center gap-2 as-of-form" method="get" action="/orgs/{{CODE:u}}">
    {{#CAN_RESTRUCTURE}}<a class="btn btn-sm btn-outline-secondary" href="/restructure" id="link-restructure">{{T_rs_nav}}</a>{{/CAN_RESTRUCTURE}}
    <label for="as_of" class="form-label mb-0 small">{{T_as_of}}</label>
    <input type="date" class="form-control form-control-sm" id="as_of" name="as_of" value="{{AS_OF}}" data-autosubmit>
  </form>
</div>
{{#PAST}}<div class="alert alert-info py-2" role="status" id="past-notice">{{T_as_of_past}} {{AS_OF_DISPLAY}}</div>{{/PAST}}
{{#LINEAGE}}<section class="card mb-3 lineage" id="lineage" aria-labelledby="lineage-title"><div class="card-body py-2">
  <h2 class="h6 card-title" id="lineage-title">{{T_rs_lineage_title}}</h2>
  {{#FORMED_FROM}}<div class="small fw-semibold">{{T_rs_lineage_formed_from}} <span class="badge text-bg-light">{{COUNT}}</span></div>
  <ul class="small mb-2" id="formed-from">{{#PRED}}<li>{{#ORG}}<a href="/orgs/{{CODE:u}}?as_of={{AS_OF:u}}" class="lineage-link">{{NAME}}</a> <span class="text-muted">({{CODE}})</span>{{/ORG}}{{#DISSOLVED}}{{T_rs_lineage_none}}{{/DISSOLVED}} · {{OP}} · <span class="text-muted">{{T_rs_decision}} {{DECISION}} ({{DECISION_DATE}}), {{T_rs_effective}} {{EFFECTIVE}}</span></li>{{/PRED}}</ul>{{/FORMED_FROM}}
  {{#BECAME}}<div class="small fw-semibold">{{T_rs_lineage_became}} <span class="badge text-bg-light">{{COUNT}}</span></div>
  <ul class="small mb-0" id="became">{{#SUCC}}<li>{{#ORG}}<a href="/orgs/{{CODE:u}}?as_of={{AS_OF:u}}" class="lineage-link">{{NAME}}</a> <span class="text-muted">({{CODE}})</span>{{/ORG}}{{#DISSOLVED}}{{T_rs_lineage_dissolved}}{{/DISSOLVED}} · {{OP}} · <span class="text-muted">{{T_rs_decision}} {{DECISION}} ({{DECISION_DATE}}), {{T_rs_effective}} {{EFFECTIVE}}</span></li>{{/SUCC}}</ul>{{/BECAME}}
</div></section>{{/LINEAGE}}
<div class="row g-3">
  <section class="col-lg-4" aria-labelledby="tree-title">
    <div class="card h-100"><div class="card-body">
      <h2 class="h6 card-title" id="tree-title">{{T_org_children}} <span class="badge text-bg-light">{{CHILD_COUNT}}</span></h2>
      {{#NO_CHILDREN}}<p class="text-muted small mb-0">{{T_org_no_children}}</p>{{/NO_CHILDREN}}
      <ul class="org-tree list-unstyled mb-0" id="org-tree">
      {{#CHILD}}<li class="org-node">
        <div class="d-flex align-items-center gap-1">
          {{#HAS_CHILDREN}}<button type="button" class="btn btn-sm btn-link p-0 tree-toggle" aria-label="{{T_expand}}" hx-get="/orgs/{{CODE:u}}/children?as_of={{AS_OF:u}}" hx-target="next .org-sub" hx-swap="innerHTML" data-toggle-tree>+</button>{{/HAS_CHILDREN}}
          <a href="/orgs/{{CODE:u}}?as_of={{AS_OF:u}}" class="org-link">{{NAME}}</a>
          <span class="badge rounded-pill text-bg-secondary ms-auto member-count" title="{{T_member_count}}">{{COUNT}}</span>
        </div>
        <ul class="org-sub list-unstyled ms-3"></ul>
      </li>{{/CHILD}}
      </ul>
    </div></div>
  </section>
  <section class="col-lg-8" aria-labelledby="members-title">
    <div class="card"><div class="card-body">
      <h2 class="h6 card-title" id="members-title">{{T_org_members}}</h2>
      <div id="members">{{>MEMBERS_TABLE}}</div>
    </div></div>
  </section>
</div>
