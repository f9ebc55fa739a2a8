// Integration tests of the web protections against a real `dangbo serve` (tight limits for this
// file: 64 KiB bodies, 2 s request timeout, small rate-limit buckets, 127.0.0.1 trusted as a
// proxy so that each test can speak from its own X-Forwarded-For address):
// security headers, CSRF, request limits, rate limits (429 + Retry-After + Vietnamese problem),
// per-address back-off, sign out everywhere, forced password change, TOTP sign-in (codes
// computed here with Node's own HMAC-SHA1), and the export of another ward refused.
// Run: node --test tests/integration/security.test.mjs
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import net from 'node:net';
import crypto from 'node:crypto';
import { startServer, request, describe, login, runCli, hiddenInput, metaContent, CookieJar, parseCsv, dbRows } from './harness.mjs';

let srv;

before(async () => {
  srv = await startServer({
    members: Number(process.env.DANGBO_TEST_MEMBERS || 1500),
    seed: 11,
    serveArgs: ['--max-body', '65536', '--request-timeout', '2', '--api-burst', '60', '--api-rate', '20',
      '--login-burst', '30', '--login-rate', '30', '--trusted-proxy', '127.0.0.1'],
  });
});

after(async () => {
  if (srv) await srv.stop();
});

const html = { Accept: 'text/html' };

/** Raw HTTP over a socket: writes `data` (string or array of [chunk, delayMs]), resolves what came back. */
function raw(data, { timeoutMs = 8000 } = {}) {
  const { port, hostname } = new URL(srv.baseUrl);
  return new Promise((resolve, reject) => {
    const sock = net.connect(Number(port), hostname);
    let got = '';
    const timer = setTimeout(() => { sock.destroy(); resolve({ text: got, timedOut: true }); }, timeoutMs);
    sock.setEncoding('utf8');
    sock.on('data', (d) => { got += d; });
    sock.on('error', (e) => { if (!got) { clearTimeout(timer); reject(e); } });
    sock.on('close', () => { clearTimeout(timer); resolve({ text: got, timedOut: false }); });
    sock.on('connect', () => { sock.write(data); });
  });
}

// RFC 6238 TOTP, written here independently of the server (Node's crypto).
function base32Decode(s) {
  const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567';
  let bits = 0, value = 0;
  const out = [];
  for (const ch of s.replace(/[=\s-]/g, '').toUpperCase()) {
    value = (value << 5) | alphabet.indexOf(ch);
    bits += 5;
    if (bits >= 8) { out.push((value >>> (bits - 8)) & 0xff); bits -= 8; }
  }
  return Buffer.from(out);
}
function totp(secretB32, unixSeconds = Math.floor(Date.now() / 1000)) {
  const counter = Buffer.alloc(8);
  counter.writeBigUInt64BE(BigInt(Math.floor(unixSeconds / 30)));
  const mac = crypto.createHmac('sha1', base32Decode(secretB32)).update(counter).digest();
  const off = mac[mac.length - 1] & 0x0f;
  const bin = ((mac[off] & 0x7f) << 24) | (mac[off + 1] << 16) | (mac[off + 2] << 8) | mac[off + 3];
  return String(bin % 1_000_000).padStart(6, '0');
}

/** A browser-like client speaking from `xff` (X-Forwarded-For; 127.0.0.1 is the trusted proxy). */
function client(xff) {
  const jar = new CookieJar();
  return {
    jar,
    async fetch(p, init = {}) {
      const res = await fetch(srv.baseUrl + p, {
        redirect: 'manual',
        ...init,
        headers: { ...html, 'X-Forwarded-For': xff, ...(init.headers || {}), Cookie: jar.header() },
      });
      jar.update(res);
      return res;
    },
    async postForm(p, fields) {
      return this.fetch(p, {
        method: 'POST',
        headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
        body: new URLSearchParams(fields).toString(),
      });
    },
  };
}

/** GET /login then POST it from `xff`; returns the fetch Response (and the client on .client). */
async function postLogin(username, password, xff, { csrf: forceCsrf } = {}) {
  const c = client(xff);
  const token = hiddenInput(await (await c.fetch('/login')).text(), 'csrf');
  const res = await c.postForm('/login', { username, password, csrf: forceCsrf ?? token, next: '/' });
  res.client = c;
  return res;
}

// -------------------------------------------------------------------------------------------

