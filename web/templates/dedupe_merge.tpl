{{%AUTOESCAPE context="HTML"}}<nav aria-label="breadcrumb"><ol class="breadcrumb"><li class="breadcrumb-item"><a href="/dedupe">{{L_title}}</a></li><li class="breadcrumb-item active" aria-current="page">{{L_merge_title}} #{{ID}}</li></ol></nav>
<h1 class="h4 mb-3" id="merge-title">{{L_merge_title}} #{{ID}}</h1>
<dl class="row small">
  <dt class="col-sm-3">{{L_kept}}</dt><dd class="col-sm-9"><a href="/members/{{SURVIVOR:u}}" id="merge-survivor">#{{SURVIVOR}}</a></dd>
  <dt class="col-sm-3">{{L_absorbed}}</dt><dd class="col-sm-9" id="merge-absorbed">#{{ABSORBED}}</dd>
  <dt class="col-sm-3">{{L_merged_at}}</dt><dd class="col-sm-9">{{AT}} UTC</dd>
  <dt class="col-sm-3">{{L_by}}</dt><dd class="col-sm-9">{{BY}}</dd>
</dl>
{{#UNDONE}}<div class="alert alert-secondary" role="status" id="merge-undone">{{L_undone}}: {{AT}}</div>{{/UNDONE}}
{{#CAN_UNDO}}<form method="post" action="/dedupe/merges/{{ID:u}}/undo" class="mb-3" id="undo-form">
  <input type="hidden" name="csrf" value="{{CSRF}}">
  <button type="submit" class="btn btn-outline-danger" id="undo-merge">{{L_undo}}</button>
</form>{{/CAN_UNDO}}
<div class="row g-3">
  <section class="col-lg-6" aria-labelledby="absorbed-title"><div class="card"><div class="card-body">
    <h2 class="h6 card-title" id="absorbed-title">{{L_absorbed_values}}</h2>
    <table class="table table-sm small mb-0" id="absorbed-row"><thead><tr><th>{{L_column}}</th><th>{{L_value}}</th></tr></thead>
      <tbody>{{#ABSORBED_ROW}}<tr><td class="text-muted">{{COLUMN}}</td><td>{{VALUE}}</td></tr>{{/ABSORBED_ROW}}</tbody></table>
  </div></div></section>
  <section class="col-lg-6" aria-labelledby="survivor-title"><div class="card"><div class="card-body">
    <h2 class="h6 card-title" id="survivor-title">{{L_survivor_values}}</h2>
    <table class="table table-sm small mb-0" id="survivor-row"><thead><tr><th>{{L_column}}</th><th>{{L_value}}</th></tr></thead>
      <tbody>{{#SURVIVOR_ROW}}<tr><td class="text-muted">{{COLUMN}}</td><td>{{VALUE}}</td></tr>{{/SURVIVOR_ROW}}</tbody></table>
  </div></div></section>
</div>
