// End-to-end (Playwright in Debian's Chromium): who may see what.
//   1. The cell secretary of ward B signs in and asks for a member of ward A by URL (the member
//      page and the organization page), by the API (fetch from the page, with the session) and by
//      export (the CSV address): every answer is 404 or 403 and carries nothing of that member.
//      Their own cell works, and its export downloads as UTF-8 CSV with a BOM.
//   2. The staff of ward A opens the member, records sensitive fields (encrypted), sees them on the
//      member page; the secretary of ward B never sees them, the database file does not hold them.
//   3. An auditor of ward A finds the staff's view and edit in /audit (search by member), and may
//      open nothing else.
// Screenshots: tests/e2e/screenshots/security-NN-name.png.
// Run: node --test tests/e2e/security.test.mjs
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdir, access, readFile } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';
import { startServer, request, runCli, tail, describe as describeRes } from '../integration/harness.mjs';

const HERE = path.dirname(fileURLToPath(import.meta.url));
const SHOTS = path.join(HERE, 'screenshots');
const CHROMIUM = process.env.CHROMIUM_BIN || '/usr/bin/chromium';
const TIMEOUT = 20_000;

let srv;
let browser;
let shot = 0;
let failed = null;
const problems = [];
const state = {};

function watch(p, label) {
  p.on('console', (msg) => {
    if (msg.type() !== 'error') return;
    const text = msg.text();
    // the refusals asked for on purpose come back as 403/404 (the browser logs them)
    if (/status of 40[34]/.test(text) || /favicon/.test(text)) return;
    problems.push(`[${label}] console error on ${p.url()}: ${text}`);
  });
  p.on('pageerror', (err) => problems.push(`[${label}] uncaught exception on ${p.url()}: ${err.message}`));
}

async function snap(p, name) {
  shot += 1;
  await p.waitForLoadState('load');
  await p.screenshot({ path: path.join(SHOTS, `security-${String(shot).padStart(2, '0')}-${name}.png`), fullPage: true, caret: 'initial' });
}

function step(name, fn) {
  it(name, async (t) => {
    if (failed) { t.skip(`skipped: earlier step "${failed}" failed`); return; }
    try {
      await fn(t);
    } catch (err) {
      failed = name;
      let where = '';
      if (problems.length) where += `\n  browser problems so far:\n    ${problems.join('\n    ')}`;
      if (srv) where += `\n  server log (last lines):\n    ${tail(srv.log(), 12).split('\n').join('\n    ')}`;
      err.message += where;
      throw err;
    }
  });
}

/** A fresh browser context signed in through the form. */
async function signIn(username, password, label) {
  const context = await browser.newContext({ baseURL: srv.baseUrl, viewport: { width: 1280, height: 900 }, locale: 'vi-VN', acceptDownloads: true });
  context.setDefaultTimeout(TIMEOUT);
  const page = await context.newPage();
  watch(page, label);
  await page.goto('/login');
  await page.fill('#username', username);
  await page.fill('#password', password);
  await Promise.all([page.waitForURL((u) => !u.pathname.startsWith('/login')), page.click('#login-submit')]);
  // the session cookie is not readable from scripts
  const cookies = await context.cookies();
  const session = cookies.find((c) => c.name === 'dangbo_session');
  assert.ok(session, 'a session cookie');
  assert.equal(session.httpOnly, true);
  assert.equal(session.sameSite, 'Strict');
  assert.equal(await page.evaluate(() => document.cookie.includes('dangbo_session')), false);
  return { context, page };
}

/** Every piece of the member that must not appear in a refusal. */
function secretsOf(m) {
  return [m.full_name, `${m.family_name} ${m.middle_name}`.trim(), m.citizen_id, m.phone, m.email, m.card_number, m.residence]
    .filter((v) => v && String(v).length >= 4);
}

function assertNothingOf(m, text, what) {
  for (const v of secretsOf(m)) assert.ok(!text.includes(v), `${what} shows "${v}" of member #${m.id}`);
}

before(async () => {
  await access(CHROMIUM).catch(() => { throw new Error(`Chromium not found at ${CHROMIUM} (apt-get install chromium)`); });
  await mkdir(SHOTS, { recursive: true });
  srv = await startServer({ members: Number(process.env.DANGBO_TEST_MEMBERS || 1500), seed: 5 });
  browser = await chromium.launch({
    executablePath: CHROMIUM,
    args: ['--headless=new', '--no-sandbox', '--disable-gpu', '--no-first-run', '--disable-background-networking', '--disable-sync'],
  });
  // a member of ward A with as much personal data as possible (found as admin, through the API)
  const res = await request(`${srv.baseUrl}/api/v1/members?org=${srv.orgs.wardA}&limit=100`, { token: srv.tokens.admin });
  assert.equal(res.status, 200, describeRes(res));
  const items = res.json.items.sort((a, b) => secretsOf(b).length - secretsOf(a).length);
  state.target = items[0];
  assert.ok(secretsOf(state.target).length >= 3, `member with personal data: ${JSON.stringify(state.target)}`);
});