test('security headers on pages, the API, static files and errors', async () => {
  const pages = [
    await request(`${srv.baseUrl}/login`, { headers: html }),
    await request(`${srv.baseUrl}/api/v1/members`, { token: srv.tokens.admin }),
    await request(`${srv.baseUrl}/static/app.js`),
    await request(`${srv.baseUrl}/no/such/page`, { headers: html }),
    await request(`${srv.baseUrl}/api/v1/members/999999999`, { token: srv.tokens.admin }),
  ];
  for (const r of pages) {
    const csp = r.headers.get('content-security-policy') || '';
    assert.match(csp, /default-src 'self'/, describe(r));
    assert.match(csp, /script-src 'self'(;|$)/, `no 'unsafe-inline' for scripts: ${csp}`);
    assert.doesNotMatch(csp, /unsafe-inline|unsafe-eval/, csp);
    assert.match(csp, /frame-ancestors 'none'/, csp);
    assert.equal(r.headers.get('x-content-type-options'), 'nosniff', describe(r));
    assert.equal(r.headers.get('x-frame-options'), 'DENY', describe(r));
    assert.ok(r.headers.get('referrer-policy'), describe(r));
    assert.equal(r.headers.get('strict-transport-security'), null, 'no HSTS on plain HTTP');
  }
  // personal data is not cached
  assert.equal(pages[1].headers.get('cache-control'), 'no-store');
  // the sign-in page's cookie
  const sc = pages[0].headers.getSetCookie().join('\n');
  assert.match(sc, /dangbo_login_csrf=[^;]+; Path=\/; SameSite=Strict; Max-Age=3600; HttpOnly/, sc);
});

test('a session cookie is HttpOnly and SameSite=Strict; POST without the CSRF token is refused', async () => {
  const c = await login(srv.baseUrl, srv.users.staff.username, srv.users.staff.password);
  // the Set-Cookie of the sign-in answer
  const res = await c.fetch('/account', { headers: html });
  assert.equal(res.status, 200);
  const page = await res.text();
  const csrf = metaContent(page, 'csrf-token');
  assert.ok(csrf && csrf.length >= 24, 'the page carries the CSRF token for htmx');
  // a member of the staff's ward, through the API
  const list = await request(`${srv.baseUrl}/api/v1/members?org=${srv.orgs.wardA}&limit=1`, { token: srv.tokens.staff });
  const id = list.json.items[0].id;
  const form = { 'Content-Type': 'application/x-www-form-urlencoded', ...html };
  const noToken = await c.fetch(`/members/${id}/edit`, { method: 'POST', headers: form, body: 'occupation=Gi%C3%A1o+vi%C3%AAn' });
  assert.equal(noToken.status, 403, 'POST without X-CSRF-Token or csrf field');
  assert.match(await noToken.text(), /CSRF/);
  const wrong = await c.fetch(`/members/${id}/edit`, { method: 'POST', headers: { ...form, 'X-CSRF-Token': 'x'.repeat(32) }, body: 'occupation=A' });
  assert.equal(wrong.status, 403);
  // what htmx sends (app.js adds X-CSRF-Token from the meta tag)
  const ok = await c.fetch(`/members/${id}/edit`, { method: 'POST', headers: { ...form, 'X-CSRF-Token': csrf, 'HX-Request': 'true' }, body: 'occupation=Gi%C3%A1o+vi%C3%AAn' });
  assert.equal(ok.status, 303, `with the header: ${ok.status}`);
  // sign-out is state-changing too
  const logout = await c.fetch('/logout', { method: 'POST', headers: form, body: '' });
  assert.equal(logout.status, 403, 'forced sign-out from another site is refused');
});

test('request limits: body size, header count, header size, time', async () => {
  const big = await fetch(`${srv.baseUrl}/api/v1/members/1`, {
    method: 'PATCH',
    headers: { Authorization: `Bearer ${srv.tokens.admin}`, 'Content-Type': 'application/json' },
    body: JSON.stringify({ occupation: 'x'.repeat(100_000) }),
  });
  assert.equal(big.status, 413);
  assert.match(big.headers.get('content-type'), /problem\+json/);
  assert.match((await big.json()).detail, /vượt quá giới hạn 65536 byte/);

  const many = {};
  for (let i = 0; i < 101; i++) many[`X-Filler-${i}`] = 'a';
  const r431 = await fetch(`${srv.baseUrl}/healthz`, { headers: many });
  assert.equal(r431.status, 431);
  assert.match((await r431.json()).detail, /quá nhiều trường header/);

  const huge = await fetch(`${srv.baseUrl}/healthz`, { headers: { 'X-Big': 'a'.repeat(20_000) } });
  assert.equal(huge.status, 431);

  // a client that sends half a request and waits: 408 after the 2-second timeout
  const t0 = Date.now();
  const slow = await raw('GET /healthz HTTP/1.1\r\nHost: x\r\n');
  const took = Date.now() - t0;
  assert.match(slow.text, /^HTTP\/1\.1 408/, slow.text);
  assert.ok(took >= 1500 && took < 7000, `answered after ${took} ms`);
});

