// Test harness: a real `dangbo serve` on an ephemeral port over a fresh SQLite database.
//
//   const srv = await startServer({ members: 3000, seed: 7 });
//   srv.baseUrl            'http://127.0.0.1:PORT'
//   srv.adminPassword      the one-time password printed by `dangbo init`
//   srv.tokens             { admin, staff, secretary }   bearer tokens
//   srv.users              { admin, staff, secretary }   { username, password, role, org }
//   srv.orgs               { wardA, wardB, cellB }       codes (staff is on wardA, the secretary
//                                                        on cellB, a cell inside wardB)
//   srv.log()              the server's output so far (for failure messages)
//   await srv.stop()       SIGTERM, wait for exit ({code, signal}), remove the temp dir
//
//   const c = await login(baseUrl, 'admin', password);   // cookie-jar client
//   await c.fetch('/members')                            // sends dangbo_session
//
// Environment: DANGBO_BIN (default <repo>/build/dangbo); DANGBO_KEEP_TMP=1 keeps the temp dir;
// DANGBO_TEST_VERBOSE=1 echoes the server's output.
import { spawn } from 'node:child_process';
import { mkdtemp, rm, access, readFile } from 'node:fs/promises';
import { constants as fsc } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

export const REPO_ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
export const DANGBO_BIN = process.env.DANGBO_BIN || path.join(REPO_ROOT, 'build', 'dangbo');
export const SESSION_COOKIE = 'dangbo_session';

const VERBOSE = !!process.env.DANGBO_TEST_VERBOSE;

// ---------------------------------------------------------------------------------------------
// Running the CLI

/** Runs `dangbo ARGS…`; resolves {code, stdout, stderr}; rejects with both outputs on non-zero. */
export function runCli(args, { input, timeoutMs = 300_000, allowFail = false, env } = {}) {
  return new Promise((resolve, reject) => {
    const child = spawn(DANGBO_BIN, args, {
      cwd: REPO_ROOT,
      env: { ...process.env, ...env },
      stdio: ['pipe', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (d) => { stdout += d; });
    child.stderr.setEncoding('utf8').on('data', (d) => { stderr += d; });
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`dangbo ${redact(args)} timed out after ${timeoutMs} ms\nstdout:\n${tail(stdout)}\nstderr:\n${tail(stderr)}`));
    }, timeoutMs);
    child.on('error', (err) => { clearTimeout(timer); reject(new Error(`cannot run ${DANGBO_BIN}: ${err.message}`)); });
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      if ((code !== 0 || signal) && !allowFail) {
        reject(new Error(`dangbo ${redact(args)} exited with ${code ?? signal}\nstdout:\n${tail(stdout)}\nstderr:\n${tail(stderr)}`));
      } else {
        resolve({ code, signal, stdout, stderr });
      }
    });
    if (input !== undefined) child.stdin.end(input);
    else child.stdin.end();
  });
}

function redact(args) { return args.join(' '); }
export function tail(s, n = 40) {
  const lines = String(s).split('\n');
  return lines.slice(Math.max(0, lines.length - n)).join('\n');
}

async function assertBinary() {
  try {
    await access(DANGBO_BIN, fsc.X_OK);
  } catch {
    throw new Error(`dangbo binary not found or not executable at ${DANGBO_BIN} ` +
      `(build it: cmake -S . -B build -G Ninja && ninja -C build dangbo; or set DANGBO_BIN)`);
  }
}

// ---------------------------------------------------------------------------------------------
// HTTP helpers

/** fetch + parse: {status, headers, contentType, text, json (or undefined)}. */
export async function request(url, { method = 'GET', token, headers = {}, body, json, redirect = 'manual' } = {}) {
  const h = { Accept: 'application/json', ...headers };
  if (token) h.Authorization = `Bearer ${token}`;
  let payload = body;
  if (json !== undefined) {
    h['Content-Type'] = 'application/json';
    payload = JSON.stringify(json);
  }
  const res = await fetch(url, { method, headers: h, body: payload, redirect });
  const text = await res.text();
  let parsed;
  try { parsed = text ? JSON.parse(text) : undefined; } catch { parsed = undefined; }
  return {
    status: res.status,
    headers: res.headers,
    contentType: res.headers.get('content-type') || '',
    text,
    json: parsed,
    url,
    method,
  };
}

