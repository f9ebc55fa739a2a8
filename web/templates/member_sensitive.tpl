{{%AUTOESCAPE context="HTML"}}<nav aria-label="breadcrumb"><ol class="breadcrumb"><li class="breadcrumb-item"><a href="/orgs/{{ORG_CODE:u}}">{{ORG_NAME}}</a></li><li class="breadcrumb-item"><a href="/members/{{ID:u}}">{{NAME}}</a></li><li class="breadcrumb-item active" aria-current="page">{{T_sensitive_edit_title}}</li></ol></nav>
<h1 class="h3 mb-1">{{T_sensitive_edit_title}}: {{NAME}}</h1>
<p class="small text-muted">{{T_sensitive_hint}}</p>
{{#HAS_ERRORS}}<div class="alert alert-danger" role="alert" id="form-errors">{{T_form_has_errors}}</div>{{/HAS_ERRORS}}
<form method="post" action="/members/{{ID:u}}/sensitive" class="card" id="sensitive-form" novalidate><div class="card-body">
  <input type="hidden" name="csrf" value="{{CSRF}}">
  {{#SENS_FIELD}}<div class="mb-3">
    <label class="form-label" for="s-{{KIND}}">{{LABEL}}</label>
    <textarea class="form-control" id="s-{{KIND}}" name="{{KIND}}" rows="4">{{TEXT}}</textarea>
    {{#ERROR}}<div class="invalid-feedback d-block">{{MESSAGE}}</div>{{/ERROR}}
  </div>{{/SENS_FIELD}}
  <div class="d-flex gap-2">
    <button type="submit" class="btn btn-primary" id="save-sensitive">{{T_save}}</button>
    <a class="btn btn-outline-secondary" href="/members/{{ID:u}}">{{T_cancel}}</a>
  </div>
</div></form>
