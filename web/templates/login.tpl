{{%AUTOESCAPE context="HTML"}}<div class="row justify-content-center"><div class="col-sm-10 col-md-6 col-lg-4">
<div class="card login-card mt-4 shadow-sm"><div class="card-body p-4">
  <h1 class="h4 mb-3">{{T_login_title}}</h1>
  {{#LOGIN_ERROR}}<div class="alert alert-danger" role="alert" id="login-error">{{MESSAGE}}</div>{{/LOGIN_ERROR}}
  <form method="post" action="/login" novalidate>
    <input type="hidden" name="csrf" value="{{LOGIN_CSRF}}">
    <input type="hidden" name="next" value="{{NEXT}}">
    <div class="mb-3">
      <label for="username" class="form-label">{{T_login_username}}</label>
      <input type="text" class="form-control" id="username" name="username" value="{{USERNAME}}" autocomplete="username" required autofocus>
    </div>
    <div class="mb-3">
      <label for="password" class="form-label">{{T_login_password}}</label>
      <input type="password" class="form-control" id="password" name="password" autocomplete="current-password" required>
    </div>
    <button type="submit" class="btn btn-primary w-100" id="login-submit">{{T_login_submit}}</button>
  </form>
</div></div></div></div>