// The output of the running server, so that a 5xx in an assertion message comes with the
// server's own error lines (set by startServer).
let serverLog = () => '';

/** A one-line description of a response for assertion messages (+ the server's error lines on a 5xx). */
export function describe(res, max = 600) {
  const body = res.text.length > max ? res.text.slice(0, max) + '…' : res.text;
  let out = `${res.method} ${res.url} → ${res.status} [${res.contentType}] ${body}`;
  if (res.status >= 500) {
    const errs = serverLog().split('\n').filter((l) => /\[(error|critical|warning)\]/i.test(l)).slice(-5);
    if (errs.length) out += `\n  server log:\n    ${errs.join('\n    ')}`;
  }
  return out;
}

/** Follows `next` cursors (`&after=CURSOR`) and returns every item. Throws on a loop. */
export async function allPages(baseUrl, pathAndQuery, { token, maxPages = 2000, onPage } = {}) {
  const items = [];
  const seen = new Set();
  let cursor = null;
  for (let page = 0; page < maxPages; page++) {
    const sep = pathAndQuery.includes('?') ? '&' : '?';
    const url = baseUrl + pathAndQuery + (cursor != null ? `${sep}after=${encodeURIComponent(cursor)}` : '');
    const res = await request(url, { token });
    if (res.status !== 200 || !res.json || !Array.isArray(res.json.items)) {
      throw new Error(`paging ${pathAndQuery} (page ${page + 1}) failed: ${describe(res)}`);
    }
    if (onPage) onPage(res.json, page);
    items.push(...res.json.items);
    const next = res.json.next;
    if (next === null || next === undefined || next === '') return items;
    const key = String(next);
    if (seen.has(key)) throw new Error(`paging ${pathAndQuery}: cursor ${key} repeated (loop)`);
    seen.add(key);
    cursor = key;
  }
  throw new Error(`paging ${pathAndQuery}: more than ${maxPages} pages`);
}

// ---------------------------------------------------------------------------------------------
// Cookie-jar client and sign-in

/** Minimal cookie jar (one host): name → value; honours Max-Age=0 / past Expires as delete. */
export class CookieJar {
  constructor() { this.map = new Map(); }
  update(res) {
    const list = typeof res.headers.getSetCookie === 'function' ? res.headers.getSetCookie() : [];
    for (const sc of list) {
      const [pair, ...attrs] = sc.split(';');
      const eq = pair.indexOf('=');
      if (eq < 0) continue;
      const name = pair.slice(0, eq).trim();
      const value = pair.slice(eq + 1).trim();
      const del = attrs.some((a) => {
        const [k, v = ''] = a.split('=');
        const key = k.trim().toLowerCase();
        if (key === 'max-age') return Number(v.trim()) <= 0;
        if (key === 'expires') return Date.parse(v.trim()) < Date.now();
        return false;
      });
      if (del || value === '') this.map.delete(name);
      else this.map.set(name, value);
    }
  }
  header() { return [...this.map].map(([k, v]) => `${k}=${v}`).join('; '); }
  get(name) { return this.map.get(name); }
}

/** Value of the hidden input named `name` in an HTML page (attribute order free). */
export function hiddenInput(html, name) {
  const re = /<input\b[^>]*>/gi;
  for (const m of html.matchAll(re)) {
    const tag = m[0];
    const n = /\bname\s*=\s*("([^"]*)"|'([^']*)'|([^\s>]+))/i.exec(tag);
    if (!n || (n[2] ?? n[3] ?? n[4]) !== name) continue;
    const v = /\bvalue\s*=\s*("([^"]*)"|'([^']*)'|([^\s>]+))/i.exec(tag);
    return v ? decodeEntities(v[2] ?? v[3] ?? v[4]) : '';
  }
  return undefined;
}

