{{%AUTOESCAPE context="HTML"}}<div class="row justify-content-center"><div class="col-sm-10 col-md-6 col-lg-4">
<div class="card login-card mt-4 shadow-sm"><div class="card-body p-4">
  <h1 class="h4 mb-3">{{T_totp_title}}</h1>
  {{#LOGIN_ERROR}}<div class="alert alert-danger" role="alert" id="login-error">{{MESSAGE}}</div>{{/LOGIN_ERROR}}
  <p class="small text-muted">{{T_totp_hint}}</p>
  <form method="post" action="/login/totp" novalidate>
    <input type="hidden" name="csrf" value="{{LOGIN_CSRF}}">
    <input type="hidden" name="next" value="{{NEXT}}">
    <div class="mb-3">
      <label for="code" class="form-label">{{T_totp_code}}</label>
      <input type="text" class="form-control" id="code" name="code" autocomplete="one-time-code" inputmode="numeric" required autofocus>
    </div>
    <button type="submit" class="btn btn-primary w-100" id="totp-submit">{{T_login_submit}}</button>
  </form>
</div></div></div></div>
