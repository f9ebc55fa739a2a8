{{%AUTOESCAPE context="HTML"}}<form class="row g-2 align-items-end member-filters" method="get" action="/orgs/{{ORG_CODE:u}}" hx-get="/orgs/{{ORG_CODE:u}}" hx-target="#members" hx-push-url="true" hx-trigger="submit, change from:select, input changed delay:400ms from:#member-q">
  <div class="col-12 col-md-5">
    <label class="form-label small mb-1" for="member-q">{{T_search_name}}</label>
    <input type="search" class="form-control" id="member-q" name="q" value="{{Q}}" placeholder="{{T_search_placeholder}}">
  </div>
  <div class="col-6 col-md-3">
    <label class="form-label small mb-1" for="f-status">{{T_filter_status}}</label>
    <select class="form-select" id="f-status" name="status">
      <option value="">{{T_status_active}}</option>
      {{#STATUS_OPT}}<option value="{{VALUE}}" {{SELECTED}}>{{LABEL}}</option>{{/STATUS_OPT}}
      <option value="all" {{STATUS_ALL_SELECTED}}>{{T_status_all}}</option>
    </select>
  </div>
  <div class="col-3 col-md-2">
    <label class="form-label small mb-1" for="f-gender">{{T_filter_gender}}</label>
    <select class="form-select" id="f-gender" name="gender"><option value="">{{T_any}}</option>{{#GENDER_OPT}}<option value="{{VALUE}}" {{SELECTED}}>{{LABEL}}</option>{{/GENDER_OPT}}</select>
  </div>
  <div class="col-3 col-md-2">
    <label class="form-label small mb-1" for="f-age">{{T_filter_age}}</label>
    <select class="form-select" id="f-age" name="age"><option value="">{{T_any}}</option>{{#AGE_OPT}}<option value="{{VALUE}}" {{SELECTED}}>{{LABEL}}</option>{{/AGE_OPT}}</select>
  </div>
  <noscript><div class="col-12"><button class="btn btn-primary" type="submit">{{T_search}}</button></div></noscript>
</form>
<div class="d-flex flex-wrap align-items-center gap-2 my-2 chips" id="filter-chips">
  <span class="small text-muted" id="member-total">{{TOTAL}} {{T_members_found}}</span>
  {{#CAN_EXPORT}}<a class="btn btn-sm btn-outline-secondary ms-auto" href="{{EXPORT_URL}}" id="export-csv" download>{{T_export_csv}}</a>{{/CAN_EXPORT}}
  {{#CHIP}}<a class="badge rounded-pill text-bg-light chip" href="{{REMOVE_URL}}" hx-get="{{REMOVE_URL}}" hx-target="#members" hx-push-url="true" title="{{T_remove_filter}}">{{LABEL}} ×</a>{{/CHIP}}
</div>
<div class="table-responsive">
<table class="table table-sm table-hover align-middle members-table" id="members-table">
  <thead><tr><th scope="col">{{T_col_name}}</th><th scope="col">{{T_col_gender}}</th><th scope="col">{{T_col_birth}}</th><th scope="col">{{T_col_admitted}}</th><th scope="col">{{T_col_status}}</th><th scope="col" class="d-none d-md-table-cell">{{T_col_org}}</th></tr></thead>
  <tbody>
  {{#MEMBER}}<tr><td><a href="/members/{{ID:u}}" class="member-link">{{NAME}}</a></td><td>{{GENDER}}</td><td>{{BIRTH}}</td><td>{{ADMITTED}}</td><td><span class="status status-{{STATUS_KEY}}">{{STATUS}}</span></td><td class="d-none d-md-table-cell small">{{ORG}}</td></tr>{{/MEMBER}}
  {{#NO_MEMBERS}}<tr><td colspan="6" class="text-muted">{{T_no_members}}</td></tr>{{/NO_MEMBERS}}
  </tbody>
</table>
</div>
<nav class="d-flex gap-2" aria-label="{{T_paging}}">
  {{#FIRST}}<a class="btn btn-sm btn-outline-secondary" href="{{URL}}" hx-get="{{URL}}" hx-target="#members" hx-push-url="true" id="page-first">{{T_page_first}}</a>{{/FIRST}}
  {{#NEXT}}<a class="btn btn-sm btn-outline-primary" href="{{URL}}" hx-get="{{URL}}" hx-target="#members" hx-push-url="true" id="page-next">{{T_page_next}}</a>{{/NEXT}}
</nav>
