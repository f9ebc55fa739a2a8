// Editing a member, through the API (PATCH /api/v1/members/{id}) and the HTML form
// (POST /members/{id}/edit), against a real server (found by the newcomer test):
//   - a phone is stored as `dangbo clean` and `dangbo import` store it: old 11-digit mobile
//     prefixes renumbered (0168… → 038…), +84 → 0, spaces and dots removed; what cannot be
//     normalized is refused (422) with a Vietnamese message, and nothing changes;
//   - validation messages name each field by its Vietnamese label ("Điện thoại: …"), never by
//     the API name ("phone: …"); the API names stay in the problem's `errors` and `fields`.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startServer, request, describe, login, hiddenInput } from './harness.mjs';

let srv;
let staff;       // signed-in cookie client of the ward-A staff user
let memberId;    // a member of ward A
const API = () => `${srv.baseUrl}/api/v1`;

before(async () => {
  srv = await startServer({ members: 300, seed: 13 });
  staff = await login(srv.baseUrl, srv.users.staff.username, srv.users.staff.password);
  const list = await request(`${API()}/members?org=${encodeURIComponent(srv.orgs.wardA)}&limit=5`, { token: srv.tokens.staff });
  assert.equal(list.status, 200, describe(list));
  assert.ok(list.json.items.length > 0, 'ward A has members');
  memberId = list.json.items[0].id;
});

after(async () => {
  if (srv) await srv.stop();
});

async function stored() {
  const r = await request(`${API()}/members/${memberId}`, { token: srv.tokens.staff });
  assert.equal(r.status, 200, describe(r));
  return r.json;
}

function patch(json) {
  return request(`${API()}/members/${memberId}`, { method: 'PATCH', token: srv.tokens.staff, json });
}

/** Submits the edit form as a browser does: the page's csrf and version, then the given fields. */
async function submitForm(fields) {
  const page = await staff.fetch(`/members/${memberId}/edit`, { headers: { Accept: 'text/html' } });
  const html = await page.text();
  assert.equal(page.status, 200, html.slice(0, 300));
  const body = new URLSearchParams({ csrf: hiddenInput(html, 'csrf'), version: hiddenInput(html, 'version'), ...fields });
  const res = await staff.fetch(`/members/${memberId}/edit`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/x-www-form-urlencoded', Accept: 'text/html' },
    body: body.toString(),
  });
  return { status: res.status, location: res.headers.get('location'), html: await res.text() };
}

test('PATCH: a phone is normalized as the data cleaning does it', async () => {
  for (const [typed, want] of [
    ['0168 123 4567', '0381234567'],   // old Viettel prefix 0168 → 038
    ['0128.765.4321', '0787654321'],   // old MobiFone 0128 → 078
    ['+84 912 345 678', '0912345678'], // country code
    ['84 987 654 321', '0987654321'],
    ['0912.345.678', '0912345678'],
    ['(028) 3822 1234', '02838221234'], // a landline keeps its 11 digits
  ]) {
    const r = await patch({ phone: typed });
    assert.equal(r.status, 200, `${typed}: ${describe(r)}`);
    assert.equal(r.json.phone, want, typed);
    assert.equal((await stored()).phone, want, `${typed}: stored`);
  }
});

test('PATCH: a phone that cannot be normalized → 422 with a Vietnamese message; nothing changes', async () => {
  const before = await stored();
  for (const bad of ['12345', '0912 34', 'không có', '0112345678']) {
    const r = await patch({ phone: bad });
    assert.equal(r.status, 422, `${bad}: ${describe(r)}`);
    assert.equal(r.contentType, 'application/problem+json');
    assert.match(r.json.errors.phone, /^Số điện thoại '.*' không đúng dạng: số di động gồm 10 chữ số/, describe(r));
    const after = await stored();
    assert.equal(after.phone, before.phone, `${bad}: the stored phone is kept`);
    assert.equal(after.version, before.version, `${bad}: nothing saved`);
  }
});

test('the edit form: a phone is normalized the same way; a bad one is shown beside the field', async () => {
  const ok = await submitForm({ phone: '0169 888 7766' });
  assert.equal(ok.status, 303, ok.html.slice(0, 300));
  assert.equal(ok.location, `/members/${memberId}?saved=1`);
  assert.equal((await stored()).phone, '0398887766', 'Viettel 0169 → 039');

  const plus = await submitForm({ phone: '+84 903 111 222' });
  assert.equal(plus.status, 303, plus.html.slice(0, 300));
  assert.equal((await stored()).phone, '0903111222');

  const bad = await submitForm({ phone: '0903 11' });
  assert.equal(bad.status, 422);
  assert.match(bad.html, /Số điện thoại &#39;0903 11&#39; không đúng dạng|Số điện thoại '0903 11' không đúng dạng/);
  assert.equal((await stored()).phone, '0903111222', 'nothing saved');
});

// A field's API name followed by a colon, as the detail used to begin ("phone: Số điện thoại…").
const API_KEY_PREFIX = /\b(phone|birth_date|admitted_on|full_member_on|citizen_id|email|gender|card_number)\s*:/;

test('PATCH: the problem names the fields by their Vietnamese labels; the API names stay in errors/fields', async () => {
  const r = await patch({ phone: '12345', birth_date: '30/02/1970', email: 'khong-phai-thu' });
  assert.equal(r.status, 422, describe(r));
  assert.equal(r.contentType, 'application/problem+json');
  const detail = r.json.detail;
  assert.doesNotMatch(detail, API_KEY_PREFIX, detail);
  assert.match(detail, /(^|; )Điện thoại: Số điện thoại '12345' không đúng dạng/, detail);
  assert.match(detail, /(^|; )Ngày sinh: Ngày '30\/02\/1970' không hợp lệ/, detail);
  assert.match(detail, /(^|; )Thư điện tử: Địa chỉ thư điện tử không hợp lệ/, detail);
  assert.deepEqual(Object.keys(r.json.errors).sort(), ['birth_date', 'email', 'phone']);
  assert.match(r.json.errors.phone, /^Số điện thoại/);
  const byField = Object.fromEntries(r.json.fields.map((f) => [f.field, f]));
  assert.equal(byField.phone.label, 'Điện thoại');
  assert.equal(byField.birth_date.label, 'Ngày sinh');
  assert.equal(byField.email.label, 'Thư điện tử');
  assert.equal(byField.phone.message, r.json.errors.phone);
});

test('the edit form: messages stand beside the labelled field, with no API name in the page', async () => {
  const res = await submitForm({ phone: '12345', birth_date: '30/02/1970' });
  assert.equal(res.status, 422);
  const text = res.html.replace(/<[^>]+>/g, ' ').replace(/\s+/g, ' ');
  assert.doesNotMatch(text, API_KEY_PREFIX, 'an API name shown to the user');
  for (const [field, label, message] of [['phone', 'Điện thoại', 'Số điện thoại'], ['birth_date', 'Ngày sinh', 'Ngày']]) {
    const m = new RegExp(`<label[^>]*for="f-${field}"[^>]*>([^<]*)</label>[\\s\\S]*?<div class="invalid-feedback[^"]*" id="e-${field}">([^<]*)</div>`).exec(res.html);
    assert.ok(m, `no message beside ${field}`);
    assert.equal(m[1], label);
    assert.ok(m[2].startsWith(message), `${field}: ${m[2]}`);
  }
});
