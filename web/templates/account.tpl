{{%AUTOESCAPE context="HTML"}}<h1 class="h3 mb-3">{{T_account_title}}</h1>
{{#PASSWORD_CHANGED}}<div class="alert alert-success" role="status" id="password-changed">{{T_password_changed}}</div>{{/PASSWORD_CHANGED}}
<div class="row g-3">
  <section class="col-lg-6" aria-labelledby="profile-title"><div class="card"><div class="card-body">
    <h2 class="h6 card-title" id="profile-title">{{T_account_profile}}</h2>
    <dl class="row mb-3 small">
      <dt class="col-5 text-muted">{{T_login_username}}</dt><dd class="col-7" id="account-username">{{USERNAME}}</dd>
      <dt class="col-5 text-muted">{{T_account_role}}</dt><dd class="col-7">{{ROLE}}</dd>
      <dt class="col-5 text-muted">{{T_account_scope}}</dt><dd class="col-7">{{SCOPE}}</dd>
    </dl>
    <a class="btn btn-outline-primary btn-sm" href="/account/password" id="change-password">{{T_account_password_title}}</a>
  </div></div></section>
  <section class="col-lg-6" aria-labelledby="totp-title"><div class="card"><div class="card-body">
    <h2 class="h6 card-title" id="totp-title">{{T_totp_section}}</h2>
    {{#TOTP_ON}}<p class="small" id="totp-state">{{T_totp_on}} {{T_totp_codes_left}}: {{CODES_LEFT}}.</p>
    <form method="post" action="/account/totp/disable" class="row g-2 align-items-end">
      <input type="hidden" name="csrf" value="{{CSRF}}">
      <div class="col-8"><label class="form-label small" for="totp-off-password">{{T_login_password}}</label>
      <input type="password" class="form-control form-control-sm" id="totp-off-password" name="password" autocomplete="current-password" required></div>
      <div class="col-4"><button class="btn btn-outline-danger btn-sm w-100" type="submit" id="totp-disable">{{T_totp_disable}}</button></div>
    </form>{{/TOTP_ON}}
    {{#TOTP_OFF}}<p class="small" id="totp-state">{{T_totp_off}}</p>
    <form method="post" action="/account/totp/setup"><input type="hidden" name="csrf" value="{{CSRF}}">
      <button class="btn btn-primary btn-sm" type="submit" id="totp-setup">{{T_totp_setup_title}}</button></form>{{/TOTP_OFF}}
  </div></div></section>
  <section class="col-12" aria-labelledby="sessions-title"><div class="card"><div class="card-body">
    <h2 class="h6 card-title" id="sessions-title">{{T_account_sessions}}</h2>
    <div class="table-responsive"><table class="table table-sm small mb-3" id="sessions">
      <thead><tr><th scope="col">{{T_session_created}}</th><th scope="col">{{T_session_last_seen}}</th><th scope="col">{{T_session_addr}}</th><th scope="col"></th></tr></thead>
      <tbody>{{#SESSION}}<tr><td>{{CREATED}}</td><td>{{LAST_SEEN}}</td><td>{{ADDR}}</td><td>{{#CURRENT}}<span class="badge text-bg-secondary">{{T_session_current}}</span>{{/CURRENT}}</td></tr>{{/SESSION}}</tbody>
    </table></div>
    <form method="post" action="/account/sessions/revoke" data-confirm="{{T_signout_all_confirm}}">
      <input type="hidden" name="csrf" value="{{CSRF}}">
      <button class="btn btn-outline-danger btn-sm" type="submit" id="signout-all">{{T_signout_all}}</button>
    </form>
  </div></div></section>
</div>
