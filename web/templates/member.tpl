{{%AUTOESCAPE context="HTML"}}<nav aria-label="breadcrumb"><ol class="breadcrumb"><li class="breadcrumb-item"><a href="/orgs/{{ORG_CODE:u}}">{{ORG_NAME}}</a></li><li class="breadcrumb-item active" aria-current="page">{{NAME}}</li></ol></nav>
<div class="d-flex flex-wrap align-items-center justify-content-between gap-2 mb-3">
  <h1 class="h3 mb-0" id="member-name">{{NAME}} <span class="status status-{{STATUS_KEY}} fs-6 align-middle">{{STATUS}}</span></h1>
  {{#CAN_EDIT}}<a class="btn btn-primary" href="/members/{{ID:u}}/edit" id="edit-member">{{T_edit}}</a>{{/CAN_EDIT}}
</div>
<div class="row g-3">
  <section class="col-lg-7" aria-labelledby="record-title"><div class="card"><div class="card-body">
    <h2 class="h6 card-title" id="record-title">{{T_member_record}}</h2>
    <dl class="row mb-0 member-record" id="member-record">
    {{#FIELD}}<dt class="col-sm-5 small text-muted">{{LABEL}}</dt><dd class="col-sm-7" data-field="{{FIELD}}">{{SHOWN}}</dd>{{/FIELD}}
    </dl>
  </div></div>
  {{#SENSITIVE}}<div class="card mt-3 sensitive-card" id="sensitive"><div class="card-body">
    <div class="d-flex justify-content-between align-items-center gap-2"><h2 class="h6 card-title mb-0">{{T_sensitive_title}}</h2>
    {{#SENS_CAN_EDIT}}<a class="btn btn-sm btn-outline-primary" href="/members/{{ID:u}}/sensitive" id="edit-sensitive">{{T_sensitive_edit}}</a>{{/SENS_CAN_EDIT}}</div>
    <p class="small text-muted mt-1">{{T_sensitive_hint}}</p>
    {{#SENS_NONE}}<p class="small text-muted mb-0" id="sensitive-none">{{T_sensitive_none}}</p>{{/SENS_NONE}}
    <dl class="mb-0 small">{{#SENS_FIELD}}<dt>{{LABEL}}</dt><dd class="sensitive-text" data-kind="{{KIND}}">{{TEXT}}</dd>{{/SENS_FIELD}}</dl>
  </div></div>{{/SENSITIVE}}
  </section>
  <div class="col-lg-5">
    <section class="card mb-3" aria-labelledby="history-title"><div class="card-body">
      <h2 class="h6 card-title" id="history-title">{{T_membership_history}}</h2>
      <ul class="list-unstyled small mb-0" id="membership-history">
      {{#HISTORY}}<li class="mb-2"><a href="/orgs/{{ORG_CODE:u}}">{{ORG_NAME}}</a><br><span class="text-muted">{{FROM}} – {{TO}} · {{REASON}}</span></li>{{/HISTORY}}
      </ul>
    </div></section>
    <section class="card" aria-labelledby="audit-title"><div class="card-body">
      <h2 class="h6 card-title" id="audit-title">{{T_audit_trail}}</h2>
      {{#NO_AUDIT}}<p class="small text-muted mb-0">{{T_no_audit}}</p>{{/NO_AUDIT}}
      <ol class="list-unstyled small mb-0 audit-trail" id="audit-trail">
      {{#AUDIT}}<li class="mb-2 audit-entry"><span class="text-muted">#{{SEQ}} · {{AT}} · {{ACTOR}}</span><br><strong>{{ACTION}}</strong> {{DETAIL}}</li>{{/AUDIT}}
      </ol>
    </div></section>
  </div>
</div>
