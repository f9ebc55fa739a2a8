// Fault test (issue 7): kill -9 the server in the middle of an import and of a restructure
// apply; after a restart nothing is half-applied, and running the import again completes it
// with no duplicate members.
//
//   import: a large messy roster (DANGBO_FAULT_ROWS rows, default 60,000) into one ward in
//   batches of 3,000; the server is killed once at least two batches are committed. Then:
//   the rows stored are a whole number of batches (import_row, import_batch and the job's
//   counters agree), every stored row has its member, the members added are exactly the rows
//   created, the audit chain verifies; the job shows as interrupted, resuming it completes the
//   file, and uploading the same file once more creates nobody.
//   restructure: a plan renaming every ward committee, applied once to time it and undone, then
//   applied again and killed half-way; afterwards the plan is either applied entirely or not at all.
//
// Runs on SQLite or PostgreSQL like the other integration tests (DANGBO_TEST_BACKEND).
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { startServer, request, describe, runCli, waitFor, tail, DANGBO_BIN, REPO_ROOT, dbRows } from './harness.mjs';

const ROWS = Number(process.env.DANGBO_FAULT_ROWS || 60000);
const BATCH = 3000;

let srv;          // the first server (killed), from the harness: database, users, tokens
let server;       // the current server {baseUrl, child, exited}
let dir;
let roster;

before(async () => {
  srv = await startServer({ members: 2000, seed: 7 });
  server = { baseUrl: srv.baseUrl, pid: srv.pid };
  dir = await mkdtemp(path.join(tmpdir(), 'dangbo-fault-'));
  const file = path.join(dir, 'roster.csv');
  await runCli(['gen-roster', '--messy', '--members', String(ROWS), '--seed', '8', '--out', file, '--truth', path.join(dir, 'truth.csv')]);
  roster = await readFile(file);
});

after(async () => {
  if (server?.child && !server.exited) {
    server.child.kill('SIGTERM');
    await Promise.race([server.exitPromise, new Promise((r) => setTimeout(r, 10_000))]);
    if (!server.exited) server.child.kill('SIGKILL');
  }
  if (srv) await srv.stop();
  if (dir) await rm(dir, { recursive: true, force: true });
});

const sql = (query) => dbRows(srv.db, query);
const one = async (q) => Number((await sql(q))[0]?.[0] ?? 0);

function kill9() {
  process.kill(server.pid, 'SIGKILL');
}

/** Starts `dangbo serve` again on the same database. */
async function restart() {
  const child = spawn(DANGBO_BIN, ['serve', '--db', srv.db, '--listen', '127.0.0.1:0'], { cwd: REPO_ROOT, stdio: ['ignore', 'pipe', 'pipe'] });
  const s = { child, pid: child.pid, exited: null, output: '' };
  s.exitPromise = new Promise((resolve) => child.on('exit', (code, signal) => { s.exited = { code, signal }; resolve(s.exited); }));
  process.once('exit', () => { if (!s.exited) child.kill('SIGKILL'); });
  s.baseUrl = await new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`no "listening on" after restart:\n${tail(s.output)}`)), 60_000);
    const onData = (d) => {
      s.output += d;
      const m = /listening on (http:\/\/[^\s]+)/.exec(s.output);
      if (m) { clearTimeout(timer); resolve(m[1].replace(/\/$/, '')); }
    };
    child.stdout.setEncoding('utf8').on('data', onData);
    child.stderr.setEncoding('utf8').on('data', onData);
    child.on('exit', (code) => { clearTimeout(timer); reject(new Error(`the server exited at restart (${code}):\n${tail(s.output)}`)); });
  });
  child.stdout.on('data', () => { if (s.output.length > 1_000_000) s.output = s.output.slice(-200_000); });
  await waitFor(async () => (await fetch(s.baseUrl + '/healthz')).status === 200, 10_000, 'healthz after restart');
  server = s;
  return s;
}

async function api(pathAndQuery, opts = {}) {
  return request(`${server.baseUrl}/api/v1${pathAndQuery}`, { token: srv.tokens.admin, ...opts });
}

async function auditVerify() {
  const r = await runCli(['audit', 'verify', '--db', srv.db], { allowFail: true });
  assert.equal(r.code, 0, `audit chain: ${r.stdout}${r.stderr}`);
}

