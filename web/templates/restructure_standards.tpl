{{%AUTOESCAPE context="HTML"}}<nav aria-label="breadcrumb"><ol class="breadcrumb"><li class="breadcrumb-item"><a href="/restructure">{{T_rs_title}}</a></li><li class="breadcrumb-item active" aria-current="page">{{T_rs_standards}}</li></ol></nav>
<h1 class="h3 mb-1">{{T_rs_standards}}</h1>
<p class="text-muted small">{{T_rs_standards_intro}}</p>
<form class="row g-2 align-items-end mb-3 small" method="get" action="/restructure/standards" id="standards-form">
  <div class="col-auto"><label class="form-label" for="province">{{T_rs_province}}</label><input class="form-control form-control-sm" id="province" name="province" value="{{PROVINCE}}" size="4"></div>
  <div class="col-auto"><label class="form-label" for="basis">{{T_rs_basis}}</label><select class="form-select form-select-sm" id="basis" name="basis"><option value="arrangement_2025" {{SEL_ARRANGEMENT}}>{{T_rs_basis_arrangement}}</option><option value="standard" {{SEL_STANDARD}}>{{T_rs_basis_standard}}</option></select></div>
  <div class="col-auto"><label class="form-label" for="on">{{T_rs_on}}</label><input class="form-control form-control-sm" type="date" id="on" name="on" value="{{ON}}"></div>
  <div class="col-auto form-check ms-2"><input class="form-check-input" type="checkbox" id="all" name="all" value="1" {{ALL_CHECKED}}><label class="form-check-label" for="all">{{T_rs_show_all}}</label></div>
  <div class="col-auto"><button class="btn btn-sm btn-primary" type="submit">{{T_rs_check}}</button></div>
</form>
<p id="standards-summary"><strong>{{BELOW}}</strong> / {{TOTAL}} {{T_rs_units_below}} ({{T_rs_area}}: {{BELOW_AREA}}, {{T_rs_population}}: {{BELOW_POP}}) · {{T_rs_on}} {{ON_DISPLAY}}</p>
<div class="table-responsive"><table class="table table-sm small" id="standards-table">
  <thead><tr><th>{{T_org_code}}</th><th>{{T_rs_unit}}</th><th class="text-end">{{T_rs_area}} (km²)</th><th class="text-end">{{T_rs_min}}</th><th class="text-end">%</th><th class="text-end">{{T_rs_population}}</th><th class="text-end">{{T_rs_min}}</th><th class="text-end">%</th></tr></thead>
  <tbody>{{#UNIT}}<tr class="unit-row"><td>{{CODE}}</td><td>{{NAME}}</td><td class="text-end {{AREA_CLASS}}">{{AREA}}</td><td class="text-end">{{MIN_AREA}}</td><td class="text-end {{AREA_CLASS}}">{{AREA_PCT}}</td><td class="text-end {{POP_CLASS}}">{{POP}}</td><td class="text-end">{{MIN_POP}}</td><td class="text-end {{POP_CLASS}}">{{POP_PCT}}</td></tr>{{/UNIT}}</tbody>
</table></div>
{{#NO_UNITS}}<p class="text-muted">{{T_rs_no_units}}</p>{{/NO_UNITS}}
<div class="small text-muted"><strong>{{T_rs_sources_title}}</strong><ul>{{#SOURCE}}<li>{{TEXT}}</li>{{/SOURCE}}</ul>{{T_rs_data_note}}</div>
