{{%AUTOESCAPE context="HTML"}}<div class="row justify-content-center"><div class="col-sm-10 col-md-7 col-lg-5">
<div class="card mt-3"><div class="card-body p-4">
  <h1 class="h4 mb-3">{{T_account_password_title}}</h1>
  {{#MUST_CHANGE}}<div class="alert alert-warning" role="alert" id="must-change">{{T_password_must_change}}</div>{{/MUST_CHANGE}}
  {{#FORM_ERROR}}<div class="alert alert-danger" role="alert" id="form-error">{{MESSAGE}}</div>{{/FORM_ERROR}}
  <form method="post" action="/account/password" novalidate>
    <input type="hidden" name="csrf" value="{{CSRF}}">
    <div class="mb-3"><label for="old_password" class="form-label">{{T_password_old}}</label>
      <input type="password" class="form-control" id="old_password" name="old_password" autocomplete="current-password" required></div>
    <div class="mb-3"><label for="new_password" class="form-label">{{T_password_new}}</label>
      <input type="password" class="form-control" id="new_password" name="new_password" autocomplete="new-password" minlength="10" required>
      <div class="form-text">{{T_password_rule}}</div></div>
    <div class="mb-3"><label for="new_password2" class="form-label">{{T_password_new2}}</label>
      <input type="password" class="form-control" id="new_password2" name="new_password2" autocomplete="new-password" minlength="10" required></div>
    <button type="submit" class="btn btn-primary w-100" id="password-submit">{{T_save}}</button>
  </form>
</div></div></div></div>
