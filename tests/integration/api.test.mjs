// Integration tests of the JSON API (/api/v1) against a real `dangbo serve`.
// Run: node --test tests/integration/   (needs build/dangbo, or DANGBO_BIN)
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import {
  startServer, request, describe, allPages, hcmcCommunes, fold, login, tail,
} from './harness.mjs';

let srv;
const API = () => `${srv.baseUrl}/api/v1`;

before(async () => {
  srv = await startServer({ members: Number(process.env.DANGBO_TEST_MEMBERS || 3000), seed: 7 });
});

after(async () => {
  if (srv) await srv.stop();
});

/** Asserts an RFC 9457 problem answer with the given status(es). */
function assertProblem(res, statuses, what) {
  const list = Array.isArray(statuses) ? statuses : [statuses];
  assert.ok(list.includes(res.status), `${what}: expected ${list.join(' or ')}, got ${describe(res)}`);
  assert.match(res.contentType, /^application\/problem\+json\b/, `${what}: content type should be problem+json: ${describe(res)}`);
  assert.ok(res.json && typeof res.json === 'object', `${what}: body is not JSON: ${describe(res)}`);
  assert.equal(res.json.status, res.status, `${what}: problem.status should equal the HTTP status: ${describe(res)}`);
  assert.equal(typeof res.json.title, 'string', `${what}: problem.title missing: ${describe(res)}`);
}

const VIETNAMESE_LETTERS = /[ăâđêôơưàảãáạằẳẵắặầẩẫấậèẻẽéẹềểễếệìỉĩíịòỏõóọồổỗốộờởỡớợùủũúụừửữứựỳỷỹýỵ]/i;

// -------------------------------------------------------------------------------------------

test('GET /healthz → 200', async () => {
  const res = await request(`${srv.baseUrl}/healthz`);
  assert.equal(res.status, 200, describe(res));
});

test('GET /api/v1/openapi.json is valid JSON describing the paths', async () => {
  const res = await request(`${API()}/openapi.json`);
  assert.equal(res.status, 200, describe(res));
  assert.match(res.contentType, /json/, describe(res));
  assert.ok(res.json, `not JSON: ${describe(res, 200)}`);
  assert.match(String(res.json.openapi ?? ''), /^3\./, 'openapi version 3.x expected');
  assert.ok(res.json.paths && typeof res.json.paths === 'object', 'no "paths" object');
  const paths = Object.keys(res.json.paths);
  for (const p of ['/organizations', '/members', '/members/{id}', '/stats']) {
    assert.ok(paths.some((k) => k === p || k.endsWith(p)), `openapi.json lacks a path ending in ${p}; has: ${paths.join(', ')}`);
  }
  const member = res.json.paths[paths.find((k) => k.endsWith('/members/{id}'))];
  assert.ok(member.get && member.patch, '/members/{id} should document GET and PATCH');
});

test('401 problem+json without credentials, and with a wrong bearer token', async () => {
  for (const p of ['/members?org=HCM', '/organizations?parent=HCM', '/stats?org=HCM', '/members/1']) {
    assertProblem(await request(`${API()}${p}`), 401, `GET ${p} without credentials`);
    assertProblem(await request(`${API()}${p}`, { token: 'not-a-real-token' }), 401, `GET ${p} with a wrong token`);
  }
  const patch = await request(`${API()}/members/1`, { method: 'PATCH', json: { phone: '0900000000' } });
  assertProblem(patch, 401, 'PATCH without credentials');
});

test('unknown API path and unknown member are problem+json 404', async () => {
  assertProblem(await request(`${API()}/members/999999999`, { token: srv.tokens.admin }), 404, 'GET unknown member');
  assertProblem(await request(`${API()}/members/not-a-number`, { token: srv.tokens.admin }), [400, 404, 422], 'GET /members/not-a-number');
});