/** Value of <meta name="NAME" content="…">. */
export function metaContent(html, name) {
  for (const m of html.matchAll(/<meta\b[^>]*>/gi)) {
    const tag = m[0];
    const n = /\bname\s*=\s*("([^"]*)"|'([^']*)')/i.exec(tag);
    if (!n || (n[2] ?? n[3]) !== name) continue;
    const c = /\bcontent\s*=\s*("([^"]*)"|'([^']*)')/i.exec(tag);
    return c ? decodeEntities(c[2] ?? c[3]) : '';
  }
  return undefined;
}

function decodeEntities(s) {
  return s.replace(/&(#x[0-9a-f]+|#\d+|amp|lt|gt|quot|#39|apos);/gi, (all, e) => {
    const k = e.toLowerCase();
    if (k === 'amp') return '&';
    if (k === 'lt') return '<';
    if (k === 'gt') return '>';
    if (k === 'quot') return '"';
    if (k === 'apos' || k === '#39') return "'";
    if (k.startsWith('#x')) return String.fromCodePoint(parseInt(k.slice(2), 16));
    if (k.startsWith('#')) return String.fromCodePoint(parseInt(k.slice(1), 10));
    return all;
  });
}

/**
 * Signs in through the form (GET /login for the hidden `csrf` input, then POST /login with
 * username, password, csrf). Returns a client {fetch(path, init), jar, csrf(), session} whose
 * fetch sends the cookies and keeps Set-Cookie answers. Throws when no dangbo_session comes back.
 */
export async function login(baseUrl, username, password) {
  const jar = new CookieJar();
  const client = {
    jar,
    baseUrl,
    async fetch(p, init = {}) {
      const headers = { ...(init.headers || {}) };
      const cookie = jar.header();
      if (cookie) headers.Cookie = cookie;
      const res = await fetch(p.startsWith('http') ? p : baseUrl + p, { redirect: 'manual', ...init, headers });
      jar.update(res);
      return res;
    },
    get session() { return jar.get(SESSION_COOKIE); },
    /** CSRF token of a page (meta csrf-token or hidden input csrf). */
    async csrf(p = '/') {
      const res = await client.fetch(p, { headers: { Accept: 'text/html' } });
      const html = await res.text();
      return metaContent(html, 'csrf-token') ?? hiddenInput(html, 'csrf');
    },
  };
  const page = await client.fetch('/login', { headers: { Accept: 'text/html' } });
  const html = await page.text();
  if (page.status !== 200) throw new Error(`GET /login → ${page.status}: ${html.slice(0, 300)}`);
  const csrf = hiddenInput(html, 'csrf');
  if (csrf === undefined) throw new Error('GET /login: no hidden input named "csrf" in the sign-in form');
  const res = await client.fetch('/login', {
    method: 'POST',
    headers: { 'Content-Type': 'application/x-www-form-urlencoded', Accept: 'text/html' },
    body: new URLSearchParams({ username, password, csrf }).toString(),
  });
  const body = await res.text();
  if (!(res.status >= 300 && res.status < 400) || !client.session) {
    throw new Error(`POST /login as ${username} → ${res.status} without a ${SESSION_COOKIE} cookie: ${body.slice(0, 300)}`);
  }
  client.location = res.headers.get('location');
  return client;
}

// ---------------------------------------------------------------------------------------------
// Reference data read independently of the server

