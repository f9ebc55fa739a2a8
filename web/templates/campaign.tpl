{{%AUTOESCAPE context="HTML"}}<nav aria-label="breadcrumb"><ol class="breadcrumb" id="breadcrumb">
{{#CRUMB}}<li class="breadcrumb-item"><a href="/campaign?org={{CODE:u}}">{{NAME}}</a></li>{{/CRUMB}}
{{#CRUMB_LAST}}<li class="breadcrumb-item active" aria-current="page">{{NAME}}</li>{{/CRUMB_LAST}}
</ol></nav>
<div class="d-flex flex-wrap align-items-end justify-content-between gap-2 mb-3">
  <div>
    <h1 class="h3 mb-1">{{T_cmp_title}}</h1>
    <div class="text-muted small">{{ORG_NAME}} ({{ORG_CODE}}) · {{T_cmp_as_of}} {{TODAY}}</div>
  </div>
  <div class="d-flex flex-wrap gap-2">
    <a class="btn btn-sm btn-outline-primary" href="/campaign/findings?org={{ORG_CODE:u}}" id="link-findings">{{T_cmp_findings_list}}</a>
    {{#CAN_EXPORT}}<a class="btn btn-sm btn-outline-secondary" href="/campaign/findings.xlsx?org={{ORG_CODE:u}}" id="link-xlsx" download>{{T_cmp_xlsx}}</a>{{/CAN_EXPORT}}
    <a class="btn btn-sm btn-outline-secondary" href="/imports" id="link-imports">{{T_imp_title}}</a>
  </div>
</div>
<div class="stat-cards" id="campaign-totals">
  <div class="stat-card"><div class="stat-value" id="total-open">{{OPEN}}</div><div class="stat-label">{{T_cmp_open}} <span class="text-nowrap">({{OPEN_ERRORS}} {{T_cmp_errors}}, {{OPEN_WARNINGS}} {{T_cmp_warnings}})</span></div></div>
  <div class="stat-card"><div class="stat-value" id="total-fixed">{{FIXED}}</div><div class="stat-label">{{T_cmp_fixed}}</div></div>
  <div class="stat-card"><div class="stat-value" id="total-done">{{DONE_PERCENT}}</div><div class="stat-label">{{T_cmp_done}}</div></div>
  <div class="stat-card"><div class="stat-value" id="total-auto">{{AUTO}}</div><div class="stat-label">{{T_cmp_auto}}</div></div>
</div>
{{#NO_FINDINGS}}<div class="alert alert-info" role="status" id="campaign-empty">{{T_cmp_empty}}{{#CAN_IMPORT}} <a href="/imports">{{T_imp_title}}</a>{{/CAN_IMPORT}}</div>{{/NO_FINDINGS}}
<section class="card mb-3" aria-labelledby="chart-title"><div class="card-body">
  <h2 class="h6 card-title" id="chart-title">{{T_cmp_chart}}</h2>
  <p class="small text-muted mb-2">{{T_cmp_chart_help}}</p>
  <div id="campaign-chart" class="campaign-chart" data-org="{{ORG_CODE}}" data-lang="{{LANG}}" role="img" aria-label="{{T_cmp_chart}}"></div>
</div></section>
<div class="row g-3">
  <section class="col-xl-7" aria-labelledby="units-title"><div class="card h-100"><div class="card-body">
    <h2 class="h6 card-title" id="units-title">{{T_cmp_units}}</h2>
    <div class="table-responsive"><table class="table table-sm small align-middle mb-0 table-stack" id="units-table">
      <thead><tr><th scope="col">{{T_cmp_unit}}</th><th scope="col" class="num">{{T_cmp_errors_col}}</th><th scope="col" class="num">{{T_cmp_warnings_col}}</th><th scope="col" class="num">{{T_cmp_fixed_col}}</th><th scope="col">{{T_cmp_progress}}</th></tr></thead>
      <tbody>{{#UNIT}}<tr class="unit-row" data-code="{{CODE}}">
        <td data-label="{{T_cmp_unit}}"><a href="/campaign?org={{CODE:u}}">{{NAME}}</a>{{#CLEAN}} <span class="badge text-bg-success">{{T_cmp_clean}}</span>{{/CLEAN}}</td>
        <td data-label="{{T_cmp_errors_col}}" class="num"><a href="/campaign/findings?org={{CODE:u}}&amp;severity=error">{{ERRORS}}</a></td>
        <td data-label="{{T_cmp_warnings_col}}" class="num"><a href="/campaign/findings?org={{CODE:u}}&amp;severity=warning">{{WARNINGS}}</a></td>
        <td data-label="{{T_cmp_fixed_col}}" class="num">{{FIXED}}</td>
        <td data-label="{{T_cmp_progress}}" class="text-nowrap"><progress class="unit-progress align-middle" max="{{ALL}}" value="{{DONE}}">{{PERCENT}}</progress> <span class="text-muted">{{PERCENT}}</span></td>
      </tr>{{/UNIT}}</tbody>
    </table></div>
    {{#MORE_UNITS}}<details class="mt-2 small" id="more-units"><summary>{{T_cmp_more_units}} ({{COUNT}})</summary>
    <div class="table-responsive"><table class="table table-sm small align-middle mb-0 table-stack" id="more-units-table">
      <tbody>{{#UNIT2}}<tr class="unit-row" data-code="{{CODE}}">
        <td data-label="{{T_cmp_unit}}"><a href="/campaign?org={{CODE:u}}">{{NAME}}</a>{{#CLEAN}} <span class="badge text-bg-success">{{T_cmp_clean}}</span>{{/CLEAN}}</td>
        <td data-label="{{T_cmp_errors_col}}" class="num"><a href="/campaign/findings?org={{CODE:u}}&amp;severity=error">{{ERRORS}}</a></td>
        <td data-label="{{T_cmp_warnings_col}}" class="num"><a href="/campaign/findings?org={{CODE:u}}&amp;severity=warning">{{WARNINGS}}</a></td>
        <td data-label="{{T_cmp_fixed_col}}" class="num">{{FIXED}}</td>
        <td data-label="{{T_cmp_progress}}" class="text-nowrap"><progress class="unit-progress align-middle" max="{{ALL}}" value="{{DONE}}">{{PERCENT}}</progress> <span class="text-muted">{{PERCENT}}</span></td>
      </tr>{{/UNIT2}}</tbody>
    </table></div></details>{{/MORE_UNITS}}
  </div></div></section>
  <section class="col-xl-5" aria-labelledby="kinds-title"><div class="card mb-3"><div class="card-body">
    <h2 class="h6 card-title" id="kinds-title">{{T_cmp_by_kind}}</h2>
    <table class="table table-sm small mb-0" id="kinds-table"><tbody>
      {{#CODE}}<tr><td><a href="/campaign/findings?org={{ORG_CODE:u}}&amp;code={{CODE:u}}">{{LABEL}}</a></td><td class="num">{{COUNT}}</td></tr>{{/CODE}}
    </tbody></table>
  </div></div>
  <div class="card"><div class="card-body">
    <h2 class="h6 card-title" id="fixers-title">{{T_cmp_fixers}}</h2>
    {{#NO_FIXERS}}<p class="text-muted small mb-0" id="no-fixers">{{T_cmp_no_fixers}}</p>{{/NO_FIXERS}}
    <table class="table table-sm small mb-2" id="fixers-table"><tbody>
      {{#FIXER}}<tr><td>{{NAME}}</td><td class="num">{{COUNT}}</td><td class="text-muted text-nowrap">{{LAST}}</td></tr>{{/FIXER}}
    </tbody></table>
    <ul class="list-unstyled small mb-0" id="recent-fixes">{{#RECENT}}<li class="py-1 border-top">
      <span class="text-muted">{{AT}} · {{BY}}</span><br>
      <a href="/members/{{MEMBER_ID:u}}">{{MEMBER}}</a> <span class="text-muted">({{ORG}})</span> · {{FIELD}}: <span class="audit-old">{{BEFORE}}</span> → <span class="audit-new">{{AFTER}}</span>
    </li>{{/RECENT}}</ul>
  </div></div></section>
</div>
<script src="/static/vendor/echarts.min.js" defer></script>
<script src="/static/campaign.js" defer></script>