test('the 168 ward/commune committees of Ho Chi Minh City, over all pages', async () => {
  let pages = 0;
  const items = await allPages(srv.baseUrl, '/api/v1/organizations?kind=commune_committee&parent=HCM',
    { token: srv.tokens.admin, onPage: () => { pages++; } });
  const codes = items.map((o) => o.code);
  assert.equal(new Set(codes).size, codes.length, `duplicate codes across pages: ${codes.filter((c, i) => codes.indexOf(c) !== i).join(', ')}`);
  assert.equal(items.length, 168, `expected 168 committees, got ${items.length} over ${pages} page(s)`);

  for (const o of items) {
    for (const k of ['code', 'name', 'kind', 'parent', 'member_count']) {
      assert.ok(k in o, `item ${JSON.stringify(o)} lacks "${k}"`);
    }
    assert.equal(o.kind, 'commune_committee', JSON.stringify(o));
    assert.equal(o.parent, 'HCM', JSON.stringify(o));
    assert.ok(Number.isInteger(o.member_count) && o.member_count >= 0, `member_count: ${JSON.stringify(o)}`);
    assert.ok(/^Đảng bộ (phường|xã|đặc khu) /.test(o.name.normalize('NFC')), `name should start with "Đảng bộ phường/xã/đặc khu ": ${o.name}`);
    assert.equal(o.name, o.name.normalize('NFC'), `name is not NFC: ${o.name}`);
  }
  assert.ok(items.some((o) => o.member_count > 0), 'no ward has any member');

  // Independent reading of the 2025 list of communes (province_code 79).
  const ref = await hcmcCommunes();
  assert.equal(ref.length, 168, 'the reference CSV should list 168 HCMC units');
  const refCodes = new Set(ref.map((r) => r.commune_code));
  const missing = [...refCodes].filter((c) => !codes.includes(c));
  const extra = codes.filter((c) => !refCodes.has(c));
  assert.deepEqual({ missing, extra }, { missing: [], extra: [] }, 'codes differ from data/admin_units/new_communes_2025-07.csv');
  const byCode = new Map(ref.map((r) => [r.commune_code, r]));
  const wrongNames = items.filter((o) => !o.name.endsWith(' ' + byCode.get(o.code).name)).map((o) => `${o.code}: ${o.name} (CSV: ${byCode.get(o.code).full_name})`);
  assert.deepEqual(wrongNames, [], 'committee names should end with the unit name of the CSV');
  const kinds = { 'Phường': 'phường', 'Xã': 'xã', 'Đặc khu': 'đặc khu' };
  const wrongType = items.filter((o) => {
    const t = kinds[byCode.get(o.code).unit_type];
    return t && !o.name.startsWith(`Đảng bộ ${t} `) && !o.name.startsWith('Đảng bộ phường '); // a xã may since have become a phường
  }).map((o) => `${o.code}: ${o.name}`);
  assert.deepEqual(wrongType, [], 'committee type (phường/xã/đặc khu) should follow the CSV');
});

test('organizations: a small page size pages by key without gaps or duplicates', async () => {
  const all = await allPages(srv.baseUrl, '/api/v1/organizations?kind=commune_committee&parent=HCM&limit=25', { token: srv.tokens.admin });
  assert.equal(all.length, 168);
  assert.equal(new Set(all.map((o) => o.code)).size, 168);
});

