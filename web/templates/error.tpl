{{%AUTOESCAPE context="HTML"}}<div class="row justify-content-center"><div class="col-lg-6">
<div class="alert alert-warning mt-4" role="alert" id="error-box">
  <h1 class="h4">{{ERROR_TITLE}} <span class="text-muted small">({{STATUS}})</span></h1>
  <p class="mb-2">{{DETAIL}}</p>
  <a href="/" class="alert-link">{{T_back_home}}</a>
</div></div></div>
