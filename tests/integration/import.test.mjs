// Integration tests of imports and the cleaning campaign against a real `dangbo serve`:
// upload through the API, progress as server-sent events, result counts with the row accounting,
// rejected rows with line/column/reason, re-upload without duplicates, scope, dry run, the
// upload page (multipart as htmx sends it, the mapping form, the result page), the campaign
// and the findings sheet.
// Run: node --test tests/integration/import.test.mjs   (needs build/dangbo, or DANGBO_BIN)
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { startServer, request, describe, login, runCli, parseCsv, waitFor } from './harness.mjs';

let srv;
let dir;
let roster;        // the messy roster (bytes)
let rosterRows;    // its data rows, parsed
const API = () => `${srv.baseUrl}/api/v1`;

before(async () => {
  srv = await startServer({ members: 2000, seed: 7 });
  dir = await mkdtemp(path.join(tmpdir(), 'dangbo-import-it-'));
  const file = path.join(dir, 'roster.csv');
  // the same tree as the server's (2000 members), other people (seed 8)
  await runCli(['gen-roster', '--messy', '--members', '2000', '--seed', '8', '--out', file, '--truth', path.join(dir, 'truth.csv')]);
  roster = await readFile(file);
  rosterRows = parseCsv(roster.toString('utf8'));
});

after(async () => {
  if (srv) await srv.stop();
  if (dir) await rm(dir, { recursive: true, force: true });
});

/** Uploads a file through the API; returns the job (202). */
async function upload(body, { token = srv.tokens.admin, org = 'HCM', name = 'roster.csv', query = '' } = {}) {
  const res = await request(`${API()}/imports?org=${encodeURIComponent(org)}&name=${encodeURIComponent(name)}${query}`, {
    method: 'POST', token, body, headers: { 'Content-Type': 'text/csv' },
  });
  assert.equal(res.status, 202, describe(res));
  assert.ok(res.json && res.json.id > 0, describe(res));
  assert.equal(res.headers.get('location'), `/api/v1/imports/${res.json.id}`);
  return res.json;
}

/** Reads the job's event stream until "done"; returns {progress: [...], done}. */
async function events(id, token = srv.tokens.admin, timeoutMs = 120_000) {
  const ctl = new AbortController();
  const timer = setTimeout(() => ctl.abort(), timeoutMs);
  const res = await fetch(`${API()}/imports/${id}/events`, { headers: { Authorization: `Bearer ${token}`, Accept: 'text/event-stream' }, signal: ctl.signal });
  assert.equal(res.status, 200);
  assert.match(res.headers.get('content-type') || '', /^text\/event-stream/);
  const progress = [];
  let done = null;
  let buf = '';
  const dec = new TextDecoder();
  try {
    for await (const chunk of res.body) {
      buf += dec.decode(chunk, { stream: true });
      let i;
      while ((i = buf.indexOf('\n\n')) >= 0) {
        const block = buf.slice(0, i);
        buf = buf.slice(i + 2);
        const ev = /^event: (.+)$/m.exec(block)?.[1];
        const data = /^data: (.+)$/m.exec(block)?.[1];
        if (!ev || !data) continue;
        if (ev === 'progress') progress.push(JSON.parse(data));
        if (ev === 'done') done = JSON.parse(data);
      }
      if (done) break;
    }
  } finally {
    clearTimeout(timer);
    ctl.abort();
  }
  assert.ok(done, `no "done" event for import ${id}; progress: ${JSON.stringify(progress.slice(-3))}`);
  return { progress, done };
}

async function job(id, token = srv.tokens.admin) {
  const res = await request(`${API()}/imports/${id}`, { token });
  assert.equal(res.status, 200, describe(res));
  return res.json;
}

async function memberTotal(org = 'HCM') {
  const res = await request(`${API()}/stats?org=${org}`, { token: srv.tokens.admin });
  assert.equal(res.status, 200, describe(res));
  return res.json.by_status.reduce((s, x) => s + x.count, 0);
}