after(async () => {
  if (browser) await browser.close().catch(() => {});
  if (srv) await srv.stop();
});

describe('who may see what, in the browser', () => {
  step('the secretary of ward B signs in and sees the own cell', async () => {
    const { page } = await signIn(srv.users.secretary.username, srv.users.secretary.password, 'secretary');
    state.secretary = page;
    assert.match(new URL(page.url()).pathname, new RegExp(`^/orgs/${srv.orgs.cellB}$`));
    await page.locator('#members-table').waitFor();
    assert.ok(await page.locator('#members-table a.member-link').count() > 0, 'the own cell lists its members');
    await snap(page, 'secretary-own-cell');
  });

  step('by URL: the member page and the organization page of ward A → 404, nothing of the member', async () => {
    const page = state.secretary;
    const m = state.target;
    for (const url of [`/members/${m.id}`, `/members/${m.id}/edit`, `/orgs/${srv.orgs.wardA}`, `/orgs/${m.organization}`,
      `/dashboard?org=${srv.orgs.wardA}`]) {
      const resp = await page.goto(url);
      assert.ok([403, 404].includes(resp.status()), `${url} → ${resp.status()}`);
      const body = await resp.text();
      assertNothingOf(m, body, url);
      assertNothingOf(m, await page.locator('body').innerText(), `${url} (rendered)`);
      if (url === `/members/${m.id}`) await snap(page, 'secretary-other-ward-member-404');
    }
  });

  step('by the API (fetch with the session) → 404 problem+json, nothing of the member', async () => {
    const page = state.secretary;
    const m = state.target;
    await page.goto(`/orgs/${srv.orgs.cellB}`);
    const answers = await page.evaluate(async (args) => {
      const out = [];
      for (const u of args.urls) {
        const r = await fetch(u, { headers: { Accept: 'application/json' } });
        out.push({ url: u, status: r.status, type: r.headers.get('content-type'), text: await r.text() });
      }
      return out;
    }, { urls: [`/api/v1/members/${m.id}`, `/api/v1/members?org=${srv.orgs.wardA}`, `/api/v1/members?org=${m.organization}&q=${encodeURIComponent(m.given_name)}`,
      `/api/v1/stats?org=${srv.orgs.wardA}`, `/api/v1/organizations?parent=${srv.orgs.wardA}`] });
    for (const a of answers) {
      assert.ok([403, 404].includes(a.status), `${a.url} → ${a.status} ${a.text.slice(0, 200)}`);
      assert.match(a.type, /problem\+json/, a.url);
      assertNothingOf(m, a.text, a.url);
    }
    // a search over the own scope does not find them either
    const own = await page.evaluate(async (q) => (await fetch(`/api/v1/members?q=${encodeURIComponent(q)}&status=all&limit=500`)).json(), m.full_name);
    assert.ok(!own.items.some((x) => x.id === m.id), 'the own-scope search does not list the member');
    // changing the record is refused too (htmx-style request with the CSRF header)
    const patch = await page.evaluate(async (id) => {
      const token = document.querySelector('meta[name="csrf-token"]').content;
      const r = await fetch(`/api/v1/members/${id}`, { method: 'PATCH', headers: { 'Content-Type': 'application/json', 'X-CSRF-Token': token }, body: '{"occupation":"x"}' });
      return { status: r.status, text: await r.text() };
    }, m.id);
    assert.ok([403, 404].includes(patch.status), `PATCH → ${patch.status}`);
  });

  step('by export: the CSV of ward A → 404, nothing of the member; the own cell downloads', async () => {
    const page = state.secretary;
    const m = state.target;
    for (const url of [`/orgs/${srv.orgs.wardA}/export.csv`, `/orgs/${m.organization}/export.csv?q=${encodeURIComponent(m.given_name)}`]) {
      const resp = await page.goto(url);
      assert.ok([403, 404].includes(resp.status()), `${url} → ${resp.status()}`);
      assertNothingOf(m, await resp.text(), url);
    }
    await snap(page, 'secretary-other-ward-export-404');
    // the own cell's export: the button on the page downloads the filtered list
    await page.goto(`/orgs/${srv.orgs.cellB}`);
    const [download] = await Promise.all([page.waitForEvent('download'), page.click('#export-csv')]);
    const file = await download.path();
    const bytes = await readFile(file);
    assert.deepEqual([...bytes.subarray(0, 3)], [0xef, 0xbb, 0xbf], 'UTF-8 BOM');
    const text = bytes.toString('utf8', 3);
    assert.match(text, /^Mã,Họ,Tên đệm,Tên,Giới tính/);
    assertNothingOf(m, text, 'the own cell export');
    const rows = text.trim().split('\r\n').length - 1;
    const total = await page.locator('#member-total').innerText();
    assert.equal(rows, Number(total.replace(/\D/g, '')), `export rows ${rows} vs the page's count "${total}"`);
  });

  step('the audit log and sensitive fields are not the secretary\'s', async () => {
    const page = state.secretary;
    const resp = await page.goto('/audit');
    assert.equal(resp.status(), 403);
    assert.equal(await page.locator('#nav-audit').count(), 0, 'no audit link in the menu');
    const sens = await page.goto(`/members/${state.target.id}/sensitive`);
    assert.ok([403, 404].includes(sens.status()));
  });

  step('the staff of ward A records sensitive fields; they show on the member page', async () => {
    const { page } = await signIn(srv.users.staff.username, srv.users.staff.password, 'staff');
    state.staff = page;
    const m = state.target;
    await page.goto(`/members/${m.id}`);
    await page.locator('#sensitive').waitFor();
    await page.click('#edit-sensitive');
    await page.locator('#sensitive-form').waitFor();
    state.secretNote = `Thẩm tra e2e ${Date.now()}: đã xác minh lý lịch`;
    await page.fill('#s-vetting_notes', state.secretNote);
    await page.fill('#s-discipline', 'Khiển trách năm 2019');
    await Promise.all([page.waitForURL(new RegExp(`/members/${m.id}\\?saved=1`)), page.click('#save-sensitive')]);
    const shown = await page.locator('#sensitive').innerText();
    assert.ok(shown.includes(state.secretNote), shown);
    await snap(page, 'staff-member-sensitive');
  });

  step('the database file does not hold the sensitive text', async () => {
    if (!srv.db.startsWith('sqlite:')) return;
    const file = srv.db.slice('sqlite:'.length);
    const bytes = Buffer.concat([await readFile(file), await readFile(file + '-wal').catch(() => Buffer.alloc(0))]);
    assert.ok(!bytes.includes(Buffer.from(state.secretNote, 'utf8')), 'plaintext in the database file');
    assert.ok(bytes.includes(Buffer.from('member_sensitive')), 'the table is there');
  });

  step('an auditor of ward A finds the view and the edit, and may open nothing else', async () => {
    await runCli(['user', 'add', 'auditor_a', '--role', 'auditor', '--org', srv.orgs.wardA, '--db', srv.db], { input: 'Auditor-Pass-2025!\n' });
    const { page } = await signIn('auditor_a', 'Auditor-Pass-2025!', 'auditor');
    assert.equal(new URL(page.url()).pathname, '/audit', 'the auditor lands on the audit log');
    await page.fill('#a-member', String(state.target.id));
    await Promise.all([page.waitForURL(/\/audit\?/), page.click('#audit-search')]);
    const actions = await page.locator('#audit-table tr.audit-row').evaluateAll((rows) => rows.map((r) => r.dataset.action));
    assert.ok(actions.includes('view'), `actions: ${actions.join(', ')}`);
    assert.ok(actions.includes('update_sensitive'), `actions: ${actions.join(', ')}`);
    const text = await page.locator('#audit-table').innerText();
    assert.ok(text.includes(srv.users.staff.username), 'the staff user is named');
    assert.ok(!text.includes(state.secretNote), 'the audit log holds no sensitive text');
    await snap(page, 'auditor-search');
    for (const url of [`/members/${state.target.id}`, `/orgs/${srv.orgs.wardA}`, `/orgs/${srv.orgs.wardA}/export.csv`]) {
      const resp = await page.goto(url);
      assert.equal(resp.status(), 403, url);
    }
    // outside the auditor's ward: not found
    await page.goto(`/audit?org=${srv.orgs.wardB}`);
    assert.equal(await page.locator('#error-box').count(), 1);
  });

  step('no browser errors and no CSP violations on any page', async () => {
    assert.deepEqual(problems, []);
  });
});
