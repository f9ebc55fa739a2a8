// End-to-end: a person using the registry in a browser (Playwright driving Debian's Chromium).
// Sign in → organization tree → a ward → search without diacritics → a member → edit → the new
// value and its audit entry → dashboard charts (today and as of a past day); then the same pages
// on a 390-px phone.
// Every page visited is saved as tests/e2e/screenshots/NN-name.png (full page).
//
// Run: node --test tests/e2e/   (needs build/dangbo or DANGBO_BIN, /usr/bin/chromium, and the
// vendored assets: scripts/build-web.sh)
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdir, rm, access } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';
import { startServer, request, fold, tail, describe as describeRes, REPO_ROOT } from '../integration/harness.mjs';

const HERE = path.dirname(fileURLToPath(import.meta.url));
const SHOTS = path.join(HERE, 'screenshots');
const CHROMIUM = process.env.CHROMIUM_BIN || '/usr/bin/chromium';
const TIMEOUT = 20_000;

let srv;
let browser;
let context;
let page;
let shot = 0;
let failed = null;          // first failed step: later steps are skipped with its name
const problems = [];        // console errors, CSP violations, failed asset requests
const state = {};           // carried between steps: ward, member, …
const noBanner = [];        // pages with synthetic data but without the synthetic-data banner

function watch(p, label) {
  p.on('console', (msg) => {
    if (msg.type() !== 'error') return;
    const text = msg.text();
    if (/favicon\.ico/.test(text) || /favicon/.test(msg.location()?.url || '')) return;
    // the invalid form submitted on purpose comes back as a 422 page
    if (/status of 422/.test(text) && /\/members\/\d+\/edit$/.test(msg.location()?.url || p.url())) return;
    problems.push(`[${label}] console error on ${p.url()}: ${text}`);
  });
  p.on('pageerror', (err) => problems.push(`[${label}] uncaught exception on ${p.url()}: ${err.message}`));
  p.on('requestfailed', (req) => {
    if (/favicon/.test(req.url())) return;
    if (req.failure()?.errorText === 'net::ERR_ABORTED') return;  // cancelled by a navigation
    problems.push(`[${label}] request failed: ${req.method()} ${req.url()} (${req.failure()?.errorText})`);
  });
  p.on('response', (res) => {
    const u = new URL(res.url());
    if (u.pathname.startsWith('/static/') && res.status() >= 400) problems.push(`[${label}] ${res.status()} for ${u.pathname}`);
  });
}

/** A full-page screenshot, numbered in visiting order. */
async function snap(p, name) {
  shot += 1;
  const file = path.join(SHOTS, `${String(shot).padStart(2, '0')}-${name}.png`);
  await settle(p);
  // caret 'initial': hiding the caret makes Playwright inject a <style>, which the CSP blocks.
  await p.screenshot({ path: file, fullPage: true, caret: 'initial' });
  // UI.md: synthetic data is marked on every page that shows it (every page after sign-in here).
  if (!/\/login/.test(p.url()) && !(await p.locator('#synthetic-banner').isVisible())) noBanner.push(`${name}: ${new URL(p.url()).pathname}`);
  return file;
}

/** Waits for the load event, fonts, and no htmx request in flight. */
async function settle(p) {
  await p.waitForLoadState('load');
  await p.waitForFunction(() => document.fonts ? document.fonts.status === 'loaded' : true, null, { timeout: TIMEOUT }).catch(() => {});
  await p.waitForFunction(() => !document.querySelector('.htmx-request, .htmx-settling, .htmx-swapping'), null, { timeout: TIMEOUT });
}

/** A step that is skipped once an earlier one failed; on failure saves a screenshot and says where. */
function step(name, fn) {
  it(name, async (t) => {
    if (failed) { t.skip(`skipped: earlier step "${failed}" failed`); return; }
    try {
      await fn(t);
    } catch (err) {
      failed = name;
      let where = '';
      if (page) {
        const f = path.join(SHOTS, `failure-${name.replace(/[^a-z0-9]+/gi, '-').toLowerCase()}.png`);
        await page.screenshot({ path: f, fullPage: true, caret: 'initial' }).catch(() => {});
        const title = await page.title().catch(() => '?');
        const text = await page.locator('main').innerText({ timeout: 2000 }).catch(() => '');
        where = `\n  at ${page.url()} — "${title}" (screenshot ${path.relative(REPO_ROOT, f)})\n  page text: ${text.slice(0, 600).replace(/\s+/g, ' ')}`;
      }
      if (problems.length) where += `\n  browser problems so far:\n    ${problems.join('\n    ')}`;
      if (srv) {
        if (srv.exited) where += `\n  the server has exited: ${JSON.stringify(srv.exited)}`;
        where += `\n  server log (last lines):\n    ${tail(srv.log(), 12).split('\n').join('\n    ')}`;
      }
      const e = new Error(`${err.message}${where}`, { cause: err });
      e.stack = `${e.message}\n${(err.stack || '').split('\n').filter((l) => /^\s+at /.test(l)).slice(0, 4).join('\n')}`;
      throw e;
    }
  });
}

