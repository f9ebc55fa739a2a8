{{%AUTOESCAPE context="HTML"}}<nav aria-label="breadcrumb"><ol class="breadcrumb">
  <li class="breadcrumb-item"><a href="/campaign?org={{ORG_CODE:u}}">{{T_cmp_title}}</a></li>
  <li class="breadcrumb-item active" aria-current="page">{{T_cmp_findings_title}}</li>
</ol></nav>
<div class="d-flex flex-wrap align-items-end justify-content-between gap-2 mb-3">
  <div>
    <h1 class="h3 mb-1">{{T_cmp_findings_title}}</h1>
    <div class="text-muted small">{{ORG_NAME}} ({{ORG_CODE}})</div>
  </div>
  {{#CAN_EXPORT}}<a class="btn btn-sm btn-outline-secondary" href="/campaign/findings.xlsx?org={{ORG_CODE:u}}" id="link-xlsx" download>{{T_cmp_xlsx}}</a>{{/CAN_EXPORT}}
</div>
<form class="row g-2 align-items-end mb-2" method="get" action="/campaign/findings" id="findings-filters">
  <input type="hidden" name="org" value="{{ORG_CODE}}">
  {{#IMPORT}}<input type="hidden" name="import" value="{{ID}}">{{/IMPORT}}
  <input type="hidden" name="code" value="{{CODE}}">
  <div class="col-6 col-md-3"><label class="form-label small" for="f-status">{{T_cmp_status}}</label>
    <select class="form-select form-select-sm" id="f-status" name="status" data-autosubmit>{{#STATUS_OPT}}<option value="{{VALUE}}" {{SELECTED}}>{{LABEL}}</option>{{/STATUS_OPT}}</select></div>
  <div class="col-6 col-md-3"><label class="form-label small" for="f-severity">{{T_cmp_severity}}</label>
    <select class="form-select form-select-sm" id="f-severity" name="severity" data-autosubmit><option value="">{{T_cmp_all}}</option>{{#SEVERITY_OPT}}<option value="{{VALUE}}" {{SELECTED}}>{{LABEL}}</option>{{/SEVERITY_OPT}}</select></div>
  <div class="col-12 col-md-2"><button class="btn btn-sm btn-primary w-100" type="submit">{{T_search}}</button></div>
</form>
<div class="mb-2">{{#CHIP}}<a class="badge rounded-pill text-bg-light text-decoration-none me-1 filter-chip" href="{{URL}}" aria-label="{{T_cmp_remove_filter}} {{LABEL}}">{{LABEL}} ✕</a>{{/CHIP}}</div>
{{#NONE}}<p class="text-muted" id="findings-empty">{{T_cmp_no_findings}}</p>{{/NONE}}
<div class="table-responsive"><table class="table table-sm small align-middle table-stack" id="findings-table">
  <thead><tr><th scope="col">{{T_cmp_member}}</th><th scope="col">{{T_cmp_field}}</th><th scope="col">{{T_cmp_severity}}</th><th scope="col">{{T_cmp_message}}</th><th scope="col">{{T_cmp_original}}</th><th scope="col">{{T_cmp_current}}</th><th scope="col">{{T_cmp_suggested}}</th></tr></thead>
  <tbody>{{#FINDING}}<tr class="finding-row" data-id="{{ID}}" data-code="{{CODE}}" data-status="{{STATUS_KEY}}">
    <td data-label="{{T_cmp_member}}"><a href="/members/{{MEMBER_ID:u}}">{{MEMBER}}</a><div class="text-muted">{{ORG}}</div></td>
    <td data-label="{{T_cmp_field}}">{{FIELD}}</td>
    <td data-label="{{T_cmp_severity}}"><span class="badge {{SEVERITY_CLASS}}">{{SEVERITY}}</span>{{#FIXED}}<div class="text-muted">{{T_cmp_fixed_by}} {{BY}} · {{AT}}</div>{{/FIXED}}</td>
    <td data-label="{{T_cmp_message}}">{{MESSAGE}}<div class="text-muted">{{CODE_LABEL}}</div></td>
    <td data-label="{{T_cmp_original}}">{{ORIGINAL}}</td>
    <td data-label="{{T_cmp_current}}">{{CURRENT}}</td>
    <td data-label="{{T_cmp_suggested}}">{{SUGGESTED}}</td>
  </tr>{{/FINDING}}</tbody>
</table></div>
<nav class="d-flex gap-2" aria-label="{{T_cmp_findings_title}}">{{#FIRST}}<a class="btn btn-outline-secondary btn-sm" href="{{URL}}">{{T_cmp_first}}</a>{{/FIRST}}{{#NEXT}}<a class="btn btn-outline-secondary btn-sm" href="{{URL}}" id="findings-next">{{T_cmp_next}}</a>{{/NEXT}}</nav>
