{{%AUTOESCAPE context="HTML"}}{{#CHILD}}<li class="org-node">
  <div class="d-flex align-items-center gap-1">
    {{#HAS_CHILDREN}}<button type="button" class="btn btn-sm btn-link p-0 tree-toggle" aria-label="{{T_expand}}" hx-get="/orgs/{{CODE:u}}/children?as_of={{AS_OF:u}}" hx-target="next .org-sub" hx-swap="innerHTML" data-toggle-tree>+</button>{{/HAS_CHILDREN}}
    <a href="/orgs/{{CODE:u}}?as_of={{AS_OF:u}}" class="org-link">{{NAME}}</a>
    <span class="badge rounded-pill text-bg-secondary ms-auto member-count" title="{{T_member_count}}">{{COUNT}}</span>
  </div>
  <ul class="org-sub list-unstyled ms-3"></ul>
</li>{{/CHILD}}