/** RFC 4180 CSV → array of objects keyed by the header row. */
export function parseCsv(text) {
  const rows = [];
  let row = [];
  let field = '';
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const ch = text[i];
    if (quoted) {
      if (ch === '"') {
        if (text[i + 1] === '"') { field += '"'; i++; } else quoted = false;
      } else field += ch;
    } else if (ch === '"') quoted = true;
    else if (ch === ',') { row.push(field); field = ''; }
    else if (ch === '\n' || ch === '\r') {
      if (ch === '\r' && text[i + 1] === '\n') i++;
      row.push(field); field = '';
      if (row.length > 1 || row[0] !== '') rows.push(row);
      row = [];
    } else field += ch;
  }
  if (field !== '' || row.length) { row.push(field); rows.push(row); }
  const [header, ...data] = rows;
  const h = header.map((s) => s.replace(/^\uFEFF/, ''));
  return data.map((r) => Object.fromEntries(h.map((k, i) => [k, r[i] ?? ''])));
}

/** The 168 commune-level units of Ho Chi Minh City (province_code 79) from the 2025 list. */
export async function hcmcCommunes() {
  const file = path.join(REPO_ROOT, 'data', 'admin_units', 'new_communes_2025-07.csv');
  const rows = parseCsv(await readFile(file, 'utf8'));
  return rows.filter((r) => r.province_code === '79');
}

/** Diacritic-free, lower-case form (NFD, marks removed, đ→d): the search key of a name. */
export function fold(s) {
  return String(s ?? '').normalize('NFD').replace(/\p{M}/gu, '').replace(/đ/g, 'd').replace(/Đ/g, 'D').toLowerCase();
}

// ---------------------------------------------------------------------------------------------
// PostgreSQL (throwaway cluster started by tests/run-all.sh)

function psql(url, sql) {
  return new Promise((resolve, reject) => {
    const child = spawn('psql', [url, '-qAt', '-v', 'ON_ERROR_STOP=1', '-c', sql], { stdio: ['ignore', 'pipe', 'pipe'] });
    let err = '';
    child.stderr.setEncoding('utf8').on('data', (d) => { err += d; });
    child.on('error', reject);
    child.on('close', (code) => (code === 0 ? resolve() : reject(new Error(`psql: ${err}`))));
  });
}

/** Creates database NAME in the cluster of ADMIN_URL and returns its URL. */
async function createPgDatabase(adminUrl, name) {
  await psql(adminUrl, `CREATE DATABASE ${name}`);
  const u = adminUrl.replace(/^(postgres(?:ql)?:\/\/[^/]*\/)[^?]*/, `$1${name}`);
  return u;
}

// ---------------------------------------------------------------------------------------------
// The server

/**
 * Creates a temp dir, runs `dangbo init` (N synthetic members), starts `dangbo serve` on
 * 127.0.0.1:0, discovers two wards and a cell through the API as admin, adds a staff user on
 * ward A and a secretary on a cell of ward B, and creates bearer tokens for the three users.
 * `serveArgs` are added to the `dangbo serve` command line (e.g. tighter limits for a test).
 */