test('member search without diacritics, keyset paging in Vietnamese order', async () => {
  const q = 'nguyen';
  const tokens = q.split(/\s+/).filter(Boolean).map(fold);
  let pages = 0;
  const items = await allPages(srv.baseUrl, `/api/v1/members?q=${encodeURIComponent(q)}&org=HCM`,
    { token: srv.tokens.admin, onPage: () => { pages++; } });
  assert.ok(items.length > 0, 'a search for "nguyen" in 3000 synthetic members should find someone');
  assert.ok(pages > 1, `expected several pages for "nguyen" (got ${items.length} items in ${pages} page(s)); paging is not exercised`);

  // no duplicates across pages
  const ids = items.map((m) => m.id);
  const dup = ids.filter((id, i) => ids.indexOf(id) !== i);
  assert.deepEqual(dup, [], 'duplicate members across pages');

  // every item matches every token, without diacritics
  const bad = items.filter((m) => {
    const parts = [m.family_name, m.middle_name, m.given_name].map(fold);
    return !tokens.every((t) => parts.some((p) => p.includes(t)));
  }).map((m) => `${m.id} ${m.family_name} ${m.middle_name} ${m.given_name}`);
  assert.deepEqual(bad.slice(0, 10), [], `${bad.length} result(s) do not contain "${q}" in a name`);
  assert.ok(items.some((m) => /Nguyễn/.test(m.family_name)), 'the search should find "Nguyễn" written with its marks');

  // Vietnamese order: given name, then family name, then middle name (ICU collation 'vi')
  const coll = new Intl.Collator('vi');
  const cmp = (a, b) => coll.compare(a.given_name, b.given_name) || coll.compare(a.family_name, b.family_name) ||
    coll.compare(a.middle_name ?? '', b.middle_name ?? '');
  const disorder = [];
  for (let i = 1; i < items.length; i++) {
    if (cmp(items[i - 1], items[i]) > 0) {
      const f = (m) => `#${m.id} ${m.given_name} | ${m.family_name} | ${m.middle_name}`;
      disorder.push(`${i}: ${f(items[i - 1])}  >  ${f(items[i])}`);
    }
  }
  assert.deepEqual(disorder.slice(0, 10), [], `${disorder.length} pair(s) out of Vietnamese order (given, family, middle)`);

  // the same search with the marks typed finds at least the same people
  const withMarks = await allPages(srv.baseUrl, `/api/v1/members?q=${encodeURIComponent('Nguyễn')}&org=HCM`, { token: srv.tokens.admin });
  assert.ok(withMarks.length > 0, 'a search for "Nguyễn" found nobody');
});

// Search matches a prefix of the name as written (family middle given), of given + family,
// of family + given, and of middle + given (README: API).

test('member search by family and given name, skipping the middle name ("nguyen an")', async () => {
  // Vietnamese users search "họ + tên": every token must match a name part, in any position.
  const list = await request(`${API()}/members?org=HCM&limit=200`, { token: srv.tokens.admin });
  assert.equal(list.status, 200, describe(list));
  const m = list.json.items.find((x) => x.middle_name && fold(x.family_name) !== fold(x.given_name));
  assert.ok(m, 'no member with a middle name');
  for (const q of [`${fold(m.family_name)} ${fold(m.given_name)}`, `${fold(m.given_name)} ${fold(m.family_name)}`, fold(m.given_name)]) {
    const found = await allPages(srv.baseUrl, `/api/v1/members?q=${encodeURIComponent(q)}&org=HCM&limit=500`, { token: srv.tokens.admin });
    assert.ok(found.some((x) => x.id === m.id), `searching "${q}" should find ${m.full_name} (#${m.id}); found ${found.length}: ${found.slice(0, 5).map((x) => x.full_name).join(', ')}`);
  }
});

test('member search with two tokens and a small page size', async () => {
  const q = 'van an';
  const items = await allPages(srv.baseUrl, `/api/v1/members?q=${encodeURIComponent(q)}&org=HCM&limit=7`, { token: srv.tokens.admin });
  assert.ok(items.length > 7, `"${q}" should find more than one page of the 3000 synthetic members (found ${items.length})`);
  const ids = items.map((m) => m.id);
  assert.equal(new Set(ids).size, ids.length, 'duplicates across pages');
  const bad = items.filter((m) => {
    const parts = [m.family_name, m.middle_name, m.given_name].map(fold);
    return !['van', 'an'].every((t) => parts.some((p) => p.includes(t)));
  });
  assert.deepEqual(bad.map((m) => `${m.family_name} ${m.middle_name} ${m.given_name}`), []);
});