test('API rate limit per client address: 429, Retry-After, Vietnamese problem detail', async () => {
  const url = `${srv.baseUrl}/api/v1/organizations?parent=HCM&limit=1`;
  const headers = { Authorization: `Bearer ${srv.tokens.admin}`, 'X-Forwarded-For': '203.0.113.20' };
  const all = await Promise.all(Array.from({ length: 200 }, () => fetch(url, { headers })));
  const statuses = all.map((r) => r.status);
  const limited = all.filter((r) => r.status === 429);
  assert.ok(limited.length >= 30, `expected many 429 of 200 with a burst of 60: ${statuses.join(',')}`);
  assert.ok(statuses.filter((s) => s === 200).length >= 60, statuses.join(','));
  const r = limited[0];
  assert.match(r.headers.get('retry-after'), /^[1-9][0-9]*$/);
  assert.match(r.headers.get('content-type'), /^application\/problem\+json/);
  const body = await r.json();
  assert.equal(body.status, 429);
  assert.match(body.detail, /Xin thử lại sau \d+ giây/);
  // another address is served at once
  const other = await fetch(url, { headers: { ...headers, 'X-Forwarded-For': '203.0.113.21' } });
  assert.equal(other.status, 200);
});

test('sign-in: per-address back-off after 5 failures, then the token bucket', async () => {
  const xff = '203.0.113.50';
  for (let i = 1; i <= 5; i++) {
    const r = await postLogin('no_such_user', 'wrong-password-' + i, xff);
    assert.equal(r.status, 401, `failure ${i}`);
  }
  const r6 = await postLogin(srv.users.staff.username, srv.users.staff.password, xff);
  assert.equal(r6.status, 429, 'even the right password waits during the back-off');
  assert.match(r6.headers.get('retry-after'), /^[1-9]\d*$/);
  assert.match(await r6.text(), /quá nhiều lần đăng nhập sai/i);
  // the same account from another address signs in
  const ok = await postLogin(srv.users.staff.username, srv.users.staff.password, '203.0.113.51');
  assert.equal(ok.status, 303);

  // the sign-in bucket (30 a minute here): a flood of POSTs gets 429 before any password check
  const flood = [];
  for (let i = 0; i < 35; i++) flood.push(await postLogin('x', 'y', '203.0.113.60', { csrf: 'bad' }));
  const codes = flood.map((r) => r.status);
  assert.ok(codes.slice(0, 25).every((s) => s === 403), codes.join(','));
  assert.equal(codes[codes.length - 1], 429, codes.join(','));
  assert.match(await flood[flood.length - 1].text(), /Quá nhiều yêu cầu/);
});

test('sign out everywhere ends the other sessions', async () => {
  const a = await login(srv.baseUrl, srv.users.staff.username, srv.users.staff.password);
  const b = await login(srv.baseUrl, srv.users.staff.username, srv.users.staff.password);
  assert.notEqual(a.session, b.session, 'a fresh session id for every sign-in');
  assert.equal((await b.fetch('/account', { headers: html })).status, 200);
  const csrf = await a.csrf('/account');
  const r = await a.fetch('/account/sessions/revoke', {
    method: 'POST',
    headers: { 'Content-Type': 'application/x-www-form-urlencoded', ...html },
    body: new URLSearchParams({ csrf }).toString(),
  });
  assert.equal(r.status, 303);
  assert.equal(r.headers.get('location'), '/login');
  for (const c of [a, b]) {
    const after = await c.fetch('/account', { headers: html });
    assert.equal(after.status, 303, 'signed out');
    assert.match(after.headers.get('location'), /^\/login/);
  }
});