export async function startServer({ members = 3000, seed = 7, readyTimeoutMs = 60_000, serveArgs = [] } = {}) {
  await assertBinary();
  const dir = await mkdtemp(path.join(tmpdir(), 'dangbo-test-'));
  // DANGBO_TEST_BACKEND=postgresql runs the server on a fresh database in the cluster named by
  // DANGBO_TEST_PG_URL (tests/run-all.sh starts one); the default is SQLite in the temp dir.
  const pgAdmin = process.env.DANGBO_TEST_BACKEND === 'postgresql' ? process.env.DANGBO_TEST_PG_URL : '';
  if (process.env.DANGBO_TEST_BACKEND === 'postgresql' && !pgAdmin) throw new Error('DANGBO_TEST_PG_URL is not set');
  const pgName = `dangbo_it_${process.pid}_${Date.now()}`;
  const db = pgAdmin ? await createPgDatabase(pgAdmin, pgName) : `sqlite:${path.join(dir, 'dangbo.db')}`;
  let child = null;
  let output = '';
  let exited = null;
  const exitPromise = { promise: null };

  const cleanup = async () => {
    if (pgAdmin) await psql(pgAdmin, `DROP DATABASE IF EXISTS ${pgName} WITH (FORCE)`).catch(() => {});
    if (!process.env.DANGBO_KEEP_TMP) await rm(dir, { recursive: true, force: true });
  };

  try {
    const init = await runCli(['init', '--db', db, '--demo-members', String(members), '--seed', String(seed)]);
    const m = /^ADMIN_PASSWORD=(.+)$/m.exec(init.stdout);
    if (!m) throw new Error(`dangbo init printed no ADMIN_PASSWORD=… line:\n${tail(init.stdout)}\n${tail(init.stderr)}`);
    const adminPassword = m[1].trim();

    child = spawn(DANGBO_BIN, ['serve', '--db', db, '--listen', '127.0.0.1:0', ...serveArgs], {
      cwd: REPO_ROOT,
      env: { ...process.env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    // Never leave a server behind, even when the test process ends without calling stop().
    const reap = () => { if (!exited) { try { child.kill('SIGKILL'); } catch { /* gone */ } } };
    process.once('exit', reap);
    exitPromise.promise = new Promise((resolve) => {
      child.on('exit', (code, signal) => { exited = { code, signal }; resolve(exited); });
    });
    const baseUrl = await new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`dangbo serve printed no "listening on" line within ${readyTimeoutMs} ms:\n${tail(output)}`)), readyTimeoutMs);
      const onData = (d) => {
        output += d;
        if (VERBOSE) process.stderr.write(d);
        const mm = /listening on (http:\/\/[^\s]+)/.exec(output);
        if (mm) { clearTimeout(timer); resolve(mm[1].replace(/\/$/, '')); }
      };
      child.stdout.setEncoding('utf8').on('data', onData);
      child.stderr.setEncoding('utf8').on('data', onData);
      child.on('error', (err) => { clearTimeout(timer); reject(err); });
      child.on('exit', (code, signal) => { clearTimeout(timer); reject(new Error(`dangbo serve exited early (${code ?? signal}):\n${tail(output)}`)); });
    });
    serverLog = () => output;
    // Keep the output bounded (a long test run logs every request).
    child.stdout.on('data', () => { if (output.length > 2_000_000) output = output.slice(-1_000_000); });

    // The port is open when the line is printed; still, wait for /healthz to answer.
    await waitFor(async () => (await fetch(baseUrl + '/healthz')).status === 200, 10_000, 'GET /healthz → 200');

    const adminToken = (await runCli(['token', 'create', '--user', 'admin', '--db', db])).stdout.trim().split('\n').pop().trim();
    if (!adminToken) throw new Error('dangbo token create printed no token');

    // Discover the organizations through the API (the codes depend on the reference data).
    const wards = await request(`${baseUrl}/api/v1/organizations?kind=commune_committee&parent=HCM`, { token: adminToken });
    if (wards.status !== 200 || !wards.json?.items?.length) throw new Error(`cannot list wards: ${describe(wards)}`);
    const withMembers = wards.json.items.filter((o) => (o.member_count ?? 1) > 0);
    const pool = withMembers.length >= 2 ? withMembers : wards.json.items;
    const wardA = pool[0].code;
    const wardB = pool[1].code;
    const cellB = await findCell(baseUrl, adminToken, wardB);

    const users = {
      admin: { username: 'admin', password: adminPassword, role: 'admin', org: 'HCM' },
      staff: { username: 'staff_a', password: 'Staff-Pass-2025!', role: 'staff', org: wardA },
      secretary: { username: 'secretary_b', password: 'Secretary-Pass-2025!', role: 'secretary', org: cellB },
    };
    for (const u of [users.staff, users.secretary]) {
      await runCli(['user', 'add', u.username, '--role', u.role, '--org', u.org, '--db', db], { input: u.password + '\n' });
    }
    const tokens = { admin: adminToken };
    for (const k of ['staff', 'secretary']) {
      tokens[k] = (await runCli(['token', 'create', '--user', users[k].username, '--db', db])).stdout.trim().split('\n').pop().trim();
    }

    let stopped = null;
    return {
      baseUrl,
      adminPassword,
      tokens,
      users,
      orgs: { wardA, wardB, cellB },
      dir,
      db,
      pid: child.pid,
      log: () => output,
      get exited() { return exited; },
      /** SIGTERM, wait up to timeoutMs (then SIGKILL), remove the temp dir. Resolves {code, signal, killed}. */
      async stop({ timeoutMs = 15_000 } = {}) {
        if (stopped) return stopped;
        stopped = (async () => {
          let killed = false;
          if (!exited) {
            child.kill('SIGTERM');
            const t = new Promise((r) => setTimeout(r, timeoutMs, 'timeout'));
            if ((await Promise.race([exitPromise.promise, t])) === 'timeout') {
              killed = true;
              child.kill('SIGKILL');
              await exitPromise.promise;
            }
          }
          await cleanup();
          return { ...exited, killed };
        })();
        return stopped;
      },
    };
  } catch (err) {
    if (child && !exited) {
      child.kill('SIGTERM');
      await Promise.race([exitPromise.promise, new Promise((r) => setTimeout(r, 5000))]);
      if (!exited) child.kill('SIGKILL');
    }
    await cleanup();
    if (output && !String(err.message).includes(output.slice(-200))) err.message += `\n--- server output ---\n${tail(output)}`;
    throw err;
  }
}