/** The invariants of a job's committed state (after a crash or at the end). */
async function checkWhole(id, { complete }) {
  const rows = await one(`SELECT count(*) FROM import_row WHERE import_id = ${id}`);
  const batches = await one(`SELECT count(*) FROM import_batch WHERE import_id = ${id}`);
  const batchRows = await one(`SELECT COALESCE(sum(rows_read), 0) FROM import_batch WHERE import_id = ${id}`);
  const [[jobRead, jobCreated, jobBatches]] = await sql(`SELECT rows_read, rows_created, batches_done FROM import_job WHERE id = ${id}`);
  assert.equal(rows, batchRows, 'import_row = the rows of the committed batches');
  assert.equal(Number(jobRead), rows, "the job's counter = import_row");
  assert.equal(Number(jobBatches), batches, "the job's batch count = import_batch");
  if (!complete) assert.equal(rows, batches * BATCH, `a whole number of batches (${rows} rows, ${batches} batches of ${BATCH})`);
  // every stored row has its member; rejected rows have none
  assert.equal(await one(`SELECT count(*) FROM import_row r LEFT JOIN member m ON m.id = r.member_id WHERE r.import_id = ${id} AND r.outcome <> 'rejected' AND m.id IS NULL`), 0, 'no import_row without its member');
  assert.equal(await one(`SELECT count(*) FROM import_row WHERE import_id = ${id} AND outcome = 'rejected' AND member_id IS NOT NULL`), 0);
  // each created member comes from exactly one row, and has its membership
  const created = await one(`SELECT count(*) FROM import_row WHERE import_id = ${id} AND outcome = 'created'`);
  assert.equal(Number(jobCreated), created);
  assert.equal(await one(`SELECT count(DISTINCT member_id) FROM import_row WHERE import_id = ${id} AND outcome = 'created'`), created);
  assert.equal(await one(`SELECT count(*) FROM member m LEFT JOIN membership s ON s.member_id = m.id WHERE s.id IS NULL`), 0, 'every member has a membership');
  return { rows, batches, created };
}

test(`kill -9 during an import of ${ROWS} rows, restart, nothing half-applied, resume without duplicates`, { timeout: 900_000 }, async () => {
  const membersBefore = await one('SELECT count(*) FROM member');
  const mapping = JSON.stringify({ columns: { 'Chi bộ': 'none', 'Mã chi bộ': 'none' } });
  const up = await api(`/imports?org=${srv.orgs.wardA}&name=fault.csv&batch=${BATCH}&mapping=${encodeURIComponent(mapping)}`, {
    method: 'POST', body: roster, headers: { 'Content-Type': 'text/csv' },
  });
  assert.equal(up.status, 202, describe(up));
  const id = up.json.id;
  // wait for two committed batches, then kill -9
  await waitFor(async () => (await one(`SELECT count(*) FROM import_batch WHERE import_id = ${id}`)) >= 2, 300_000, 'two batches committed');
  kill9();
  await new Promise((r) => setTimeout(r, 300));
  const cut = await checkWhole(id, { complete: false });
  assert.ok(cut.rows < ROWS, `killed before the end (${cut.rows} of ${ROWS} rows committed)`);
  assert.equal(await one('SELECT count(*) FROM member'), membersBefore + cut.created, 'members added = rows created, nothing more');
  await auditVerify();
  console.log(`  killed after ${cut.batches} batches (${cut.rows} rows, ${cut.created} members)`);

  // restart: the job is shown interrupted, then resumed to the end
  await restart();
  const shown = await api(`/imports/${id}`);
  assert.equal(shown.status, 200, describe(shown));
  assert.equal(shown.json.status, 'interrupted', JSON.stringify(shown.json));
  const res = await api(`/imports/${id}/resume`, { method: 'POST' });
  assert.equal(res.status, 202, describe(res));
  await waitFor(async () => ['done', 'failed'].includes((await api(`/imports/${id}`)).json.status), 600_000, `import ${id} done`);
  const done = (await api(`/imports/${id}`)).json;
  assert.equal(done.status, 'done', JSON.stringify(done));
  assert.equal(done.summary.resumed_after_line, Number((await sql(`SELECT max(last_line) FROM import_batch WHERE import_id = ${id} AND batch_no <= ${cut.batches}`))[0][0]));
  assert.equal(done.rows_read, ROWS, 'every row of the file read once');
  assert.equal(done.rows_read, done.rows_stored + done.rows_rejected, 'rows read = stored + rejected');
  const whole = await checkWhole(id, { complete: true });
  assert.equal(whole.rows, ROWS);
  assert.equal(await one(`SELECT count(DISTINCT line) FROM import_row WHERE import_id = ${id}`), ROWS, 'each line once');
  assert.equal(await one('SELECT count(*) FROM member'), membersBefore + whole.created, 'no duplicate members');
  await auditVerify();

  // the same file uploaded again: nobody created
  const again = await api(`/imports?org=${srv.orgs.wardA}&name=fault-again.csv&batch=${BATCH}&mapping=${encodeURIComponent(mapping)}`, {
    method: 'POST', body: roster, headers: { 'Content-Type': 'text/csv' },
  });
  assert.equal(again.status, 202, describe(again));
  await waitFor(async () => (await api(`/imports/${again.json.id}`)).json.status === 'done', 600_000, 'second upload done');
  const second = (await api(`/imports/${again.json.id}`)).json;
  assert.equal(second.rows_created, 0, JSON.stringify(second));
  assert.equal(second.rows_read, ROWS);
  assert.equal(await one('SELECT count(*) FROM member'), membersBefore + whole.created);
});

