{{%AUTOESCAPE context="HTML"}}<div class="row justify-content-center"><div class="col-sm-10 col-md-8 col-lg-6">
<div class="card mt-3"><div class="card-body p-4">
  <h1 class="h4 mb-3">{{T_totp_codes_title}}</h1>
  <div class="alert alert-warning" role="alert">{{T_totp_codes_once}}</div>
  <ol class="font-monospace fs-5" id="recovery-codes">{{#CODE}}<li>{{VALUE}}</li>{{/CODE}}</ol>
  <div class="d-flex gap-2"><button type="button" class="btn btn-outline-secondary" data-print>{{T_print}}</button>
  <a class="btn btn-primary" href="/account">{{T_done}}</a></div>
</div></div></div></div>