function assertAccounting(j, what) {
  assert.equal(j.rows_read, j.rows_created + j.rows_updated + j.rows_unchanged + j.rows_rejected,
    `${what}: rows read = stored + rejected (${JSON.stringify(j)})`);
  assert.equal(j.rows_stored, j.rows_created + j.rows_updated + j.rows_unchanged, `${what}: stored`);
  assert.equal(j.accounting_ok, true, `${what}: accounting_ok`);
}

// -------------------------------------------------------------------------------------------

test('a roster uploaded through the API: progress events, then the result with its row accounting', async () => {
  const before = await memberTotal();
  const j = await upload(roster, { query: '&batch=400' });
  assert.ok(['queued', 'running', 'done'].includes(j.status), `started: ${j.status}`);
  assert.equal(j.kind, 'roster');
  const { progress, done } = await events(j.id);
  assert.ok(progress.length >= 1, 'at least one progress event');
  for (let i = 1; i < progress.length; i++)
    assert.ok(progress[i].rows_read >= progress[i - 1].rows_read, 'rows read never goes back');
  assert.equal(done.status, 'done', JSON.stringify(done));
  assert.equal(done.rows_read, rosterRows.length, 'every data row of the file was read');
  assertAccounting(done, 'first import');
  assert.ok(done.rows_created > rosterRows.length * 0.9, `most rows created: ${done.rows_created}`);
  assert.equal(done.batches, Math.ceil(rosterRows.length / 400));
  assert.ok(done.findings_open > 0, 'the messy roster has findings to handle');
  assert.ok(Object.keys(done.summary.by_code).length > 10, 'findings by code');
  // the registry has the members
  const after = await memberTotal();
  assert.ok(after - before >= done.rows_created * 0.95, `registry grew by ~${done.rows_created}: ${before} → ${after}`);
  // every rejected row: line, reason
  const rej = await request(`${API()}/imports/${j.id}/rejected`, { token: srv.tokens.admin });
  assert.equal(rej.status, 200, describe(rej));
  assert.equal(rej.json.items.length, done.rows_rejected);
  for (const r of rej.json.items) {
    assert.ok(r.line > 1, `line: ${JSON.stringify(r)}`);
    assert.ok(r.reason.length > 5, `reason: ${JSON.stringify(r)}`);
  }
  // the list shows it
  const list = await request(`${API()}/imports`, { token: srv.tokens.admin });
  assert.ok(list.json.items.some((x) => x.id === j.id && x.status === 'done'));
});

test('the same file again stores nothing twice', async () => {
  const before = await memberTotal();
  const j = await upload(roster);
  const { done } = await events(j.id);
  assert.equal(done.status, 'done');
  assert.equal(done.rows_created, 0, JSON.stringify(done));
  assert.equal(done.rows_read, rosterRows.length);
  assertAccounting(done, 're-run');
  assert.equal(await memberTotal(), before, 'no member added');
});

test('a dry run counts and writes nothing', async () => {
  const before = await memberTotal();
  const other = Buffer.from(roster.toString('utf8').replace(/Nguyễn/g, 'Nguyển'));
  const j = await upload(other, { query: '&dry_run=1' });
  const { done } = await events(j.id);
  assert.equal(done.status, 'done');
  assert.equal(done.dry_run, true);
  assert.ok(done.rows_read > 0);
  assertAccounting(done, 'dry run');
  assert.equal(await memberTotal(), before, 'a dry run adds nobody');
});