test('a bad cursor is a problem+json client error, not a 500', async () => {
  const res = await request(`${API()}/members?org=HCM&after=${encodeURIComponent("x'; DROP TABLE member; --")}`, { token: srv.tokens.admin });
  assertProblem(res, [400, 422], 'malformed cursor');
});

async function someMember(org, token = srv.tokens.admin) {
  const res = await request(`${API()}/members?org=${encodeURIComponent(org)}&limit=5`, { token });
  assert.equal(res.status, 200, describe(res));
  assert.ok(res.json.items.length > 0, `no member in ${org}: ${describe(res)}`);
  return res.json.items[0];
}

test('GET and PATCH /api/v1/members/{id}: the change is stored', async () => {
  const m = await someMember(srv.orgs.wardA);
  const get1 = await request(`${API()}/members/${m.id}`, { token: srv.tokens.admin });
  assert.equal(get1.status, 200, describe(get1));
  assert.equal(get1.json.id, m.id);

  const phone = get1.json.phone === '0912345678' ? '0987654321' : '0912345678';
  const patch = await request(`${API()}/members/${m.id}`, { method: 'PATCH', token: srv.tokens.admin, json: { phone } });
  assert.equal(patch.status, 200, describe(patch));
  assert.match(patch.contentType, /^application\/json\b/, describe(patch));
  assert.equal(patch.json.phone, phone, describe(patch));

  const get2 = await request(`${API()}/members/${m.id}`, { token: srv.tokens.admin });
  assert.equal(get2.status, 200, describe(get2));
  assert.equal(get2.json.phone, phone, `GET after PATCH should show the new phone: ${describe(get2)}`);
  for (const k of ['family_name', 'middle_name', 'given_name', 'birth_date', 'citizen_id', 'status']) {
    assert.deepEqual(get2.json[k], get1.json[k], `PATCH of phone changed ${k}`);
  }
  if (typeof get1.json.version === 'number') {
    assert.ok(get2.json.version > get1.json.version, 'version should increase after an edit');
  }
});

test('PATCH with an impossible date → 422 problem+json in Vietnamese; nothing changed', async () => {
  const m = await someMember(srv.orgs.wardA);
  const before = await request(`${API()}/members/${m.id}`, { token: srv.tokens.admin });
  const res = await request(`${API()}/members/${m.id}`, {
    method: 'PATCH', token: srv.tokens.admin, json: { birth_date: '1970-02-30', occupation: 'Không được lưu' },
  });
  assertProblem(res, 422, 'PATCH birth_date=1970-02-30');
  assert.equal(typeof res.json.detail, 'string', describe(res));
  assert.ok(VIETNAMESE_LETTERS.test(res.json.detail), `detail should be Vietnamese: ${res.json.detail}`);
  const afterRes = await request(`${API()}/members/${m.id}`, { token: srv.tokens.admin });
  assert.deepEqual(afterRes.json, before.json, 'a rejected PATCH must change nothing (occupation was sent too)');
});

test('PATCH with a stale version → 409 conflict, nothing changed', async () => {
  const m = await someMember(srv.orgs.wardA);
  const cur = (await request(`${API()}/members/${m.id}`, { token: srv.tokens.admin })).json;
  if (typeof cur.version !== 'number') return; // the API has no optimistic concurrency
  const res = await request(`${API()}/members/${m.id}`, {
    method: 'PATCH', token: srv.tokens.admin, json: { occupation: 'Lỗi thời', version: cur.version - 1 < 0 ? 999 : cur.version + 100 },
  });
  assertProblem(res, [409, 412], 'PATCH with a stale version');
  const now = (await request(`${API()}/members/${m.id}`, { token: srv.tokens.admin })).json;
  assert.deepEqual(now, cur);
});

test('malformed JSON body → problem+json client error', async () => {
  const m = await someMember(srv.orgs.wardA);
  const res = await request(`${API()}/members/${m.id}`, {
    method: 'PATCH', token: srv.tokens.admin, headers: { 'Content-Type': 'application/json' }, body: '{"phone": ',
  });
  assertProblem(res, [400, 422], 'malformed JSON');
});