before(async () => {
  await access(CHROMIUM).catch(() => { throw new Error(`Chromium not found at ${CHROMIUM} (apt-get install chromium)`); });
  await rm(SHOTS, { recursive: true, force: true });
  await mkdir(SHOTS, { recursive: true });
  srv = await startServer({ members: Number(process.env.DANGBO_TEST_MEMBERS || 2000), seed: 11 });
  browser = await chromium.launch({
    executablePath: CHROMIUM,
    args: ['--headless=new', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
      '--disable-background-networking', '--disable-component-update', '--disable-sync'],
  });
  context = await browser.newContext({
    baseURL: srv.baseUrl,
    viewport: { width: 1366, height: 900 },
    locale: 'vi-VN',
    timezoneId: 'Asia/Ho_Chi_Minh',
  });
  context.setDefaultTimeout(TIMEOUT);
  page = await context.newPage();
  watch(page, 'desktop');
});

after(async () => {
  if (browser) await browser.close().catch(() => {});
  if (srv) await srv.stop();
});

describe('registry in the browser', () => {
  step('sign in as admin', async () => {
    await page.goto('/login');
    await snap(page, 'login');
    await page.fill('#username', 'admin');
    await page.fill('#password', srv.adminPassword);
    await Promise.all([
      page.waitForURL((u) => !u.pathname.startsWith('/login'), { timeout: TIMEOUT }),
      page.click('#login-submit'),
    ]);
    await assert.doesNotReject(page.locator('#current-user').waitFor(), 'the header should show the signed-in user');
    assert.ok((await page.locator('#current-user').innerText()).trim().length > 0, 'the header should name the user');
    // The admin's home is the city organization, with the tree of its committees.
    assert.match(new URL(page.url()).pathname, /^\/orgs\/HCM$/, `after sign-in the admin should land on /orgs/HCM, not ${page.url()}`);
    await page.locator('#org-tree a.org-link').first().waitFor();
    const n = await page.locator('#org-tree > li').count();
    assert.ok(n >= 168, `the city page should list its 168 ward/commune committees, lists ${n}`);
    await snap(page, 'org-city');
  });

  step('expand a branch of the tree (htmx)', async () => {
    // on the city page every ward has cells below it
    const toggle = page.locator('#org-tree .tree-toggle').first();
    assert.ok(await toggle.count() > 0, 'the city page should offer to expand its wards');
    await toggle.click();
    const sub = page.locator('#org-tree .org-sub').first();
    await sub.locator('li').first().waitFor();
    await settle(page);
    assert.equal(await toggle.getAttribute('aria-expanded'), 'true');
    await toggle.click();  // folds without a new request
    assert.equal(await toggle.getAttribute('aria-expanded'), 'false');
    assert.equal(await sub.isVisible(), false, 'the branch should fold on a second click');
  });

  step('open a ward from the organization tree', async () => {
    // A ward that has members; a member of it with marks in the name (found through the API).
    const ward = srv.orgs.wardA;
    const res = await request(`${srv.baseUrl}/api/v1/members?org=${encodeURIComponent(ward)}&limit=200`, { token: srv.tokens.admin });
    assert.equal(res.status, 200, describeRes(res));
    const withMarks = res.json.items.filter((m) => fold(m.full_name) !== m.full_name.toLowerCase());
    assert.ok(withMarks.length > 0, `no member with diacritics in ${ward}`);
    state.ward = ward;
    state.member = withMarks[Math.floor(withMarks.length / 2)];

    const link = page.locator(`#org-tree a.org-link[href^="/orgs/${ward}?"], #org-tree a.org-link[href="/orgs/${ward}"]`).first();
    await link.scrollIntoViewIfNeeded();
    state.wardName = (await link.innerText()).trim();
    await Promise.all([page.waitForURL(new RegExp(`/orgs/${ward}(\\?|$)`)), link.click()]);
    await assert.doesNotReject(page.locator('#org-name').waitFor());
    assert.equal((await page.locator('#org-name').innerText()).trim(), state.wardName);
    // breadcrumb up the tree: the city, then the ward
    const crumbs = await page.locator('#breadcrumb li').allInnerTexts();
    assert.ok(crumbs.length >= 2 && /Thành phố Hồ Chí Minh|HCM/i.test(crumbs[0]), `breadcrumb: ${crumbs.join(' › ')}`);
    await page.locator('#members-table').waitFor();
    await snap(page, 'org-ward');
  });

  step('search a member without diacritics', async () => {
    const m = state.member;
    const q = fold(m.full_name);
    state.query = q;
    const box = page.locator('#member-q');
    await box.fill(q);
    await box.press('Enter');
    const row = page.locator(`#members-table a.member-link[href="/members/${m.id}"]`);
    await assert.doesNotReject(row.waitFor({ timeout: TIMEOUT }), `searching "${q}" should list ${m.full_name} (#${m.id})`);
    await settle(page);
    // every row matches the search, shown with its marks
    const names = await page.locator('#members-table a.member-link').allInnerTexts();
    const bad = names.filter((n) => !q.split(' ').every((t) => fold(n).includes(t)));
    assert.deepEqual(bad, [], `rows not matching "${q}"`);
    assert.ok(names.includes(m.full_name), `the row should show the name with diacritics: ${m.full_name}`);
    // the URL follows the search (hx-push-url), so reload and back work
    assert.match(page.url(), /[?&]q=/, `the search should be in the URL: ${page.url()}`);
    await assert.doesNotReject(page.locator('#filter-chips .chip').first().waitFor(), 'the search should show as a removable chip');
    await snap(page, 'org-search');
  });

  step('open the member', async () => {
    const m = state.member;
    await Promise.all([
      page.waitForURL(new RegExp(`/members/${m.id}$`)),
      page.click(`#members-table a.member-link[href="/members/${m.id}"]`),
    ]);
    const h1 = (await page.locator('#member-name').innerText()).trim();
    assert.ok(h1.startsWith(m.full_name), `heading "${h1}" should start with ${m.full_name}`);
    state.phoneBefore = (await page.locator('#member-record dd[data-field="phone"]').innerText()).trim();
    await snap(page, 'member');
  });

  step('edit a field and save', async () => {
    const m = state.member;
    await Promise.all([page.waitForURL(new RegExp(`/members/${m.id}/edit$`)), page.click('#edit-member')]);
    await page.locator('#member-form').waitFor();
    await snap(page, 'member-edit');

    // first an impossible date: the form comes back with the message next to the field and
    // keeps what was typed
    const phone = `09${String(Date.now()).slice(-8)}`;
    state.phone = phone;
    await page.fill('#f-phone', phone);
    const birth = page.locator('#f-birth_date');
    if (await birth.count()) {
      state.birthBefore = await birth.inputValue();
      await birth.fill('30/02/1970');
      await Promise.all([page.waitForLoadState('load'), page.click('#save-member')]);
      await assert.doesNotReject(page.locator('#e-birth_date').waitFor(), 'an impossible date should show a message next to the field');
      assert.equal(await page.inputValue('#f-phone'), phone, 'what the user typed must not be lost on an error');
      assert.equal(await page.inputValue('#f-birth_date'), '30/02/1970');
      await snap(page, 'member-edit-error');
      await birth.fill(state.birthBefore);
    }
    await Promise.all([page.waitForURL(new RegExp(`/members/${m.id}(\\?saved=1)?$`)), page.click('#save-member')]);
    await page.locator('#member-name').waitFor();
  });

  step('see the new value and its audit entry', async () => {
    const shown = (await page.locator('#member-record dd[data-field="phone"]').innerText()).trim();
    assert.equal(shown, state.phone, 'the member page should show the saved phone');
    const entries = page.locator('#audit-trail .audit-entry');
    assert.ok(await entries.count() > 0, 'the audit trail should have an entry');
    const texts = await entries.allInnerTexts();
    const entry = texts.find((t) => t.includes(state.phone));
    assert.ok(entry, `an audit entry should mention the new phone ${state.phone}; entries:\n${texts.join('\n')}`);
    assert.match(entry, /admin/, 'the audit entry should name who made the change');
    // through the API too
    const api = await request(`${srv.baseUrl}/api/v1/members/${state.member.id}`, { token: srv.tokens.admin });
    assert.equal(api.json.phone, state.phone, describeRes(api));
    await snap(page, 'member-saved');
  });

  step('dashboard charts render', async () => {
    await Promise.all([page.waitForURL(/\/dashboard/), page.click('header a.nav-link[href^="/dashboard"]')]);
    await page.locator('#dashboard').waitFor();
    await page.waitForFunction(() => {
      const s = document.getElementById('dashboard')?.getAttribute('data-state');
      return s === 'ready' || s === 'error';
    }, null, { timeout: TIMEOUT });
    const st = await page.getAttribute('#dashboard', 'data-state');
    const msg = await page.locator('#dashboard .chart-message').allInnerTexts();
    assert.equal(st, 'ready', `dashboard state ${st}: ${msg.join(' | ')}`);
    for (const id of ['chart-status', 'chart-gender', 'chart-age', 'chart-orgs']) {
      const canvas = page.locator(`#${id} canvas`);
      assert.ok(await canvas.count() > 0, `#${id} should contain a canvas`);
      const box = await canvas.first().boundingBox();
      assert.ok(box && box.width > 100 && box.height > 100, `#${id} canvas too small: ${JSON.stringify(box)}`);
    }
    const total = (await page.locator('#dash-total').innerText()).trim();
    assert.match(total, /^\d{1,3}(\.\d{3})*$/, `total in Vietnamese format (1.234): "${total}"`);
    await page.waitForTimeout(600);  // the charts' entry animation
    await snap(page, 'dashboard');

    // a ward's dashboard too
    await page.goto(`/dashboard?org=${encodeURIComponent(state.ward)}`);
    await page.waitForFunction(() => document.getElementById('dashboard')?.getAttribute('data-state') === 'ready', null, { timeout: TIMEOUT });
    await page.waitForTimeout(600);
    await snap(page, 'dashboard-ward');
  });

  step('dashboard: a failed data request shows a Vietnamese message in the charts', async () => {
    await page.route('**/api/v1/stats*', (route) => route.fulfill({ status: 500, contentType: 'application/problem+json', body: '{"status":500}' }));
    try {
      await page.goto(`/dashboard?org=${encodeURIComponent(state.ward)}`);
      await page.waitForFunction(() => document.getElementById('dashboard')?.getAttribute('data-state') === 'error', null, { timeout: TIMEOUT });
      const msgs = await page.locator('#chart-status .chart-message').allInnerTexts();
      assert.match(msgs.join(' '), /Không tải được dữ liệu/, `message: ${msgs.join(' | ')}`);
    } finally {
      await page.unroute('**/api/v1/stats*');
    }
    // the console error of the refused request is expected here
    for (let i = problems.length - 1; i >= 0; i--) if (/status of 500|dashboard:/.test(problems[i])) problems.splice(i, 1);
  });

  step('a past date shows history, clearly marked ([data-autosubmit] date)', async () => {
    await page.goto(`/orgs/${encodeURIComponent(state.ward)}`);
    await page.locator('#as_of').waitFor();
    const past = '2025-08-01';
    await Promise.all([
      page.waitForURL((u) => u.searchParams.get('as_of') === past),
      page.fill('#as_of', past),  // fires change → app.js submits the form
    ]);
    await assert.doesNotReject(page.locator('#past-notice').waitFor(), 'a past "as of" date should be marked on the page');
    assert.match(await page.locator('#past-notice').innerText(), /01\/08\/2025/, 'the notice should show the date as dd/mm/yyyy');
    await snap(page, 'org-ward-past');
  });

  step('dashboard as of a past day: the date field, the note, the charts of that day', async () => {
    await page.goto('/dashboard?org=HCM');
    await page.waitForFunction(() => document.getElementById('dashboard')?.getAttribute('data-state') === 'ready', null, { timeout: TIMEOUT });
    assert.equal(await page.locator('#as-of-notice').count(), 0, 'today\'s figures carry no date note');
    const past = '2025-06-30';
    const [statsReq] = await Promise.all([
      page.waitForRequest((r) => r.url().includes('/api/v1/stats?')),
      page.waitForURL((u) => u.searchParams.get('as_of') === past && u.searchParams.get('org') === 'HCM'),
      page.fill('#as_of', past),  // fires change → app.js submits the form
    ]);
    assert.equal(new URL(statsReq.url()).searchParams.get('as_of'), past, 'the charts ask for the same day');
    await page.waitForFunction(() => document.getElementById('dashboard')?.getAttribute('data-state') === 'ready', null, { timeout: TIMEOUT });
    assert.match(await page.locator('#as-of-notice').innerText(), /Số liệu tại ngày 30\/06\/2025/);
    // on 2025-06-30 the city's subordinate units were its 22 districts
    assert.match(await page.getAttribute('#chart-orgs', 'aria-label'), /\(22 /);
    await page.waitForTimeout(600);
    await snap(page, 'dashboard-past');
  });

  step('app.js: CSRF header on htmx requests, data-confirm asks first', async () => {
    await page.goto(`/orgs/${encodeURIComponent(state.ward)}`);
    await page.locator('#org-name').waitFor();
    const token = await page.getAttribute('meta[name="csrf-token"]', 'content');
    assert.ok(token, 'signed-in pages carry <meta name="csrf-token">');

    // an htmx request made by the page carries X-CSRF-Token
    await page.evaluate(() => {
      const b = document.createElement('button');
      b.id = 'probe-htmx';
      b.setAttribute('hx-get', '/healthz');
      b.setAttribute('hx-swap', 'none');
      b.textContent = 'probe';
      document.querySelector('main').appendChild(b);
      window.htmx.process(b);
    });
    const [req] = await Promise.all([page.waitForRequest((r) => r.url().endsWith('/healthz')), page.click('#probe-htmx')]);
    assert.equal(req.headers()['x-csrf-token'], token, 'htmx requests should send X-CSRF-Token');

    // a form with data-confirm: "Cancel" keeps the page, "OK" submits
    await page.evaluate(() => {
      const f = document.createElement('form');
      f.method = 'get';
      f.action = '/healthz';
      f.setAttribute('data-confirm', 'Bạn chắc chắn?');
      f.innerHTML = '<button type="submit" id="probe-confirm">go</button>';
      document.querySelector('main').appendChild(f);
    });
    const here = page.url();
    page.once('dialog', (d) => { state.dialog = d.message(); d.dismiss(); });
    await page.click('#probe-confirm');
    await page.waitForTimeout(300);
    assert.equal(state.dialog, 'Bạn chắc chắn?', 'data-confirm should ask with its message');
    assert.equal(page.url(), here, 'declining must not submit');
    page.once('dialog', (d) => d.accept());
    await Promise.all([page.waitForURL(/\/healthz/), page.click('#probe-confirm')]);
  });

  step('phone-size pages (390 px): no sideways scrolling', async () => {
    const phone = await browser.newContext({
      baseURL: srv.baseUrl,
      viewport: { width: 390, height: 844 },
      deviceScaleFactor: 2,
      isMobile: true,
      hasTouch: true,
      locale: 'vi-VN',
      timezoneId: 'Asia/Ho_Chi_Minh',
      storageState: await context.storageState(),
    });
    phone.setDefaultTimeout(TIMEOUT);
    const p = await phone.newPage();
    watch(p, 'phone');
    try {
      const pages = [
        ['phone-org', `/orgs/${encodeURIComponent(state.ward)}`],
        ['phone-member', `/members/${state.member.id}`],
        ['phone-member-edit', `/members/${state.member.id}/edit`],
        ['phone-dashboard', `/dashboard?org=${encodeURIComponent(state.ward)}`],
        ['phone-dashboard-past', '/dashboard?org=HCM&as_of=2025-06-30'],
      ];
      const overflow = [];
      for (const [name, url] of pages) {
        await p.goto(url);
        if (name.startsWith('phone-dashboard')) {
          await p.waitForFunction(() => document.getElementById('dashboard')?.getAttribute('data-state') === 'ready', null, { timeout: TIMEOUT });
          await p.waitForTimeout(600);
        }
        await settle(p);
        const w = await p.evaluate(() => ({ scroll: document.documentElement.scrollWidth, inner: window.innerWidth }));
        if (w.scroll > w.inner + 1) overflow.push(`${url}: page is ${w.scroll}px wide in a ${w.inner}px viewport`);
        await snap(p, name);
      }
      assert.deepEqual(overflow, [], 'pages should not scroll sideways on a phone');
    } finally {
      await phone.close();
    }
  });

  step('no console errors, CSP violations or missing assets', async () => {
    assert.deepEqual(problems, []);
  });

  it('every page showing the synthetic members carries the synthetic-data banner', () => {
    assert.deepEqual(noBanner, [], 'pages without #synthetic-banner');
  });
});
