{{%AUTOESCAPE context="HTML"}}<h1 class="h3 mb-1">{{T_audit_title}}</h1>
<p class="text-muted small mb-3">{{T_audit_scope}}: {{SCOPE}}</p>
<form class="row g-2 align-items-end mb-3 audit-filters" method="get" action="/audit" id="audit-filters">
  <div class="col-sm-6 col-lg-2"><label class="form-label small" for="a-actor">{{T_audit_actor}}</label>
    <input class="form-control form-control-sm" id="a-actor" name="actor" value="{{F_ACTOR}}"></div>
  <div class="col-sm-6 col-lg-2"><label class="form-label small" for="a-member">{{T_audit_member}}</label>
    <input class="form-control form-control-sm" id="a-member" name="member" value="{{F_MEMBER}}" inputmode="numeric"></div>
  <div class="col-sm-6 col-lg-2"><label class="form-label small" for="a-org">{{T_audit_org}}</label>
    <input class="form-control form-control-sm" id="a-org" name="org" value="{{F_ORG}}"></div>
  <div class="col-sm-6 col-lg-2"><label class="form-label small" for="a-action">{{T_audit_action}}</label>
    <input class="form-control form-control-sm" id="a-action" name="action" value="{{F_ACTION}}" placeholder="view, update, …"></div>
  <div class="col-sm-6 col-lg-1"><label class="form-label small" for="a-from">{{T_audit_from}}</label>
    <input class="form-control form-control-sm" type="date" id="a-from" name="from" value="{{F_FROM}}"></div>
  <div class="col-sm-6 col-lg-1"><label class="form-label small" for="a-to">{{T_audit_to}}</label>
    <input class="form-control form-control-sm" type="date" id="a-to" name="to" value="{{F_TO}}"></div>
  <div class="col-sm-12 col-lg-2"><button class="btn btn-primary btn-sm w-100" type="submit" id="audit-search">{{T_search}}</button></div>
</form>
{{#NO_ENTRIES}}<p class="text-muted" id="audit-empty">{{T_audit_none}}</p>{{/NO_ENTRIES}}
<div class="table-responsive"><table class="table table-sm table-striped small" id="audit-table">
  <thead><tr><th scope="col">#</th><th scope="col">{{T_audit_time}}</th><th scope="col">{{T_audit_actor}}</th><th scope="col">{{T_audit_action}}</th><th scope="col">{{T_audit_entity}}</th><th scope="col">{{T_audit_org}}</th><th scope="col">{{T_audit_detail}}</th></tr></thead>
  <tbody>{{#ENTRY}}<tr class="audit-row" data-seq="{{SEQ}}" data-action="{{ACTION_KEY}}"><td>{{SEQ}}</td><td class="text-nowrap">{{AT}}</td><td>{{ACTOR}}</td><td>{{ACTION}}</td><td>{{ENTITY}} {{ENTITY_ID}}</td><td>{{ORG}}</td><td class="text-break">{{DETAIL}}</td></tr>{{/ENTRY}}</tbody>
</table></div>
<nav class="d-flex gap-2" aria-label="{{T_audit_paging}}">{{#FIRST}}<a class="btn btn-outline-secondary btn-sm" href="{{URL}}" id="audit-first">{{T_first_page}}</a>{{/FIRST}}{{#NEXT}}<a class="btn btn-outline-secondary btn-sm" href="{{URL}}" id="audit-next">{{T_older}}</a>{{/NEXT}}</nav>