test('staff of ward A cannot see or change a member of ward B (nothing leaks)', async () => {
  const other = await someMember(srv.orgs.wardB);
  const full = (await request(`${API()}/members/${other.id}`, { token: srv.tokens.admin })).json;

  const res = await request(`${API()}/members/${other.id}`, { token: srv.tokens.staff });
  assertProblem(res, [403, 404], `staff of ${srv.orgs.wardA} reading member ${other.id} of ${srv.orgs.wardB}`);
  const secrets = [full.family_name + ' ' + full.middle_name, full.given_name, full.citizen_id, full.phone, full.card_number, full.birth_date]
    .filter((s) => typeof s === 'string' && s.trim().length >= 4);
  for (const s of secrets) assert.ok(!res.text.includes(s), `the 403/404 body leaks "${s}": ${res.text}`);

  const patch = await request(`${API()}/members/${other.id}`, { method: 'PATCH', token: srv.tokens.staff, json: { phone: '0911111111' } });
  assertProblem(patch, [403, 404], 'staff patching a member of another ward');
  const after = (await request(`${API()}/members/${other.id}`, { token: srv.tokens.admin })).json;
  assert.deepEqual(after, full, 'a refused PATCH must change nothing');

  // listing another ward is refused or empty, never the other ward's people
  const list = await request(`${API()}/members?org=${encodeURIComponent(srv.orgs.wardB)}`, { token: srv.tokens.staff });
  if (list.status === 200) {
    assert.deepEqual(list.json.items, [], `staff listing ward B should get nothing: ${describe(list)}`);
  } else {
    assertProblem(list, [403, 404], 'staff listing ward B');
  }
  // the staff user's own ward works
  const own = await someMember(srv.orgs.wardA, srv.tokens.staff);
  const ownGet = await request(`${API()}/members/${own.id}`, { token: srv.tokens.staff });
  assert.equal(ownGet.status, 200, describe(ownGet));
});

async function subtreeCodes(root) {
  const codes = new Set([root]);
  const queue = [root];
  while (queue.length) {
    const parent = queue.shift();
    const kids = await allPages(srv.baseUrl, `/api/v1/organizations?parent=${encodeURIComponent(parent)}&limit=1000`, { token: srv.tokens.admin });
    for (const k of kids) if (!codes.has(k.code)) { codes.add(k.code); queue.push(k.code); }
  }
  return codes;
}

test('a search without org by a ward staff user returns only that ward', async () => {
  const res = await request(`${API()}/members?q=nguyen&limit=500`, { token: srv.tokens.staff });
  assert.equal(res.status, 200, describe(res));
  assert.ok(res.json.items.length > 0, `staff of ${srv.orgs.wardA} finds nobody named nguyen in the ward: ${describe(res)}`);
  const inWard = await subtreeCodes(srv.orgs.wardA);
  const outside = res.json.items.filter((m) => !inWard.has(m.organization)).map((m) => `${m.id} in ${m.organization}`);
  assert.deepEqual(outside, [], `members outside ${srv.orgs.wardA} visible to its staff`);
  const other = await request(`${API()}/members?q=nguyen&org=${encodeURIComponent(srv.orgs.wardB)}`, { token: srv.tokens.staff });
  assert.ok(other.status !== 200 || other.json.items.length === 0, `ward B visible to ward A staff: ${describe(other)}`);
});

test('a cell secretary sees the cell, not the rest of the ward', async () => {
  const mine = await request(`${API()}/members?org=${encodeURIComponent(srv.orgs.cellB)}`, { token: srv.tokens.secretary });
  assert.equal(mine.status, 200, describe(mine));
  assert.ok(mine.json.items.length > 0, `no member in cell ${srv.orgs.cellB} for its secretary: ${describe(mine)}`);
  const outside = await someMember(srv.orgs.wardA);
  const res = await request(`${API()}/members/${outside.id}`, { token: srv.tokens.secretary });
  assertProblem(res, [403, 404], 'secretary reading a member of another ward');
  assert.ok(!res.text.includes(outside.given_name + '"'), 'body leaks the name');
});