test('an administrator resets a password: one-time password, change forced at sign-in', async () => {
  const out = await runCli(['user', 'reset-password', srv.users.secretary.username, '--db', srv.db]);
  const pw = /^PASSWORD=(.+)$/m.exec(out.stdout)?.[1];
  assert.ok(pw && pw.length >= 16, out.stdout);
  // the old password is gone
  await assert.rejects(login(srv.baseUrl, srv.users.secretary.username, srv.users.secretary.password));
  const c = await login(srv.baseUrl, srv.users.secretary.username, pw);
  assert.equal(c.location, '/account/password');
  const blocked = await c.fetch(`/orgs/${srv.orgs.cellB}`, { headers: html });
  assert.equal(blocked.status, 303);
  assert.equal(blocked.headers.get('location'), '/account/password');
  const csrf = await c.csrf('/account/password');
  const newPw = 'Bi-thu-moi-2026!';
  const changed = await c.fetch('/account/password', {
    method: 'POST',
    headers: { 'Content-Type': 'application/x-www-form-urlencoded', ...html },
    body: new URLSearchParams({ csrf, old_password: pw, new_password: newPw, new_password2: newPw }).toString(),
  });
  assert.equal(changed.status, 303);
  assert.equal((await c.fetch(`/orgs/${srv.orgs.cellB}`, { headers: html })).status, 200);
  srv.users.secretary.password = newPw;
});

test('TOTP: enrol with a code, then sign in with password + code; a used code is refused', async () => {
  const admin = await runCli(['user', 'add', 'totp_user', '--role', 'staff', '--org', srv.orgs.wardA, '--db', srv.db], { input: 'Totp-Pass-2025!\n' });
  assert.match(admin.stdout, /Đã tạo người dùng/);
  const c = await login(srv.baseUrl, 'totp_user', 'Totp-Pass-2025!');
  const form = { 'Content-Type': 'application/x-www-form-urlencoded', ...html };
  const setup = await c.fetch('/account/totp/setup', { method: 'POST', headers: form, body: new URLSearchParams({ csrf: await c.csrf('/account') }).toString() });
  assert.equal(setup.status, 200);
  const page = await setup.text();
  const secret = /id="totp-secret">([A-Z2-7]+)</.exec(page)?.[1];
  assert.ok(secret && secret.length === 32, 'a 160-bit secret in Base32');
  const code = totp(secret);
  const enabled = await c.fetch('/account/totp/enable', { method: 'POST', headers: form, body: new URLSearchParams({ csrf: metaContent(page, 'csrf-token'), code }).toString() });
  assert.equal(enabled.status, 200);
  const codes = [...(await enabled.text()).matchAll(/<li>([A-Z2-7]{5}-[A-Z2-7]{5})<\/li>/g)].map((m) => m[1]);
  assert.equal(codes.length, 10);

  // password only → the second step, without a session yet
  const r = await postLogin('totp_user', 'Totp-Pass-2025!', '203.0.113.70');
  assert.equal(r.status, 303);
  assert.match(r.headers.get('location'), /^\/login\/totp/);
  const b = r.client;
  assert.equal(b.jar.get('dangbo_session'), undefined, 'no session before the second factor');
  assert.ok(b.jar.get('dangbo_mfa'), 'a challenge cookie');
  const send = async (codeValue) => {
    const stepCsrf = hiddenInput(await (await b.fetch('/login/totp')).text(), 'csrf');
    return b.postForm('/login/totp', { csrf: stepCsrf, code: codeValue, next: '/' });
  };
  // the enrolment code was used: a replay is refused; the next step's code is accepted
  assert.equal((await send(code)).status, 401);
  const done = await send(totp(secret, Math.floor(Date.now() / 1000) + 30));
  assert.equal(done.status, 303);
  assert.ok(b.jar.get('dangbo_session'), 'a session after the code');
  assert.equal((await b.fetch('/account')).status, 200);
  // the audit log has the sign-in with its second factor
  const audit = await request(`${srv.baseUrl}/api/v1/audit?actor=totp_user&action=login`, { token: srv.tokens.admin });
  assert.equal(audit.status, 200, describe(audit));
  assert.equal(audit.json.items[0].detail.second_factor, 'totp');
});

