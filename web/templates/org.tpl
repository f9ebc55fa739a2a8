{{%AUTOESCAPE context="HTML"}}<nav aria-label="breadcrumb"><ol class="breadcrumb" id="breadcrumb">
{{#CRUMB}}<li class="breadcrumb-item"><a href="/orgs/{{CODE:u}}?as_of={{AS_OF:u}}">{{NAME}}</a></li>{{/CRUMB}}
{{#CRUMB_LAST}}<li class="breadcrumb-item active" aria-current="page">{{NAME}}</li>{{/CRUMB_LAST}}
</ol></nav>
<div class="d-flex flex-wrap align-items-end justify-content-between gap-2 mb-3">
  <div>
    <h1 class="h3 mb-1" id="org-name">{{NAME}}</h1>
    <div class="text-muted small">{{KIND}} · {{T_org_code}} {{CODE}} · {{T_valid_from}} {{VALID_FROM}}</div>
  </div>
  <form class="d-flex align-items-center gap-2 as-of-form" method="get" action="/orgs/{{CODE:u}}">
    <label for="as_of" class="form-label mb-0 small">{{T_as_of}}</label>
    <input type="date" class="form-control form-control-sm" id="as_of" name="as_of" value="{{AS_OF}}" data-autosubmit>
  </form>
</div>
{{#PAST}}<div class="alert alert-info py-2" role="status" id="past-notice">{{T_as_of_past}} {{AS_OF_DISPLAY}}</div>{{/PAST}}
<div class="row g-3">
  <section class="col-lg-4" aria-labelledby="tree-title">
    <div class="card h-100"><div class="card-body">
      <h2 class="h6 card-title" id="tree-title">{{T_org_children}} <span class="badge text-bg-light">{{CHILD_COUNT}}</span></h2>
      {{#NO_CHILDREN}}<p class="text-muted small mb-0">{{T_org_no_children}}</p>{{/NO_CHILDREN}}
      <ul class="org-tree list-unstyled mb-0" id="org-tree">
      {{#CHILD}}<li class="org-node">
        <div class="d-flex align-items-center gap-1">
          {{#HAS_CHILDREN}}<button type="button" class="btn btn-sm btn-link p-0 tree-toggle" aria-label="{{T_expand}}" hx-get="/orgs/{{CODE:u}}/children?as_of={{AS_OF:u}}" hx-target="next .org-sub" hx-swap="innerHTML" data-toggle-tree>+</button>{{/HAS_CHILDREN}}
          <a href="/orgs/{{CODE:u}}?as_of={{AS_OF:u}}" class="org-link">{{NAME}}</a>
          <span class="badge rounded-pill text-bg-secondary ms-auto member-count" title="{{T_member_count}}">{{COUNT}}</span>
        </div>
        <ul class="org-sub list-unstyled ms-3"></ul>
      </li>{{/CHILD}}
      </ul>
    </div></div>
  </section>
  <section class="col-lg-8" aria-labelledby="members-title">
    <div class="card"><div class="card-body">
      <h2 class="h6 card-title" id="members-title">{{T_org_members}}</h2>
      <div id="members">{{>MEMBERS_TABLE}}</div>
    </div></div>
  </section>
</div>
