{{%AUTOESCAPE context="HTML"}}<div class="d-flex flex-wrap align-items-center justify-content-between gap-2 mb-2">
  <h1 class="h3 mb-0">{{L_title}} <small class="text-muted fs-6">{{SCOPE}}</small></h1>
  <form method="post" action="/dedupe/run" class="d-flex gap-2 align-items-center" id="dedupe-run">
    <input type="hidden" name="csrf" value="{{CSRF}}">
    <label class="visually-hidden" for="run-org">{{L_run_org}}</label>
    <input class="form-control form-control-sm" id="run-org" name="org" placeholder="{{L_run_org}}">
    <button type="submit" class="btn btn-sm btn-primary text-nowrap" id="run-dedupe">{{L_run}}</button>
  </form>
</div>
<p class="small text-muted">{{L_intro}}</p>
{{#RUN}}<p class="small" id="last-run">{{L_last_run}}: {{AT}} UTC · {{BY}} · {{RECORDS}} {{L_records}} · {{COMPARED}} {{L_pairs_compared}}</p>{{/RUN}}
<div class="row g-3">
  <section class="col-lg-6" aria-labelledby="band-link"><div class="card"><div class="card-body">
    <h2 class="h6 card-title" id="band-link">{{L_band_link}} <span class="badge text-bg-danger" id="count-link">{{COUNT_LINK}}</span></h2>
    <div class="table-responsive"><table class="table table-sm small mb-0" id="pairs-link">
      <thead><tr><th>{{L_record_a}}</th><th>{{L_record_b}}</th><th class="text-end">{{L_probability}}</th><th></th></tr></thead>
      <tbody>
      {{#LINK}}<tr><td>{{A}}<br><span class="text-muted">{{ORG_A}}</span></td><td>{{B}}<br><span class="text-muted">{{ORG_B}}</span></td><td class="text-end">{{PROB}}</td><td><a href="/dedupe/pairs/{{ID:u}}" class="btn btn-sm btn-outline-primary">{{L_open}}</a></td></tr>{{/LINK}}
      {{#NO_LINK}}<tr><td colspan="4" class="text-muted">{{L_none}}</td></tr>{{/NO_LINK}}
      </tbody>
    </table></div>
    {{#NEXT_LINK}}<a href="{{URL}}" class="small">→</a>{{/NEXT_LINK}}
  </div></div></section>
  <section class="col-lg-6" aria-labelledby="band-review"><div class="card"><div class="card-body">
    <h2 class="h6 card-title" id="band-review">{{L_band_review}} <span class="badge text-bg-warning" id="count-review">{{COUNT_REVIEW}}</span></h2>
    <div class="table-responsive"><table class="table table-sm small mb-0" id="pairs-review">
      <thead><tr><th>{{L_record_a}}</th><th>{{L_record_b}}</th><th class="text-end">{{L_probability}}</th><th></th></tr></thead>
      <tbody>
      {{#REVIEW}}<tr><td>{{A}}<br><span class="text-muted">{{ORG_A}}</span></td><td>{{B}}<br><span class="text-muted">{{ORG_B}}</span></td><td class="text-end">{{PROB}}</td><td><a href="/dedupe/pairs/{{ID:u}}" class="btn btn-sm btn-outline-primary">{{L_open}}</a></td></tr>{{/REVIEW}}
      {{#NO_REVIEW}}<tr><td colspan="4" class="text-muted">{{L_none}}</td></tr>{{/NO_REVIEW}}
      </tbody>
    </table></div>
    {{#NEXT_REVIEW}}<a href="{{URL}}" class="small">→</a>{{/NEXT_REVIEW}}
  </div></div></section>
</div>