test('another ward: member by API and export CSV refused without a trace of it; the audit log too', async () => {
  // a member of ward B (the secretary's ward), asked for by the staff of ward A
  const list = await request(`${srv.baseUrl}/api/v1/members?org=${srv.orgs.cellB}&limit=1`, { token: srv.tokens.admin });
  const m = list.json.items[0];
  const byApi = await request(`${srv.baseUrl}/api/v1/members/${m.id}`, { token: srv.tokens.staff });
  assert.ok([403, 404].includes(byApi.status), describe(byApi));
  const exp = await request(`${srv.baseUrl}/orgs/${srv.orgs.wardB}/export.csv`, { token: srv.tokens.staff });
  assert.ok([403, 404].includes(exp.status), describe(exp));
  for (const r of [byApi, exp]) {
    for (const v of [m.family_name + ' ' + m.middle_name, m.citizen_id, m.phone].filter((x) => x && x.length > 3)) {
      assert.ok(!r.text.includes(v), `response leaks ${v}: ${describe(r)}`);
    }
  }
  // the audit log is not theirs to read either
  const audit = await request(`${srv.baseUrl}/api/v1/audit?member=${m.id}`, { token: srv.tokens.staff });
  assert.equal(audit.status, 403, describe(audit));
  // the own ward's export works: BOM, CRLF, a header row
  const own = await fetch(`${srv.baseUrl}/orgs/${srv.orgs.wardA}/export.csv`, { headers: { Authorization: `Bearer ${srv.tokens.staff}` } });
  assert.equal(own.status, 200);
  const bytes = Buffer.from(await own.arrayBuffer());
  assert.deepEqual([...bytes.subarray(0, 3)], [0xef, 0xbb, 0xbf]);
  assert.match(bytes.toString('utf8', 3, 200), /^Mã,Họ,Tên đệm,Tên,/);
  assert.match(own.headers.get('content-disposition'), /attachment; filename="dang-vien-/);
});

// The export's rows against the database read here with sqlite3/psql: the scope's members on the
// rolls, in the registry's order (sort key, then id), every column as the export shows it. The
// city (1,500 members: more than one page of the member list) as the administrator, the own ward
// as staff.
test('the export lists exactly the scope\'s members on the rolls, in order, with their values', async () => {
  const header = ['Mã', 'Họ', 'Tên đệm', 'Tên', 'Giới tính', 'Ngày sinh', 'Trạng thái', 'Ngày vào Đảng', 'Ngày chính thức',
    'Số thẻ đảng viên', 'Mã tổ chức', 'Tổ chức'];
  const status = { probationary: 'Dự bị', full: 'Chính thức', exempted: 'Miễn công tác và sinh hoạt' };
  const shown = (iso) => {
    if (!iso) return '';
    const [y, m, d] = iso.split('-');
    return d ? `${d}/${m}/${y}` : m ? `${m}/${y}` : y;
  };
  const guard = (v) => (/^[=+\-@\t\r]/.test(v) ? "'" + v : v);
  for (const [code, token] of [['HCM', srv.tokens.admin], [srv.orgs.wardA, srv.tokens.staff]]) {
    const [[path]] = await dbRows(srv.db, `SELECT path FROM organization WHERE code = '${code}' AND valid_to IS NULL`);
    const end = path.slice(0, -1) + '0';
    const want = await dbRows(srv.db,
      'SELECT m.id, m.family_name, m.middle_name, m.given_name, m.gender, m.birth_date, m.status, m.admitted_on, ' +
      'm.full_member_on, m.card_number, o.code FROM member m JOIN organization o ON o.id = m.org_id ' +
      `WHERE m.org_path >= '${path}' AND m.org_path < '${end}' AND m.status IN ('probationary', 'full', 'exempted') ` +
      'ORDER BY m.sort_key, m.id');
    assert.ok(want.length > (code === 'HCM' ? 500 : 0), `${code}: ${want.length} members`);
    const res = await fetch(`${srv.baseUrl}/orgs/${code}/export.csv`, { headers: { Authorization: `Bearer ${token}` } });
    assert.equal(res.status, 200);
    assert.equal(res.headers.get('x-row-count'), String(want.length));
    const text = Buffer.from(await res.arrayBuffer()).toString('utf8');  // keeps the byte order mark
    assert.equal(text.split('\r\n')[0], '\uFEFF' + header.join(','));
    assert.ok(text.endsWith('\r\n') && !/[^\r]\n/.test(text), 'CRLF line ends');
    const got = parseCsv(text);
    assert.equal(got.length, want.length, code);
    for (let i = 0; i < want.length; i++) {
      const [id, family, middle, given, gender, birth, st, admitted, full, card, org] = want[i];
      assert.deepEqual(Object.keys(got[i]), header);
      assert.deepEqual(
        [got[i]['Mã'], got[i]['Họ'], got[i]['Tên đệm'], got[i]['Tên'], got[i]['Giới tính'], got[i]['Ngày sinh'],
          got[i]['Trạng thái'], got[i]['Ngày vào Đảng'], got[i]['Ngày chính thức'], got[i]['Số thẻ đảng viên'], got[i]['Mã tổ chức']],
        [id, guard(family), guard(middle), guard(given), gender === 'male' ? 'Nam' : 'Nữ', shown(birth), status[st],
          shown(admitted), shown(full), guard(card), org],
        `${code}, row ${i + 1}`);
    }
  }
});
