{{%AUTOESCAPE context="HTML"}}<div class="d-flex flex-wrap align-items-end justify-content-between gap-2 mb-3">
  <div>
    <h1 class="h3 mb-1">{{T_imp_title}}</h1>
    <div class="text-muted small">{{T_imp_intro}}</div>
  </div>
  <a class="btn btn-sm btn-outline-secondary" href="/campaign" id="link-campaign">{{T_cmp_nav}}</a>
</div>
{{#ERROR}}<div class="alert alert-danger py-2" role="alert" id="import-error">{{TEXT}}</div>{{/ERROR}}
{{#CAN_UPLOAD}}<section class="card mb-3" aria-labelledby="upload-title"><div class="card-body">
  <h2 class="h6 card-title" id="upload-title">{{T_imp_upload}}</h2>
  <p class="small text-muted mb-2">{{#FIXES_ONLY}}{{T_imp_upload_help_fixes}}{{/FIXES_ONLY}}{{#ROSTER_HELP}}{{T_imp_upload_help}}{{/ROSTER_HELP}}</p>
  <form method="post" action="/imports" enctype="multipart/form-data" id="upload-form" class="row g-2 align-items-end"
        hx-post="/imports" hx-encoding="multipart/form-data" hx-target="#upload-result" hx-swap="innerHTML">
    <input type="hidden" name="csrf" value="{{CSRF}}">
    <div class="col-md-6 col-xl-4">
      <label class="form-label small" for="upload-org">{{T_imp_org}}</label>
      <select class="form-select form-select-sm" id="upload-org" name="org">{{#ORG_OPT}}<option value="{{CODE}}" {{SELECTED}}>{{NAME}} ({{CODE}})</option>{{/ORG_OPT}}</select>
    </div>
    <div class="col-md-6 col-xl-4">
      <label class="form-label small" for="upload-file">{{T_imp_file}}</label>
      <input class="form-control form-control-sm" type="file" id="upload-file" name="file" accept=".csv,.txt,.tsv,.xlsx,text/csv,application/vnd.openxmlformats-officedocument.spreadsheetml.sheet" required>
    </div>
    <div class="col-md-6 col-xl-2">
      <div class="form-check mb-1">
        <input class="form-check-input" type="checkbox" id="upload-dry" name="dry_run" value="1">
        <label class="form-check-label small" for="upload-dry">{{T_imp_dry_run_short}}</label>
      </div>
    </div>
    <div class="col-md-6 col-xl-2">
      <button class="btn btn-primary w-100" type="submit" id="upload-submit">{{T_imp_upload_button}}</button>
    </div>
    <div class="col-12 form-text mt-1">{{T_imp_file_help}}</div>
    <div class="col-12">
      <div class="progress" id="upload-progress" role="progressbar" aria-label="{{T_imp_uploading}}" aria-valuemin="0" aria-valuemax="100" aria-valuenow="0" hidden><div class="progress-bar"></div></div>
      <div id="upload-result" aria-live="polite"></div>
    </div>
  </form>
</div></section>{{/CAN_UPLOAD}}
<section class="card" aria-labelledby="jobs-title"><div class="card-body">
  <h2 class="h6 card-title" id="jobs-title">{{T_imp_jobs}} <span class="text-muted fw-normal">· {{SCOPE}}</span></h2>
  {{#NO_JOBS}}<p class="text-muted small mb-0" id="no-jobs">{{T_imp_no_jobs}}</p>{{/NO_JOBS}}
  {{#HAS_JOBS}}<div class="table-responsive"><table class="table table-sm small align-middle mb-0 table-stack" id="jobs-table">
    <thead><tr><th scope="col">{{T_imp_col_file}}</th><th scope="col">{{T_imp_col_time}}</th><th scope="col">{{T_imp_col_org}}</th><th scope="col">{{T_imp_col_status}}</th><th scope="col" class="num">{{T_imp_col_read}}</th><th scope="col" class="num">{{T_imp_col_stored}}</th><th scope="col" class="num">{{T_imp_col_rejected}}</th><th scope="col">{{T_imp_col_by}}</th></tr></thead>
    <tbody>{{#JOB}}<tr class="job-row" data-id="{{ID}}" data-status="{{STATUS_KEY}}">
      <td data-label="{{T_imp_col_file}}"><a href="/imports/{{ID:u}}" class="job-link fw-semibold">{{FILE}}</a><div class="text-muted">{{T_imp_job_title}} {{ID}} · {{KIND}}</div></td>
      <td data-label="{{T_imp_col_time}}" class="text-nowrap">{{AT}}</td>
      <td data-label="{{T_imp_col_org}}">{{ORG}}</td>
      <td data-label="{{T_imp_col_status}}"><span class="badge {{STATUS_CLASS}}">{{STATUS}}</span>{{#DRY}} <span class="badge text-bg-light">{{T_imp_dry}}</span>{{/DRY}}</td>
      <td data-label="{{T_imp_col_read}}" class="num">{{READ}}</td>
      <td data-label="{{T_imp_col_stored}}" class="num">{{STORED}}</td>
      <td data-label="{{T_imp_col_rejected}}" class="num">{{REJECTED}}</td>
      <td data-label="{{T_imp_col_by}}">{{BY}}</td>
    </tr>{{/JOB}}</tbody>
  </table></div>{{/HAS_JOBS}}
  <nav class="d-flex gap-2 mt-2" aria-label="{{T_imp_jobs}}">{{#FIRST}}<a class="btn btn-outline-secondary btn-sm" href="/imports">{{T_first_page}}</a>{{/FIRST}}{{#NEXT}}<a class="btn btn-outline-secondary btn-sm" href="{{URL}}" id="jobs-next">{{T_older}}</a>{{/NEXT}}</nav>
</div></section>
<script src="/static/import.js" defer></script>
