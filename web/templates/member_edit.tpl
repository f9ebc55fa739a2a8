{{%AUTOESCAPE context="HTML"}}<nav aria-label="breadcrumb"><ol class="breadcrumb"><li class="breadcrumb-item"><a href="/orgs/{{ORG_CODE:u}}">{{ORG_NAME}}</a></li><li class="breadcrumb-item"><a href="/members/{{ID:u}}">{{NAME}}</a></li><li class="breadcrumb-item active" aria-current="page">{{T_edit}}</li></ol></nav>
<h1 class="h3 mb-3">{{T_edit_title}}: {{NAME}}</h1>
{{#HAS_ERRORS}}<div class="alert alert-danger" role="alert" id="form-errors">{{T_form_has_errors}}</div>{{/HAS_ERRORS}}
<form method="post" action="/members/{{ID:u}}/edit" class="card member-form" id="member-form" novalidate><div class="card-body">
  <input type="hidden" name="csrf" value="{{CSRF}}">
  <input type="hidden" name="version" value="{{VERSION}}">
  <div class="row g-3">
  {{#FIELD}}<div class="col-sm-6 col-lg-4">
    <label class="form-label small" for="f-{{FIELD}}">{{LABEL}}</label>
    {{#INPUT}}<input class="form-control {{INVALID}}" id="f-{{FIELD}}" name="{{FIELD}}" value="{{VALUE}}" placeholder="{{PLACEHOLDER}}" aria-describedby="e-{{FIELD}}">{{/INPUT}}
    {{#SELECT}}<select class="form-select {{INVALID}}" id="f-{{FIELD}}" name="{{FIELD}}" aria-describedby="e-{{FIELD}}">{{#OPT}}<option value="{{VALUE}}" {{SELECTED}}>{{LABEL}}</option>{{/OPT}}</select>{{/SELECT}}
    {{#ERROR}}<div class="invalid-feedback d-block" id="e-{{FIELD}}">{{MESSAGE}}</div>{{/ERROR}}
  </div>{{/FIELD}}
  </div>
  <div class="mt-4 d-flex gap-2">
    <button type="submit" class="btn btn-primary" id="save-member">{{T_save}}</button>
    <a class="btn btn-outline-secondary" href="/members/{{ID:u}}">{{T_cancel}}</a>
  </div>
</div></form>
