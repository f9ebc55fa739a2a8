{{%AUTOESCAPE context="HTML"}}<!doctype html>
<html lang="{{LANG}}">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="csrf-token" content="{{CSRF}}">
<meta name="htmx-config" content="{&quot;includeIndicatorStyles&quot;:false,&quot;allowEval&quot;:false,&quot;allowScriptTags&quot;:false}">
<link rel="icon" href="/static/favicon.svg" type="image/svg+xml">
<title>{{TITLE}} · dangbo</title>
<link rel="stylesheet" href="/static/vendor/bootstrap.min.css">
<link rel="stylesheet" href="/static/vendor/be-vietnam-pro.css">
<link rel="stylesheet" href="/static/app.css">
<script src="/static/vendor/htmx.min.js" defer></script>
<script src="/static/vendor/bootstrap.bundle.min.js" defer></script>
<script src="/static/app.js" defer></script>
</head>
<body class="{{BODY_CLASS}}">
<header class="app-header">
  <nav class="navbar navbar-expand-xl navbar-dark" aria-label="{{T_nav_main}}">
    <div class="container-fluid">
      <a class="navbar-brand" href="/">{{T_app_name}}</a>
      {{#USER}}
      <button class="navbar-toggler" type="button" data-bs-toggle="collapse" data-bs-target="#mainnav" aria-controls="mainnav" aria-expanded="false" aria-label="{{T_nav_toggle}}"><span class="navbar-toggler-icon"></span></button>
      <div class="collapse navbar-collapse" id="mainnav">
        <ul class="navbar-nav me-auto">
          {{#NAV_REGISTRY}}<li class="nav-item"><a class="nav-link {{NAV_orgs}}" href="/orgs/{{HOME_ORG:u}}">{{T_nav_orgs}}</a></li>
          <li class="nav-item"><a class="nav-link {{NAV_dashboard}}" href="/dashboard?org={{HOME_ORG:u}}">{{T_nav_dashboard}}</a></li>
          <li class="nav-item"><a class="nav-link {{NAV_campaign}}" href="/campaign" id="nav-campaign">{{T_cmp_nav_short}}</a></li>
          <li class="nav-item"><a class="nav-link {{NAV_imports}}" href="/imports" id="nav-imports">{{T_imp_nav}}</a></li>{{/NAV_REGISTRY}}
          {{#NAV_AUDIT}}<li class="nav-item"><a class="nav-link {{NAV_audit}}" href="/audit" id="nav-audit">{{T_nav_audit}}</a></li>{{/NAV_AUDIT}}
        </ul>
        <span class="navbar-text me-3 small user-info"><a class="link-light" href="/account" id="current-user">{{USERNAME}}</a> · {{ROLE}} · {{SCOPE}}</span>
        <form method="post" action="/logout" class="d-inline">
          <input type="hidden" name="csrf" value="{{CSRF}}">
          <button class="btn btn-sm btn-outline-light" type="submit" id="logout">{{T_logout}}</button>
        </form>
      </div>
      {{/USER}}
      <a class="btn btn-sm btn-link text-white lang-switch" href="/lang/{{OTHER_LANG}}" id="lang-switch">{{OTHER_LANG_LABEL}}</a>
    </div>
  </nav>
</header>
{{#SYNTHETIC}}<div class="synthetic-banner" role="note" id="synthetic-banner">{{T_synthetic_banner}}</div>{{/SYNTHETIC}}
<main class="container-fluid py-3" id="main">
{{>CONTENT}}
</main>
<footer class="app-footer container-fluid small text-muted py-3">{{T_footer}}</footer>
</body>
</html>
