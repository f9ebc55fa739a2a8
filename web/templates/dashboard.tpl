{{%AUTOESCAPE context="HTML"}}<div class="d-flex flex-wrap align-items-end justify-content-between gap-2 mb-3">
  <h1 class="h3 mb-0">{{T_dashboard_title}} — {{ORG_NAME}}</h1>
  <form class="d-flex align-items-center gap-2 as-of-form" method="get" action="/dashboard">
    <input type="hidden" name="org" value="{{ORG_CODE}}">
    <label for="as_of" class="form-label mb-0 small">{{T_as_of}}</label>
    <input type="date" class="form-control form-control-sm" id="as_of" name="as_of" value="{{AS_OF}}" data-autosubmit>
  </form>
</div>
{{#OTHER_DAY}}<div class="alert alert-info py-2" role="status" id="as-of-notice">{{T_dashboard_as_of}} {{AS_OF_DISPLAY}} · <a href="/dashboard?org={{ORG_CODE:u}}">{{T_dashboard_as_of_today}}</a></div>{{/OTHER_DAY}}
<div id="dashboard" data-org="{{ORG_CODE}}" data-as-of="{{AS_OF}}" data-lang="{{LANG}}">
  <div class="row g-3">
    <div class="col-12"><div class="card"><div class="card-body"><span class="text-muted small">{{T_dashboard_total}}</span> <strong id="dash-total" class="fs-4"></strong></div></div></div>
    <div class="col-md-6 col-xl-4"><div class="card"><div class="card-body"><h2 class="h6">{{T_chart_status}}</h2><div id="chart-status" class="chart"></div></div></div></div>
    <div class="col-md-6 col-xl-4"><div class="card"><div class="card-body"><h2 class="h6">{{T_chart_gender}}</h2><div id="chart-gender" class="chart"></div></div></div></div>
    <div class="col-md-12 col-xl-4"><div class="card"><div class="card-body"><h2 class="h6">{{T_chart_age}}</h2><div id="chart-age" class="chart"></div></div></div></div>
    <div class="col-12"><div class="card"><div class="card-body"><h2 class="h6">{{T_chart_orgs}}</h2><div id="chart-orgs" class="chart chart-tall"></div></div></div></div>
  </div>
</div>
<script src="/static/vendor/echarts.min.js" defer></script>
<script src="/static/dashboard.js" defer></script>