test('staff import inside their ward only: other wards\' rows are rejected with their column', async () => {
  const wardA = srv.orgs.wardA;
  // a small file: five rows of ward A's cells, five of another ward
  const inA = rosterRows.filter((r) => r['Mã chi bộ'].startsWith(wardA + '.') || r['Mã chi bộ'] === wardA).slice(0, 5);
  const outside = rosterRows.filter((r) => !r['Mã chi bộ'].startsWith(wardA)).slice(0, 5);
  assert.ok(inA.length > 0 && outside.length === 5, 'the roster has rows of ward A and of other wards');
  const header = Object.keys(rosterRows[0]);
  const csv = [header.join(','), ...[...inA, ...outside].map((r) => header.map((h) => `"${String(r[h]).replace(/"/g, '""')}"`).join(','))].join('\r\n');
  // a dry run first: the same five rejections, listed by the API as for a stored run (its list
  // was empty: a dry run stores no rows, its rejections are in its summary)
  const dry = await upload(Buffer.from(csv), { token: srv.tokens.staff, org: wardA, name: 'ward-a.csv', query: '&dry_run=1' });
  const dryDone = (await events(dry.id, srv.tokens.staff)).done;
  assert.equal(dryDone.rows_rejected, 5, JSON.stringify(dryDone));
  const dryRej = await request(`${API()}/imports/${dry.id}/rejected`, { token: srv.tokens.staff });
  assert.equal(dryRej.status, 200, describe(dryRej));
  assert.equal(dryRej.json.items.length, 5, JSON.stringify(dryRej.json));
  const dryPage = await request(`${API()}/imports/${dry.id}/rejected?limit=2&after=${dryRej.json.items[0].line}`, { token: srv.tokens.staff });
  assert.deepEqual(dryPage.json.items, dryRej.json.items.slice(1, 3), 'paged by line like a stored run');
  const j = await upload(Buffer.from(csv), { token: srv.tokens.staff, org: wardA, name: 'ward-a.csv' });
  const { done } = await events(j.id, srv.tokens.staff);
  assert.equal(done.rows_read, inA.length + 5);
  assert.equal(done.rows_rejected, 5, JSON.stringify(done));
  assertAccounting(done, 'ward import');
  const rej = await request(`${API()}/imports/${j.id}/rejected`, { token: srv.tokens.staff });
  assert.deepEqual(dryRej.json.items, rej.json.items, 'the dry run rejects what the real run rejects');
  for (const r of rej.json.items) {
    assert.equal(r.column, 'Mã chi bộ', JSON.stringify(r));
    assert.match(r.reason, /không có trong/);
  }
  // outside the staff's scope: the job of the city import is not visible
  const first = (await request(`${API()}/imports`, { token: srv.tokens.admin })).json.items.at(-1);
  const peek = await request(`${API()}/imports/${first.id}`, { token: srv.tokens.staff });
  assert.equal(peek.status, 404, describe(peek));
  // a secretary may not import a roster
  const sec = await request(`${API()}/imports?org=${srv.orgs.cellB}&name=x.csv`, { method: 'POST', token: srv.tokens.secretary, body: csv });
  assert.equal(sec.status, 403, describe(sec));
});

test('a file without a name column is refused with a clear message', async () => {
  const res = await request(`${API()}/imports?org=HCM&name=x.csv`, { method: 'POST', token: srv.tokens.admin, body: 'A,B\n1,2\n' });
  assert.equal(res.status, 422, describe(res));
  assert.match(res.json.detail, /họ và tên/i);
});

