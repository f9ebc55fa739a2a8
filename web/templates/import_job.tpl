{{%AUTOESCAPE context="HTML"}}<nav aria-label="breadcrumb"><ol class="breadcrumb">
  <li class="breadcrumb-item"><a href="/imports">{{T_imp_title}}</a></li>
  <li class="breadcrumb-item active" aria-current="page">{{T_imp_job_title}} {{ID}}</li>
</ol></nav>
<div class="d-flex flex-wrap align-items-start justify-content-between gap-2 mb-3">
  <div>
    <h1 class="h3 mb-1 text-break" id="job-title">{{FILE}}</h1>
    <div class="text-muted small">{{KIND}} · <a href="/orgs/{{ORG_CODE:u}}">{{ORG_NAME}}</a> ({{ORG_CODE}}) · {{T_imp_col_by}} {{BY}} · {{AT}}</div>
  </div>
  <div><span class="badge fs-6 {{STATUS_CLASS}}" id="job-status" data-status="{{STATUS_KEY}}">{{STATUS}}</span>{{#DRY}} <span class="badge fs-6 text-bg-light" id="job-dry">{{T_imp_dry}}</span>{{/DRY}}</div>
</div>

{{#UPLOADED}}
{{#PREVIEW_ERROR}}<div class="alert alert-danger" role="alert" id="preview-error">{{TEXT}}</div>{{/PREVIEW_ERROR}}
{{#MAPPING}}<section class="card mb-3" aria-labelledby="mapping-title"><div class="card-body">
  <h2 class="h5 card-title" id="mapping-title">{{T_imp_mapping}}</h2>
  <p class="small text-muted mb-2">{{T_imp_mapping_help}} {{T_imp_header_line}} {{HEADER_LINE}} · {{T_imp_rows_estimate}} {{ROWS_ESTIMATE}}.</p>
  {{#SAVED}}<div class="alert alert-info py-2 small" role="status" id="mapping-saved">{{T_imp_mapping_saved}}</div>{{/SAVED}}
  <form method="post" action="/imports/{{ID:u}}/start" id="mapping-form">
    <input type="hidden" name="csrf" value="{{CSRF}}">
    <div class="table-responsive"><table class="table table-sm align-middle small mapping-table table-stack" id="mapping-table">
      <thead><tr><th scope="col">{{T_imp_col_column}}</th><th scope="col">{{T_imp_col_field}}</th><th scope="col">{{T_imp_col_sample}}</th></tr></thead>
      <tbody>{{#COL}}<tr class="mapping-row {{MAPPED}}" data-col="{{I}}">
        <th scope="row" data-label="{{T_imp_col_column}}"><label for="col_{{I}}" class="fw-semibold">{{HEADER}}</label></th>
        <td data-label="{{T_imp_col_field}}"><select class="form-select form-select-sm" id="col_{{I}}" name="col_{{I}}">{{#OPT}}<option value="{{VALUE}}" {{SELECTED}}>{{LABEL}}</option>{{/OPT}}</select></td>
        <td data-label="{{T_imp_col_sample}}" class="text-muted text-break">{{SAMPLE}}</td>
      </tr>{{/COL}}</tbody>
    </table></div>
    <div class="form-check"><input class="form-check-input" type="checkbox" id="save-mapping" name="save_mapping" value="1" checked>
      <label class="form-check-label small" for="save-mapping">{{T_imp_save_mapping}}</label></div>
    <div class="form-check mb-2"><input class="form-check-input" type="checkbox" id="dry-run" name="dry_run" value="1" {{DRY_CHECKED}}>
      <label class="form-check-label small" for="dry-run">{{T_imp_dry_run}}</label></div>
    {{#CAN_START}}<div class="form-actions"><button class="btn btn-primary" type="submit" id="start-import">{{T_imp_start}}</button>
      <a class="btn btn-outline-secondary" href="/imports">{{T_imp_back}}</a></div>{{/CAN_START}}
  </form>
</div></section>{{/MAPPING}}
{{#FIX_SHEET}}<section class="card mb-3" aria-labelledby="fix-title"><div class="card-body">
  <h2 class="h5 card-title" id="fix-title">{{T_imp_fix_sheet}}</h2>
  <p class="small text-muted">{{T_imp_fix_sheet_help}}</p>
  {{#CAN_START}}<form method="post" action="/imports/{{ID:u}}/start" id="mapping-form"><input type="hidden" name="csrf" value="{{CSRF}}">
    <div class="form-check mb-2"><input class="form-check-input" type="checkbox" id="dry-run" name="dry_run" value="1" {{DRY_CHECKED}}>
      <label class="form-check-label small" for="dry-run">{{T_imp_dry_run}}</label></div>
    <button class="btn btn-primary" type="submit" id="start-import">{{T_imp_apply_fixes}}</button></form>{{/CAN_START}}
</div></section>{{/FIX_SHEET}}
{{/UPLOADED}}

{{#RUNNING}}<section class="card mb-3" aria-labelledby="progress-title"><div class="card-body" id="import-progress"
    data-events="/api/v1/imports/{{ID:u}}/events" data-total="{{TOTAL}}" data-read="{{READ}}" data-percent="{{PERCENT}}">
  <h2 class="h5 card-title" id="progress-title">{{T_imp_progress}}</h2>
  <div class="progress mb-2 import-bar" role="progressbar" aria-label="{{T_imp_progress}}" aria-valuemin="0" aria-valuemax="100" aria-valuenow="{{PERCENT}}" id="progress-bar">
    <div class="progress-bar progress-bar-striped progress-bar-animated"></div>
  </div>
  <p class="mb-2" aria-live="polite"><span id="progress-read">{{READ_TEXT}}</span> / <span id="progress-total">{{TOTAL_TEXT}}</span> {{T_imp_rows}} · <span id="progress-percent">{{PERCENT}}</span> %</p>
  <dl class="row small mb-2 progress-counts">
    <dt class="col-6 col-md-3">{{T_imp_created}}</dt><dd class="col-6 col-md-3" id="progress-created">{{CREATED}}</dd>
    <dt class="col-6 col-md-3">{{T_imp_updated}}</dt><dd class="col-6 col-md-3" id="progress-updated">{{UPDATED}}</dd>
    <dt class="col-6 col-md-3">{{T_imp_unchanged}}</dt><dd class="col-6 col-md-3" id="progress-unchanged">{{UNCHANGED}}</dd>
    <dt class="col-6 col-md-3">{{T_imp_rejected}}</dt><dd class="col-6 col-md-3" id="progress-rejected">{{REJECTED}}</dd>
  </dl>
  <p class="small text-muted mb-0">{{T_imp_leave_help}}</p>
  <noscript><meta http-equiv="refresh" content="3"><p class="small mt-2 mb-0">{{T_imp_noscript_refresh}} <a href="/imports/{{ID:u}}" id="progress-reload">{{T_imp_reload}}</a></p></noscript>
  <div id="progress-error" class="mt-2" aria-live="assertive"></div>
</div></section>{{/RUNNING}}

{{#RESULT}}
{{#STOPPED}}<div class="alert alert-warning d-flex flex-wrap align-items-center justify-content-between gap-2" role="alert" id="job-stopped">
  <div>{{MESSAGE}}</div>
  {{#CAN_RESUME}}<form method="post" action="/imports/{{ID:u}}/resume" class="m-0"><input type="hidden" name="csrf" value="{{CSRF}}"><button class="btn btn-sm btn-primary" type="submit" id="resume-import">{{T_imp_resume}}</button></form>{{/CAN_RESUME}}
</div>{{/STOPPED}}
<div class="stat-cards" id="result-counts">
  <div class="stat-card"><div class="stat-value" id="count-read">{{READ}}</div><div class="stat-label">{{T_imp_read}}</div></div>
  {{#ROSTER}}<div class="stat-card"><div class="stat-value" id="count-created">{{CREATED}}</div><div class="stat-label">{{T_imp_created}}</div></div>
  <div class="stat-card"><div class="stat-value" id="count-updated">{{UPDATED}}</div><div class="stat-label">{{T_imp_updated}}</div></div>
  <div class="stat-card"><div class="stat-value" id="count-unchanged">{{UNCHANGED}}</div><div class="stat-label">{{T_imp_unchanged}}</div></div>{{/ROSTER}}
  {{#MOVED}}<div class="stat-card"><div class="stat-value" id="count-moved">{{MOVED}}</div><div class="stat-label">{{T_imp_moved}}</div></div>{{/MOVED}}
  {{#FIXES}}<div class="stat-card"><div class="stat-value" id="count-updated">{{UPDATED}}</div><div class="stat-label">{{T_imp_fixed}}</div></div>
  <div class="stat-card"><div class="stat-value" id="count-unchanged">{{UNCHANGED}}</div><div class="stat-label">{{T_imp_not_filled}}</div></div>{{/FIXES}}
  <div class="stat-card"><div class="stat-value" id="count-rejected">{{REJECTED}}</div><div class="stat-label">{{T_imp_rejected}}</div></div>
  {{#ROSTER}}<div class="stat-card"><div class="stat-value" id="count-open">{{OPEN}}</div><div class="stat-label">{{T_imp_findings_open}}</div></div>{{/ROSTER}}
</div>
<p class="mb-2" id="import-accounting">{{#ACCOUNTING_OK}}<span class="badge text-bg-success me-1">✓</span>{{/ACCOUNTING_OK}}{{T_imp_accounting_read}} <strong>{{READ}}</strong> = {{T_imp_accounting_stored}} <strong>{{STORED}}</strong> + {{T_imp_accounting_rejected}} <strong>{{REJECTED}}</strong>
  <span class="text-muted small">· {{BATCHES}} {{T_imp_batches}} · {{STARTED}} → {{FINISHED}} · {{SOURCE}}</span></p>
{{#FIXES}}<div class="d-flex flex-wrap gap-2 mb-3"><a class="btn btn-sm btn-outline-primary" href="/campaign?org={{ORG_CODE:u}}" id="link-campaign">{{T_cmp_nav}}</a>
  <a class="btn btn-sm btn-outline-secondary" href="/campaign/findings?org={{ORG_CODE:u}}&amp;status=fixed" id="link-fixed">{{T_cmp_status_fixed}}</a></div>{{/FIXES}}
{{#ROSTER}}<div class="mb-3"></div>{{/ROSTER}}
<div class="row g-3">
  {{#ROSTER}}<section class="col-lg-5" aria-labelledby="codes-title"><div class="card h-100"><div class="card-body">
    <h2 class="h6 card-title" id="codes-title">{{T_imp_findings_by_kind}}</h2>
    {{#NO_CODES}}<p class="text-muted small" id="no-codes">{{T_imp_no_findings}}</p>{{/NO_CODES}}
    <div class="table-responsive"><table class="table table-sm small mb-2" id="codes-table"><tbody>
      {{#CODE}}<tr><td><a href="/campaign/findings?org={{ORG_CODE:u}}&amp;import={{ID:u}}&amp;code={{CODE:u}}">{{LABEL}}</a> <span class="text-muted">{{CODE}}</span></td><td class="num">{{COUNT}}</td></tr>{{/CODE}}
    </tbody></table></div>
    {{#AUTO_CODES}}<details class="small mb-3" id="auto-codes"><summary>{{T_imp_auto_help}} <strong id="count-auto">{{TOTAL}}</strong></summary>
      <table class="table table-sm small mt-2 mb-0"><tbody>{{#ACODE}}<tr><td>{{LABEL}} <span class="text-muted">{{CODE}}</span></td><td class="num">{{COUNT}}</td></tr>{{/ACODE}}</tbody></table>
    </details>{{/AUTO_CODES}}
    <div class="d-flex flex-wrap gap-2">
      <a class="btn btn-sm btn-outline-primary" href="/campaign/findings?org={{ORG_CODE:u}}&amp;import={{ID:u}}" id="link-findings">{{T_imp_see_findings}}</a>
      <a class="btn btn-sm btn-outline-secondary" href="/campaign?org={{ORG_CODE:u}}" id="link-campaign">{{T_cmp_nav}}</a>
    </div>
  </div></div></section>{{/ROSTER}}
  <section class="col" aria-labelledby="rejected-title"><div class="card"><div class="card-body">
    <h2 class="h6 card-title" id="rejected-title">{{T_imp_rejected_rows}}</h2>
    {{#NO_REJECTED}}<p class="text-muted small mb-0" id="no-rejected">{{T_imp_no_rejected}}</p>{{/NO_REJECTED}}
    {{#HAS_REJ}}<div class="table-responsive"><table class="table table-sm small mb-0 table-stack" id="rejected-table">
      <thead><tr><th scope="col">{{T_imp_col_line}}</th><th scope="col">{{T_imp_col_key}}</th><th scope="col">{{T_imp_col_column}}</th><th scope="col">{{T_imp_col_reason}}</th></tr></thead>
      <tbody>{{#REJ}}<tr class="rejected-row"><td data-label="{{T_imp_col_line}}">{{LINE}}</td><td data-label="{{T_imp_col_key}}">{{KEY}}</td><td data-label="{{T_imp_col_column}}">{{COLUMN}}</td><td data-label="{{T_imp_col_reason}}">{{REASON}}</td></tr>{{/REJ}}</tbody>
    </table></div>{{/HAS_REJ}}
    {{#REJ_MORE}}<p class="small text-muted mt-2 mb-0">{{T_imp_rejected_more}} {{COUNT}} (API: /api/v1/imports/{{ID}}/rejected)</p>{{/REJ_MORE}}
  </div></div></section>
</div>
{{/RESULT}}
<script src="/static/import.js" defer></script>
