// dangbo: the import pages (loaded with `defer`; the pages work without it except the live
// progress and the upload's own progress bar).
//   - #upload-form (htmx, multipart): shows the upload's progress in #upload-progress and
//     disables the button while the file is sent;
//   - #import-progress[data-events]: follows the job's server-sent events ("progress" after each
//     batch, then "done") and fills the bar and the counts; on "done" the page reloads to show
//     the result. When the stream cannot be used it polls /api/v1/imports/ID instead.
// State for tests: #import-progress gets data-state="running" | "done" | "error".
// CSP: script-src 'self'; nothing here uses eval, inline handlers or style attributes in HTML
// (the bar's width is set through the CSSOM).
(function () {
  'use strict';

  var lang = (document.documentElement.getAttribute('lang') || 'vi').slice(0, 2) === 'en' ? 'en' : 'vi';
  var T = {
    vi: { lost: 'Mất kết nối với máy chủ; đang thử lại…', failed: 'Không theo dõi được tiến độ. Hãy tải lại trang.', running: 'Đang chạy' },
    en: { lost: 'Lost the connection to the server; retrying…', failed: 'Cannot follow the progress. Please reload the page.', running: 'Running' }
  }[lang];
  var nf = new Intl.NumberFormat(lang === 'en' ? 'en-US' : 'vi-VN');
  function fmt(n) { return nf.format(Number(n) || 0); }

  function setBar(container, percent) {
    if (!container) return;
    var p = Math.max(0, Math.min(100, Math.round(Number(percent) || 0)));
    var bar = container.querySelector('.progress-bar');
    if (bar) bar.style.width = p + '%';
    container.setAttribute('aria-valuenow', String(p));
  }

  // --- upload -----------------------------------------------------------------------------
  var form = document.getElementById('upload-form');
  if (form) {
    var box = document.getElementById('upload-progress');
    var button = document.getElementById('upload-submit');
    form.addEventListener('htmx:beforeRequest', function () {
      if (box) { box.hidden = false; setBar(box, 0); }
      if (button) button.disabled = true;
    });
    form.addEventListener('htmx:xhr:progress', function (evt) {
      var d = evt.detail || {};
      if (d.lengthComputable && d.total) setBar(box, (100 * d.loaded) / d.total);
    });
    form.addEventListener('htmx:afterRequest', function () {
      if (button) button.disabled = false;
      if (box) box.hidden = true;
    });
  }

  // --- progress of a running job ------------------------------------------------------------
  var root = document.getElementById('import-progress');
  if (!root) return;
  var barBox = document.getElementById('progress-bar');
  var url = root.getAttribute('data-events');
  var id = (url.match(/imports\/(\d+)\//) || [])[1];
  var finished = false;
  root.setAttribute('data-state', 'running');
  setBar(barBox, root.getAttribute('data-percent'));

  function text(elId, v) {
    var el = document.getElementById(elId);
    if (el) el.textContent = v;
  }
  function show(p) {
    var total = Number(p.rows_total) || 0;
    var read = Number(p.rows_read) || 0;
    var percent = total > 0 ? Math.min(100, (100 * read) / total) : 0;
    if (p.status === 'done') percent = 100;
    setBar(barBox, percent);
    // the badge follows the job: a queued job that reports progress is running
    var badge = document.getElementById('job-status');
    var state = p.status === 'running' || (p.status !== 'done' && read > 0 && badge &&
                                            badge.getAttribute('data-status') === 'queued') ? 'running' : '';
    if (badge && state === 'running' && badge.getAttribute('data-status') !== 'running') {
      badge.setAttribute('data-status', 'running');
      badge.textContent = T.running;
      badge.classList.remove('text-bg-secondary');
      badge.classList.add('text-bg-primary');
    }
    text('progress-read', fmt(read));
    text('progress-total', fmt(Math.max(total, read)));
    text('progress-percent', String(Math.round(percent)));
    text('progress-created', fmt(p.created));
    text('progress-updated', fmt(p.updated));
    text('progress-unchanged', fmt(p.unchanged));
    text('progress-rejected', fmt(p.rejected));
  }
  function done() {
    if (finished) return;
    finished = true;
    root.setAttribute('data-state', 'done');
    var bar = barBox && barBox.querySelector('.progress-bar');
    if (bar) bar.classList.remove('progress-bar-animated');
    window.setTimeout(function () { window.location.reload(); }, 400);
  }
  function problem(msg) {
    var box = document.getElementById('progress-error');
    if (!box) return;
    box.textContent = '';
    if (!msg) return;
    var div = document.createElement('div');
    div.className = 'alert alert-warning py-2 mb-0';
    div.setAttribute('role', 'status');
    div.textContent = msg;
    box.appendChild(div);
  }

  function fromJob(j) {
    return { rows_total: j.rows_total, rows_read: j.rows_read, created: j.rows_created, updated: j.rows_updated,
             unchanged: j.rows_unchanged, rejected: j.rows_rejected, status: j.status };
  }
  function poll() {
    if (finished || !id) return;
    fetch('/api/v1/imports/' + id, { credentials: 'same-origin', headers: { Accept: 'application/json' } })
      .then(function (r) { if (!r.ok) throw new Error(String(r.status)); return r.json(); })
      .then(function (j) {
        problem('');
        show(fromJob(j));
        if (j.status === 'done' || j.status === 'failed' || j.status === 'interrupted') done();
        else window.setTimeout(poll, 1500);
      })
      .catch(function () {
        problem(T.lost);
        window.setTimeout(poll, 3000);
      });
  }

  if (!window.EventSource) { poll(); return; }
  var es = new EventSource(url);
  var errors = 0;
  es.addEventListener('progress', function (evt) {
    errors = 0;
    problem('');
    try { show(JSON.parse(evt.data)); } catch (e) { /* ignore a malformed event */ }
  });
  es.addEventListener('done', function (evt) {
    try { show(fromJob(JSON.parse(evt.data))); } catch (e) { /* the page reloads anyway */ }
    es.close();
    done();
  });
  es.addEventListener('error', function () {
    if (finished) return;
    errors += 1;
    if (es.readyState === EventSource.CLOSED || errors > 3) {
      es.close();
      problem(T.lost);
      poll();
    }
  });
})();