test('the upload page: multipart as htmx sends it, the mapping to confirm, the result page', async () => {
  const c = await login(srv.baseUrl, 'admin', srv.adminPassword);
  const page = await c.fetch('/imports', { headers: { Accept: 'text/html' } });
  const html = await page.text();
  assert.equal(page.status, 200);
  assert.match(html, /id="upload-form"/);
  const csrf = /<meta name="csrf-token" content="([^"]+)"/.exec(html)[1];
  // a small roster whose cell column the user leaves out: everyone goes to the ward itself
  const header = Object.keys(rosterRows[0]);
  // ten people not imported yet (the same content is the same record wherever it was imported);
  // new people carry neither the CCCD nor the card number of a member the first test imported
  // (such a row is refused: one member per number)
  const rows = rosterRows.slice(100, 110).map((r) => ({ ...r, 'Số CCCD': '', 'Số thẻ': '', 'Họ và tên': `${r['Họ và tên']} Hòa` }));
  const csv = [header.join(','), ...rows.map((r) => header.map((h) => `"${String(r[h]).replace(/"/g, '""')}"`).join(','))].join('\r\n');
  const fd = new FormData();
  fd.append('org', srv.orgs.wardB);
  fd.append('file', new Blob([csv], { type: 'text/csv' }), 'ward-b.csv');
  const up = await c.fetch('/imports', { method: 'POST', body: fd, headers: { 'HX-Request': 'true', 'X-CSRF-Token': csrf } });
  assert.equal(up.status, 200, await up.text());
  const to = up.headers.get('hx-redirect');
  assert.match(to || '', /^\/imports\/\d+$/);
  const jobPage = await (await c.fetch(to, { headers: { Accept: 'text/html' } })).text();
  assert.match(jobPage, /id="mapping-form"/);
  assert.match(jobPage, /<option value="full_name" selected>/, 'the name column is recognised');
  // the form: every column with its select; the user unmaps the cell columns
  const form = new URLSearchParams({ csrf });
  header.forEach((h, i) => {
    const m = new RegExp(`<select[^>]*name="col_${i}"[^>]*>([\\s\\S]*?)</select>`).exec(jobPage);
    assert.ok(m, `a select for column ${i} (${h})`);
    const sel = /<option value="([a-z_]+)" selected>/.exec(m[1]);
    form.set(`col_${i}`, h === 'Mã chi bộ' || h === 'Chi bộ' ? 'none' : (sel ? sel[1] : 'none'));
  });
  form.set('save_mapping', '1');
  const start = await c.fetch(`${to}/start`, { method: 'POST', body: form.toString(), headers: { 'Content-Type': 'application/x-www-form-urlencoded' } });
  assert.equal(start.status, 303, await start.text());
  const id = Number(to.split('/').pop());
  await waitFor(async () => (await job(id)).status === 'done', 60_000, `import ${id} done`);
  const done = await job(id);
  assert.equal(done.rows_read, 10);
  assert.equal(done.rows_rejected, 0, JSON.stringify(done));
  assertAccounting(done, 'page import');
  const result = await (await c.fetch(to, { headers: { Accept: 'text/html' } })).text();
  assert.match(result, /id="import-accounting"/);
  assert.match(result, /id="count-read">10</);
  // the next file with this header in ward B gets the saved mapping
  const fd2 = new FormData();
  fd2.append('org', srv.orgs.wardB);
  fd2.append('file', new Blob([csv], { type: 'text/csv' }), 'again.csv');
  const up2 = await c.fetch('/imports', { method: 'POST', body: fd2, headers: { 'HX-Request': 'true', 'X-CSRF-Token': csrf } });
  const page2 = await (await c.fetch(up2.headers.get('hx-redirect'), { headers: { Accept: 'text/html' } })).text();
  assert.match(page2, /id="mapping-saved"/);
  // without the CSRF header the upload is refused
  const bad = await c.fetch('/imports', { method: 'POST', body: fd2, headers: { 'HX-Request': 'true' } });
  assert.equal(bad.status, 403);
});