test('kill -9 during a restructure apply: the plan is applied entirely or not at all', { timeout: 600_000 }, async () => {
  const wards = (await api('/organizations?kind=commune_committee&parent=HCM&limit=1000')).json.items;
  assert.ok(wards.length >= 100, `wards: ${wards.length}`);
  const head = 'op,code,target,target_name,target_kind,target_parent,target_unit,rule,share,decision_no,decision_date,effective_date\n';
  // effective yesterday (server's Vietnam time): a plan effective after today is refused
  const vnDay = (offset) => new Date(Date.now() + 7 * 3600e3 + offset * 86400e3).toISOString().slice(0, 10);
  const EFF = vnDay(-1), DEC = vnDay(-9);
  const csv = head + wards.map((w) => `rename,${w.code},,"${w.name} (thử)",,,,,,QĐ-FAULT,${DEC},${EFF}`).join('\n') + '\n';
  const state = async () => ({
    plans: await one("SELECT count(*) FROM restructure_plan WHERE name LIKE '%' AND status = 'applied'"),
    orgs: await one('SELECT count(*) FROM organization'),
    memberships: await one('SELECT count(*) FROM membership'),
    lineage: await one('SELECT count(*) FROM org_lineage'),
    renamed: await one("SELECT count(*) FROM organization WHERE name LIKE '% (thử)'"),
  });
  // time one apply (then undo it), and kill the next one half-way through that time
  let t0 = Date.now();
  const first = await api('/restructure/apply', { method: 'POST', json: { csv } });
  assert.equal(first.status, 201, describe(first));
  const applyMs = Date.now() - t0;
  const undo = await api('/restructure/undo', { method: 'POST', json: {} });
  assert.equal(undo.status, 200, describe(undo));
  const before = await state();
  t0 = Date.now();
  const applying = fetch(`${server.baseUrl}/api/v1/restructure/apply`, {
    method: 'POST', headers: { Authorization: `Bearer ${srv.tokens.admin}`, 'Content-Type': 'application/json' }, body: JSON.stringify({ csv }),
  }).then((r) => r.status, () => 'killed');
  await new Promise((r) => setTimeout(r, Math.max(20, Math.floor(applyMs / 2))));
  kill9();
  const outcome = await applying;
  await new Promise((r) => setTimeout(r, 300));
  const after = await state();
  console.log(`  apply ${applyMs} ms; the next apply killed after ~${Date.now() - t0} ms; response: ${outcome}; plans applied ${before.plans} → ${after.plans}`);
  if (after.plans === before.plans) {
    // not applied: no trace at all
    assert.deepEqual(after, before, 'a killed apply leaves the tree exactly as it was');
  } else {
    assert.equal(after.plans, before.plans + 1);
    assert.equal(after.renamed, before.renamed + wards.length, 'applied: every ward renamed');
  }
  await auditVerify();
  // after a restart the plan applies (again, if it had not) and completely
  await restart();
  if (after.plans === before.plans) {
    const res = await api('/restructure/apply', { method: 'POST', json: { csv } });
    assert.equal(res.status, 201, describe(res));
  }
  const final = await state();
  assert.equal(final.plans, before.plans + 1);
  assert.ok(final.renamed >= before.renamed + wards.length, `every ward renamed: ${JSON.stringify(final)}`);
  await auditVerify();
});