/** The first organization of kind cell / grassroots_cell at or below `code` (breadth-first). */
async function findCell(baseUrl, token, code) {
  const queue = [code];
  for (let steps = 0; queue.length && steps < 50; steps++) {
    const parent = queue.shift();
    const res = await request(`${baseUrl}/api/v1/organizations?parent=${encodeURIComponent(parent)}`, { token });
    if (res.status !== 200 || !Array.isArray(res.json?.items)) throw new Error(`cannot list children of ${parent}: ${describe(res)}`);
    const kids = res.json.items;
    const cell = kids.find((o) => o.kind === 'cell' && (o.member_count ?? 1) > 0) ||
                 kids.find((o) => o.kind === 'grassroots_cell' && (o.member_count ?? 1) > 0) ||
                 kids.find((o) => o.kind === 'cell' || o.kind === 'grassroots_cell');
    if (cell) return cell.code;
    queue.push(...kids.map((o) => o.code));
  }
  throw new Error(`no cell found under ${code}`);
}

/** Polls fn until it returns true (errors count as false). */
/** Runs SQL on a test server's database (`db` as startServer returns it: sqlite:PATH or a
 * postgresql:// URL) with the sqlite3 or psql client; returns the rows as arrays of strings. */
export function dbRows(db, query) {
  const pg = db.startsWith('postgres');
  const args = pg ? [db, '-qAt', '-F', '|', '-v', 'ON_ERROR_STOP=1', '-c', query] : ['-batch', '-separator', '|', db.slice('sqlite:'.length), query];
  return new Promise((resolve, reject) => {
    const child = spawn(pg ? 'psql' : 'sqlite3', args, { stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    let err = '';
    child.stdout.setEncoding('utf8').on('data', (d) => { out += d; });
    child.stderr.setEncoding('utf8').on('data', (d) => { err += d; });
    child.on('error', reject);
    child.on('close', (code) => (code === 0 ? resolve(out.trim() ? out.trim().split('\n').map((l) => l.split('|')) : [])
      : reject(new Error(`${pg ? 'psql' : 'sqlite3'}: ${err}\n${query}`))));
  });
}

export async function waitFor(fn, timeoutMs, what) {
  const end = Date.now() + timeoutMs;
  let last;
  while (Date.now() < end) {
    try { if (await fn()) return; } catch (e) { last = e; }
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`timed out waiting for ${what}${last ? `: ${last.message}` : ''}`);
}