test('the campaign: open findings per unit over time, the findings list and the findings sheet', async () => {
  const res = await request(`${API()}/campaign?org=HCM`, { token: srv.tokens.admin });
  assert.equal(res.status, 200, describe(res));
  const v = res.json;
  assert.ok(v.days.length >= 1);
  assert.equal(v.days.length, v.total_open.length);
  assert.ok(v.total_open.at(-1) > 0, 'open findings today');
  assert.equal(v.total_open.at(-1), v.now.open_errors + v.now.open_warnings);
  assert.ok(v.units.length >= 168, 'one series per ward');
  const sum = v.units.reduce((s, u) => s + u.now.open_errors + u.now.open_warnings, 0);
  assert.equal(sum, v.now.open_errors + v.now.open_warnings, 'the units add up to the city');
  const findings = await request(`${API()}/findings?org=HCM&severity=error&limit=5`, { token: srv.tokens.admin });
  assert.equal(findings.status, 200, describe(findings));
  assert.equal(findings.json.items.length, 5);
  for (const f of findings.json.items) {
    assert.equal(f.severity, 'error');
    assert.equal(f.status, 'open');
    assert.ok(f.message.length > 5 && f.code.includes('.'), JSON.stringify(f));
  }
  const xlsx = await fetch(`${srv.baseUrl}/campaign/findings.xlsx?org=${srv.orgs.wardA}`, { headers: { Authorization: `Bearer ${srv.tokens.staff}` } });
  assert.equal(xlsx.status, 200);
  assert.match(xlsx.headers.get('content-type'), /spreadsheetml/);
  const bytes = Buffer.from(await xlsx.arrayBuffer());
  assert.equal(bytes.subarray(0, 2).toString(), 'PK');
  // staff of ward A cannot see ward B's campaign
  const other = await request(`${API()}/campaign?org=${srv.orgs.wardB}`, { token: srv.tokens.staff });
  assert.equal(other.status, 404, describe(other));
  // the campaign page renders
  const pageRes = await request(`${srv.baseUrl}/campaign?org=HCM`, { token: srv.tokens.admin, headers: { Accept: 'text/html' } });
  assert.equal(pageRes.status, 200);
  assert.match(pageRes.text, /id="campaign-chart"/);
  assert.match(pageRes.text, /id="units-table"/);
  // the lists that name members and show their original values are audited, one entry a request
  const listPage = await request(`${srv.baseUrl}/campaign/findings?org=HCM`, { token: srv.tokens.admin, headers: { Accept: 'text/html' } });
  assert.equal(listPage.status, 200);
  const jobs = (await request(`${API()}/imports`, { token: srv.tokens.admin })).json.items;
  const rejected = await request(`${API()}/imports/${jobs.at(-1).id}/rejected`, { token: srv.tokens.admin });
  assert.equal(rejected.status, 200, describe(rejected));
  const audit = await request(`${srv.baseUrl}/api/v1/audit?action=list&limit=100`, { token: srv.tokens.admin });
  assert.equal(audit.status, 200, describe(audit));
  const reads = audit.json.items.filter((e) => e.entity === 'finding');
  assert.ok(reads.some((e) => e.detail.count === 5 && e.detail.findings.length === 5), JSON.stringify(reads.slice(0, 3)));
  assert.ok(reads.length >= 2, 'the API list and the page');
  assert.ok(audit.json.items.some((e) => e.entity === 'import_row' && e.entity_id === String(jobs.at(-1).id)), 'the rejected rows read');
});

