// The database out of reach while the server runs (found by the newcomer test: every request
// answered 500 and GET /healthz an HTML page):
//   - GET /healthz answers JSON: 200 {"status":"ok","database":"ok"}, or 503
//     {"status":"unavailable","database":"unreachable",…} with Retry-After;
//   - an API call answers 503 application/problem+json with a Vietnamese title and detail;
//   - a page answers 503 with a Vietnamese error page;
//   - once the database is back, everything answers again without a restart.
// The outage needs PostgreSQL (DANGBO_TEST_BACKEND=postgresql): the test database is made to
// refuse connections and its connections are ended, as a stopped or unreachable server does,
// while the cluster stays up for the other suites. On SQLite only the health check's JSON is
// checked (the unit tests cover a locked SQLite file: tests/unit/web, tests/unit/db).
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { startServer, request, describe, login } from './harness.mjs';

const PG = process.env.DANGBO_TEST_BACKEND === 'postgresql';
const TITLE = 'Cơ sở dữ liệu tạm thời không truy cập được';

let srv;
let browser;  // a signed-in cookie client (pages)

before(async () => {
  srv = await startServer({ members: 300, seed: 11 });
  browser = await login(srv.baseUrl, srv.users.staff.username, srv.users.staff.password);
});

after(async () => {
  if (srv && PG) await allowConnections(true).catch(() => {});
  if (srv) await srv.stop();
});

function psql(url, sql) {
  return new Promise((resolve, reject) => {
    const child = spawn('psql', [url, '-qAt', '-v', 'ON_ERROR_STOP=1', '-c', sql], { stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    let err = '';
    child.stdout.setEncoding('utf8').on('data', (d) => { out += d; });
    child.stderr.setEncoding('utf8').on('data', (d) => { err += d; });
    child.on('error', reject);
    child.on('close', (code) => (code === 0 ? resolve(out.trim()) : reject(new Error(`psql: ${err}\n${sql}`))));
  });
}

/** The test database's name, from its URL (postgresql://user@/NAME?host=…). */
function dbName() {
  return /^postgres(?:ql)?:\/\/[^/]*\/([^?]+)/.exec(srv.db)[1];
}

/** Refuses (or lets in again) connections to the server's database; refusing ends the open ones. */
async function allowConnections(allow) {
  const admin = process.env.DANGBO_TEST_PG_URL;
  const name = dbName();
  await psql(admin, `ALTER DATABASE ${name} ALLOW_CONNECTIONS ${allow}`);
  if (allow) return;
  await psql(admin, `SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity WHERE datname = '${name}'`);
  for (let i = 0; i < 100; i++) {
    if ((await psql(admin, `SELECT count(*) FROM pg_stat_activity WHERE datname = '${name}'`)) === '0') break;
    await new Promise((r) => setTimeout(r, 50));
  }
  await new Promise((r) => setTimeout(r, 300));  // the backends' sockets close after they leave the list
}

test('GET /healthz answers JSON {"status":"ok","database":"ok"} (also to a browser)', async () => {
  for (const headers of [{}, { Accept: 'text/html' }]) {
    const res = await request(`${srv.baseUrl}/healthz`, { headers });
    assert.equal(res.status, 200, describe(res));
    assert.match(res.contentType, /^application\/json/, describe(res));
    assert.deepEqual(res.json, { status: 'ok', database: 'ok' }, describe(res));
  }
  const r = await browser.fetch('/healthz', { headers: { Accept: 'text/html' } });
  assert.equal(r.status, 200);
  assert.deepEqual(await r.json(), { status: 'ok', database: 'ok' });
});

test('database down: /healthz, the API and pages answer 503 in Vietnamese; back up: 200 again', { skip: !PG && 'needs DANGBO_TEST_BACKEND=postgresql' }, async () => {
  const member = await request(`${srv.baseUrl}/api/v1/members?org=${encodeURIComponent(srv.orgs.wardA)}&limit=1`, { token: srv.tokens.staff });
  assert.equal(member.status, 200, describe(member));
  await allowConnections(false);
  try {
    // the health check: JSON, whether or not a session cookie comes with it
    for (const get of [() => request(`${srv.baseUrl}/healthz`), async () => {
      const r = await browser.fetch('/healthz', { headers: { Accept: 'text/html' } });
      return { status: r.status, contentType: r.headers.get('content-type') || '', headers: r.headers, text: await r.text() };
    }]) {
      const h = await get();
      assert.equal(h.status, 503, `healthz: ${h.status} ${h.text}`);
      assert.match(h.contentType, /^application\/json/, h.text);
      const body = JSON.parse(h.text);
      assert.equal(body.status, 'unavailable', h.text);
      assert.equal(body.database, 'unreachable', h.text);
      assert.equal(body.detail, TITLE);
      assert.equal(h.headers.get('retry-after'), '10');
    }
    // the API: problem+json, Vietnamese, no internal detail
    const api = await request(`${srv.baseUrl}/api/v1/members?org=${encodeURIComponent(srv.orgs.wardA)}&limit=1`, { token: srv.tokens.staff });
    assert.equal(api.status, 503, describe(api));
    assert.equal(api.contentType, 'application/problem+json', describe(api));
    assert.equal(api.json.status, 503);
    assert.equal(api.json.title, TITLE);
    assert.match(api.json.detail, /Máy chủ không kết nối được tới cơ sở dữ liệu.*xin thử lại sau/, describe(api));
    assert.equal(api.headers.get('retry-after'), '10');
    assert.doesNotMatch(api.text, /accepting connections|socket|soci|postgres/i, describe(api));
    // a page: the Vietnamese error page
    const page = await browser.fetch(`/orgs/${encodeURIComponent(srv.orgs.wardA)}`, { headers: { Accept: 'text/html' } });
    const html = await page.text();
    assert.equal(page.status, 503, html.slice(0, 400));
    assert.match(page.headers.get('content-type'), /^text\/html/);
    assert.ok(html.includes(TITLE), html.slice(0, 1000));
    assert.match(html, /<html[^>]*lang="vi"/);
    assert.doesNotMatch(html, /accepting connections|Lỗi hệ thống/);
  } finally {
    await allowConnections(true);
  }
  // back: no restart needed
  const h = await request(`${srv.baseUrl}/healthz`);
  assert.equal(h.status, 200, describe(h));
  assert.deepEqual(h.json, { status: 'ok', database: 'ok' });
  const again = await request(`${srv.baseUrl}/api/v1/members?org=${encodeURIComponent(srv.orgs.wardA)}&limit=1`, { token: srv.tokens.staff });
  assert.equal(again.status, 200, describe(again));
  assert.deepEqual(again.json.items.map((m) => m.id), member.json.items.map((m) => m.id));
  const page = await browser.fetch(`/orgs/${encodeURIComponent(srv.orgs.wardA)}`, { headers: { Accept: 'text/html' } });
  assert.equal(page.status, 200);
});