test('GET /api/v1/stats has the documented shape and adds up', async () => {
  const res = await request(`${API()}/stats?org=HCM`, { token: srv.tokens.admin });
  assert.equal(res.status, 200, describe(res));
  const s = res.json;
  assert.equal(s.org.code, 'HCM');
  assert.equal(typeof s.org.name, 'string');
  assert.ok(Number.isInteger(s.total) && s.total > 0, `total: ${s.total}`);
  assert.equal(s.synthetic, true);
  for (const k of ['by_status', 'by_gender', 'by_age_band']) {
    assert.ok(Array.isArray(s[k]) && s[k].length > 0, `${k} missing`);
    for (const it of s[k]) {
      assert.equal(typeof it.key, 'string', `${k}: ${JSON.stringify(it)}`);
      assert.equal(typeof it.label, 'string', `${k}: ${JSON.stringify(it)}`);
      assert.ok(Number.isInteger(it.count) && it.count >= 0, `${k}: ${JSON.stringify(it)}`);
    }
  }
  const sum = (a) => a.reduce((t, x) => t + x.count, 0);
  assert.equal(sum(s.by_gender), s.total, 'by_gender should add up to total');
  assert.equal(sum(s.by_age_band), s.total, 'by_age_band should add up to total');
  assert.ok(Array.isArray(s.by_child) && s.by_child.length === 168, `by_child of HCM should list the 168 committees, has ${s.by_child?.length}`);
  for (const c of s.by_child) assert.ok(typeof c.code === 'string' && typeof c.name === 'string' && Number.isInteger(c.count), JSON.stringify(c));
  assert.equal(sum(s.by_child), s.total, 'by_child should add up to total');
  const full = s.by_status.find((x) => x.key === 'full');
  assert.ok(full && full.label === 'Chính thức', `status "full" should be labelled "Chính thức": ${JSON.stringify(s.by_status)}`);

  const denied = await request(`${API()}/stats?org=${encodeURIComponent(srv.orgs.wardB)}`, { token: srv.tokens.staff });
  assertProblem(denied, [403, 404], 'staff asking for the statistics of another ward');
});

test('sign-in form: wrong password is refused, right one gives a session', async () => {
  const page = await fetch(`${srv.baseUrl}/login`);
  assert.equal(page.status, 200);
  const csp = page.headers.get('content-security-policy') || '';
  assert.match(csp, /script-src 'self'/, `CSP header: ${csp}`);
  await assert.rejects(login(srv.baseUrl, 'admin', 'wrong-password'), /without a dangbo_session|→ [24]\d\d/);
  const c = await login(srv.baseUrl, 'admin', srv.adminPassword);
  assert.ok(c.session, 'no session cookie');
  const home = await c.fetch('/');
  assert.ok([200, 302, 303].includes(home.status), `GET / after sign-in → ${home.status}`);
  // a cookie session without the CSRF token cannot change anything
  const m = await someMember(srv.orgs.wardA);
  const noCsrf = await c.fetch(`/api/v1/members/${m.id}`, {
    method: 'PATCH', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify({ phone: '0900000001' }),
  });
  assert.equal(noCsrf.status, 403, `PATCH with a session cookie and no X-CSRF-Token → ${noCsrf.status}`);
});

test('server exits cleanly on SIGTERM', async () => {
  const r = await srv.stop();
  assert.equal(r.killed, false, `dangbo serve did not stop within 15 s of SIGTERM\n${tail(srv.log(), 20)}`);
  assert.equal(r.code, 0, `dangbo serve exited with ${r.code ?? r.signal} on SIGTERM\n${tail(srv.log(), 20)}`);
});