test('the registry\'s own export comes back matched by its "Mã": nothing duplicated, one changed cell updates one member, a changed "Mã tổ chức" transfers, ids of other wards are refused', async () => {
  const ward = srv.orgs.wardA;
  const token = srv.tokens.staff;
  const exp = await request(`${srv.baseUrl}/orgs/${encodeURIComponent(ward)}/export.csv`, { token, headers: { Accept: 'text/csv' } });
  assert.equal(exp.status, 200, describe(exp));
  const lines = exp.text.split('\r\n').filter((l) => l !== '');
  const rows = parseCsv(exp.text);
  assert.equal(rows.length, lines.length - 1);
  assert.ok(rows.length >= 3, `ward ${ward} has members to export: ${rows.length}`);
  const total = await memberTotal();
  const importAs = async (text, name) => {
    const j = await upload(Buffer.from(text), { token, org: ward, name });
    const { done } = await events(j.id, token);
    assert.equal(done.status, 'done', JSON.stringify(done));
    assertAccounting(done, name);
    return done;
  };
  const member = async (id) => {
    const res = await request(`${API()}/members/${id}`, { token });
    assert.equal(res.status, 200, describe(res));
    return res.json;
  };

  // the file unchanged: every row matched by its id, nothing created, nothing changed
  const same = await importAs(exp.text, 'export.csv');
  assert.equal(same.rows_read, rows.length);
  assert.equal(same.rows_created, 0, JSON.stringify(same));
  assert.equal(same.rows_updated, 0, JSON.stringify(same));
  assert.equal(same.rows_unchanged, rows.length);
  assert.equal(same.rows_rejected, 0, JSON.stringify(same));
  assert.equal(await memberTotal(), total, 'nobody added');

  // one cell changed (a birth date): exactly that member updated
  const plain = (i) => !lines[i + 1].includes('"');  // lines the test may split on commas
  const k = rows.findIndex((r, i) => /^\d\d\/\d\d\/\d{4}$/.test(r['Ngày sinh']) && plain(i));
  assert.ok(k >= 0, 'a row with a full birth date');
  const [dd, mm, yyyy] = rows[k]['Ngày sinh'].split('/');
  const day = dd === '01' ? '02' : '01';
  const cells = (i, edit) => { const c = lines[i + 1].split(','); edit(c); return c.join(','); };
  const edited = [...lines];
  edited[k + 1] = cells(k, (c) => { c[5] = `${day}/${mm}/${yyyy}`; });
  const one = await importAs(edited.join('\r\n') + '\r\n', 'export-edited.csv');
  assert.equal(one.rows_created, 0, JSON.stringify(one));
  assert.equal(one.rows_updated, 1, JSON.stringify(one));
  assert.equal(one.rows_unchanged, rows.length - 1);
  assert.equal((await member(rows[k]['Mã'])).birth_date, `${yyyy}-${mm}-${day}`);

  // another row's "Mã tổ chức" changed to another cell of the ward: transferred
  const m = rows.findIndex((r, i) => i !== k && plain(i));
  let target = null;  // an organization of the ward other than the member's: a cell (breadth-first)
  for (const queue = [ward]; queue.length && !target;) {
    const kids = await request(`${API()}/organizations?parent=${encodeURIComponent(queue.shift())}`, { token });
    assert.equal(kids.status, 200, describe(kids));
    target = kids.json.items.find((o) => o.code !== rows[m]['Mã tổ chức'] && /cell/.test(o.kind));
    queue.push(...kids.json.items.map((o) => o.code));
  }
  // (the demo ward may have a single cell: then the ward itself, where a row without a cell goes)
  if (!target) target = { code: ward };
  assert.notEqual(target.code, rows[m]['Mã tổ chức']);
  const moved = [...edited];
  moved[m + 1] = cells(m, (c) => { c[10] = target.code; });
  const mv = await importAs(moved.join('\r\n') + '\r\n', 'export-moved.csv');
  assert.equal(mv.rows_updated, 1, JSON.stringify(mv));
  assert.equal(mv.summary.moved, 1, JSON.stringify(mv.summary));
  assert.equal((await member(rows[m]['Mã'])).organization, target.code);
  const page = await request(`${srv.baseUrl}/imports/${mv.id}`, { token, headers: { Accept: 'text/html' } });
  assert.equal(page.status, 200);
  assert.match(page.text, /id="count-moved">1</);

  // a member of ward B and an id nobody has: refused, nothing created, the other ward's
  // member not named
  const other = await request(`${API()}/members?org=${encodeURIComponent(srv.orgs.wardB)}&limit=1`, { token: srv.tokens.admin });
  assert.equal(other.status, 200, describe(other));
  const outsider = other.json.items[0];
  const foreign = [lines[0], cells(k, (c) => { c[0] = String(outsider.id); }), cells(k, (c) => { c[0] = '999999999'; })];
  const refused = await importAs(foreign.join('\r\n') + '\r\n', 'foreign-ids.csv');
  assert.equal(refused.rows_rejected, 2, JSON.stringify(refused));
  assert.equal(refused.rows_created, 0);
  const rej = await request(`${API()}/imports/${refused.id}/rejected`, { token });
  assert.equal(rej.status, 200, describe(rej));
  assert.equal(rej.json.items.length, 2);
  for (const r of rej.json.items) {
    assert.equal(r.column, 'Mã', JSON.stringify(r));
    assert.match(r.reason, /^Không có đảng viên mã \d+ trong /, JSON.stringify(r));
    assert.ok(!r.reason.includes(outsider.full_name), r.reason);
  }
  assert.equal(await memberTotal(), total, 'nobody added by any of these imports');
});
