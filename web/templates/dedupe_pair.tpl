{{%AUTOESCAPE context="HTML"}}<nav aria-label="breadcrumb"><ol class="breadcrumb"><li class="breadcrumb-item"><a href="/dedupe">{{L_title}}</a></li><li class="breadcrumb-item active" aria-current="page">#{{ID}}</li></ol></nav>
<h1 class="h4 mb-1" id="pair-title">{{A_NAME}} · {{B_NAME}}</h1>
<p class="mb-3"><span class="badge text-bg-secondary">{{BAND}}</span> {{L_probability}} <strong id="pair-probability">{{PROB}}</strong> <span class="small text-muted">(log₂ {{WEIGHT}})</span></p>
{{#ERRORS}}<div class="alert alert-danger" role="alert" id="merge-errors"><strong>{{L_errors}}</strong><ul class="mb-0">{{#ITEM}}<li>{{TEXT}}</li>{{/ITEM}}</ul></div>{{/ERRORS}}
{{#CLOSED}}<div class="alert alert-secondary" role="status" id="pair-closed">{{L_decided}}: {{STATUS}}</div>{{/CLOSED}}
<div class="row g-3">
  <section class="col-xl-8" aria-labelledby="records-title"><div class="card"><div class="card-body">
    <h2 class="h6 card-title" id="records-title">{{L_record_a}} / {{L_record_b}}</h2>
    <form method="post" action="/dedupe/pairs/{{ID:u}}/merge" id="merge-form">
      <input type="hidden" name="csrf" value="{{CSRF}}">
      <input type="hidden" name="version_a" value="{{A_VERSION}}">
      <input type="hidden" name="version_b" value="{{B_VERSION}}">
      <div class="table-responsive"><table class="table table-sm small align-middle mb-2" id="pair-fields">
        <thead><tr><th>{{L_field}}</th><th><a href="/members/{{A_ID:u}}">{{L_record_a}} #{{A_ID}}</a></th><th><a href="/members/{{B_ID:u}}">{{L_record_b}} #{{B_ID}}</a></th><th>{{L_keep}}</th></tr></thead>
        <tbody>
        {{#FIELD}}<tr class="{{DIFF}}" data-field="{{FIELD}}"><th scope="row" class="fw-normal text-muted">{{LABEL}}</th><td>{{A}}</td><td>{{B}}</td><td class="text-nowrap">{{#CHOICE}}<label class="me-2"><input type="radio" name="choice_{{FIELD}}" value="a" {{A_CHECKED}}> A</label><label><input type="radio" name="choice_{{FIELD}}" value="b" {{B_CHECKED}}> B</label>{{/CHOICE}}{{#ERROR}}<div class="text-danger">{{MESSAGE}}</div>{{/ERROR}}</td></tr>{{/FIELD}}
        </tbody>
      </table></div>
      {{#OPEN}}<fieldset class="mb-2"><legend class="small fw-semibold">{{L_survivor}}</legend>
        <label class="me-3"><input type="radio" name="survivor" value="a" checked> A #{{A_ID}}</label>
        <label><input type="radio" name="survivor" value="b"> B #{{B_ID}}</label>
      </fieldset>
      <p class="small text-muted">{{L_merge_help}}</p>
      <button type="submit" class="btn btn-danger" id="merge-same">{{L_same}}</button>{{/OPEN}}
    </form>
    {{#OPEN}}<form method="post" action="/dedupe/pairs/{{ID:u}}/different" class="mt-3" id="different-form">
      <input type="hidden" name="csrf" value="{{CSRF}}">
      <button type="submit" class="btn btn-outline-secondary" id="mark-different">{{L_different}}</button>
      <span class="small text-muted ms-2">{{L_different_help}}</span>
    </form>{{/OPEN}}
  </div></div></section>
  <section class="col-xl-4" aria-labelledby="evidence-title"><div class="card"><div class="card-body">
    <h2 class="h6 card-title" id="evidence-title">{{L_evidence}}</h2>
    <table class="table table-sm small mb-2" id="pair-evidence">
      <thead><tr><th>{{L_field}}</th><th>{{L_level}}</th><th class="text-end">{{L_weight}}</th></tr></thead>
      <tbody>{{#EVIDENCE}}<tr><td>{{LABEL}}</td><td>{{LEVEL}}</td><td class="text-end {{SIGN}}">{{WEIGHT}}</td></tr>{{/EVIDENCE}}</tbody>
    </table>
    <p class="small text-muted mb-0">{{L_weight_help}}</p>
  </div></div></section>
</div>
