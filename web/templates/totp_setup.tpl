{{%AUTOESCAPE context="HTML"}}<div class="row justify-content-center"><div class="col-sm-10 col-md-8 col-lg-6">
<div class="card mt-3"><div class="card-body p-4">
  <h1 class="h4 mb-3">{{T_totp_setup_title}}</h1>
  {{#FORM_ERROR}}<div class="alert alert-danger" role="alert" id="form-error">{{MESSAGE}}</div>{{/FORM_ERROR}}
  {{#SETUP}}<p>{{T_totp_setup_step1}}</p>
  <p class="font-monospace fs-5 user-select-all" id="totp-secret">{{SECRET}}</p>
  <p class="small text-muted text-break">{{T_totp_setup_uri}} <code id="totp-uri">{{URI}}</code></p>
  <p>{{T_totp_setup_step2}}</p>
  <form method="post" action="/account/totp/enable" class="row g-2 align-items-end" novalidate>
    <input type="hidden" name="csrf" value="{{CSRF}}">
    <div class="col-8"><label for="code" class="form-label">{{T_totp_code}}</label>
      <input type="text" class="form-control" id="code" name="code" autocomplete="one-time-code" inputmode="numeric" required></div>
    <div class="col-4"><button type="submit" class="btn btn-primary w-100" id="totp-enable">{{T_totp_enable}}</button></div>
  </form>{{/SETUP}}
  {{#RETRY}}<form method="post" action="/account/totp/setup"><input type="hidden" name="csrf" value="{{CSRF}}">
    <button class="btn btn-primary" type="submit" id="totp-setup">{{T_totp_retry}}</button></form>{{/RETRY}}
</div></div></div></div>
