// dangbo: small progressive enhancements, loaded on every page with `defer` after htmx.
// The pages work without this file; it adds:
//   - the CSRF header (X-CSRF-Token, from <meta name="csrf-token">) on every htmx request;
//   - data-confirm="message" on a form, a submit button, a link or an htmx element: asks first;
//   - [data-autosubmit] on a select/input: submits its form on change;
//   - [data-print] on a button: opens the print dialog;
//   - a readable message (Vietnamese, or English when <html lang="en">) when an htmx request
//     fails, shown in #htmx-error when the page has one, else at the top of <main>.
// Content-Security-Policy: script-src 'self'; style-src 'self' — nothing here uses eval,
// inline handlers or style attributes.
(function () {
  'use strict';

  var root = document.documentElement;
  root.classList.add('js');

  function lang() {
    return (root.getAttribute('lang') || 'vi').slice(0, 2) === 'en' ? 'en' : 'vi';
  }
  var MESSAGES = {
    vi: {
      network: 'Không kết nối được máy chủ. Vui lòng kiểm tra mạng và thử lại.',
      server: 'Máy chủ gặp lỗi khi xử lý yêu cầu (mã {status}). Vui lòng thử lại sau.',
      forbidden: 'Bạn không có quyền thực hiện thao tác này.',
      expired: 'Phiên làm việc đã hết hạn. Vui lòng đăng nhập lại.',
      notfound: 'Không tìm thấy dữ liệu được yêu cầu.',
      conflict: 'Dữ liệu đã được người khác thay đổi. Vui lòng tải lại trang.',
      toolarge: 'Tệp hoặc nội dung gửi lên quá lớn so với giới hạn của máy chủ.',
      close: 'Đóng'
    },
    en: {
      network: 'Cannot reach the server. Please check the network and try again.',
      server: 'The server failed to handle the request (status {status}). Please try again later.',
      forbidden: 'You are not allowed to do this.',
      expired: 'Your session has expired. Please sign in again.',
      notfound: 'The requested data was not found.',
      conflict: 'Someone else changed this record. Please reload the page.',
      toolarge: 'The file or data sent is larger than the server accepts.',
      close: 'Close'
    }
  };
  function msg(key, status) {
    return MESSAGES[lang()][key].replace('{status}', String(status || ''));
  }

  function csrfToken() {
    var m = document.querySelector('meta[name="csrf-token"]');
    return m ? m.getAttribute('content') || '' : '';
  }

  // --- htmx configuration -------------------------------------------------------------------
  if (window.htmx && window.htmx.config) {
    var cfg = window.htmx.config;
    // htmx would insert a <style> element for its indicators; CSP forbids it (app.css has them).
    cfg.includeIndicatorStyles = false;
    // hx-on / js: filters would need eval; CSP forbids it anyway.
    cfg.allowEval = false;
    cfg.allowScriptTags = false;
    // Server-side validation answers 422 with the re-rendered form: swap it like a 200.
    if (Array.isArray(cfg.responseHandling)) {
      var has422 = cfg.responseHandling.some(function (r) { return r && r.code === '422'; });
      if (!has422) {
        cfg.responseHandling.unshift({ code: '422', swap: true, error: false });
      }
    }
  }

  // CSRF header on every htmx request (GET too: harmless, and the server may check any method).
  document.addEventListener('htmx:configRequest', function (evt) {
    var token = csrfToken();
    if (token && evt.detail && evt.detail.headers) {
      evt.detail.headers['X-CSRF-Token'] = token;
    }
  });

  // --- data-confirm -------------------------------------------------------------------------
  function hasHtmxAttr(el) {
    if (!el || !el.getAttributeNames) return false;
    return el.getAttributeNames().some(function (n) {
      return /^(data-)?hx-(get|post|put|patch|delete)$/.test(n);
    });
  }

  // Forms (and their submit buttons): capture phase on window, so a "no" stops the event
  // before htmx or the browser sees it.
  window.addEventListener('submit', function (evt) {
    var form = evt.target;
    if (!(form instanceof HTMLFormElement)) return;
    var submitter = evt.submitter;
    var message = (submitter && submitter.getAttribute('data-confirm')) ||
                  form.getAttribute('data-confirm');
    if (!message) return;
    if (!window.confirm(message)) {
      evt.preventDefault();
      evt.stopImmediatePropagation();
    }
  }, true);

  // Plain links and non-submit buttons without htmx.
  window.addEventListener('click', function (evt) {
    var el = evt.target instanceof Element ? evt.target.closest('a[data-confirm], button[data-confirm]') : null;
    if (!el || hasHtmxAttr(el)) return;
    if (el.tagName === 'BUTTON' && (el.type === 'submit' || el.type === '') && el.form) return; // handled on submit
    if (!window.confirm(el.getAttribute('data-confirm'))) {
      evt.preventDefault();
      evt.stopImmediatePropagation();
    }
  }, true);

  // htmx elements other than forms (a form's confirmation was asked on submit).
  document.addEventListener('htmx:confirm', function (evt) {
    var el = evt.detail && evt.detail.elt;
    if (!el || el.tagName === 'FORM') return;
    var message = el.getAttribute('data-confirm');
    if (!message) return;
    evt.preventDefault();
    if (window.confirm(message)) evt.detail.issueRequest(true);
  });

  // --- data-autosubmit ----------------------------------------------------------------------
  document.addEventListener('change', function (evt) {
    var el = evt.target;
    if (!(el instanceof Element) || !el.matches('[data-autosubmit]')) return;
    var form = el.form || el.closest('form');
    if (!form) return;
    if (typeof form.requestSubmit === 'function') form.requestSubmit();
    else form.submit();
  });

  // --- data-print ---------------------------------------------------------------------------
  document.addEventListener('click', function (evt) {
    var el = evt.target instanceof Element ? evt.target.closest('[data-print]') : null;
    if (!el) return;
    evt.preventDefault();
    window.print();
  });

  // --- organization tree: [data-toggle-tree] buttons load children once, then fold/unfold ---
  function treeTarget(btn) {
    var node = btn.closest('.org-node, li');
    return node ? node.querySelector('.org-sub') : null;
  }
  function setExpanded(btn, open) {
    btn.setAttribute('aria-expanded', open ? 'true' : 'false');
    btn.textContent = open ? '\u2212' : '+';
  }
  function initTree(scope) {
    (scope || document).querySelectorAll('[data-toggle-tree]').forEach(function (btn) {
      if (!btn.hasAttribute('aria-expanded')) setExpanded(btn, false);
    });
  }
  document.addEventListener('htmx:beforeRequest', function (evt) {
    var btn = evt.detail && evt.detail.elt;
    if (!btn || !btn.hasAttribute || !btn.hasAttribute('data-toggle-tree')) return;
    var sub = treeTarget(btn);
    if (sub && sub.children.length > 0) {
      evt.preventDefault();  // already loaded: just fold / unfold
      var open = sub.hidden;
      sub.hidden = !open;
      setExpanded(btn, open);
    }
  });
  document.addEventListener('htmx:afterSwap', function (evt) {
    var btn = evt.detail && evt.detail.requestConfig && evt.detail.requestConfig.elt;
    if (btn && btn.hasAttribute && btn.hasAttribute('data-toggle-tree')) {
      var sub = treeTarget(btn);
      if (sub) sub.hidden = false;
      setExpanded(btn, true);
    }
  });
  document.addEventListener('htmx:load', function (evt) { initTree(evt.target); });
  if (document.readyState === 'loading') document.addEventListener('DOMContentLoaded', function () { initTree(); });
  else initTree();

  // --- htmx errors --------------------------------------------------------------------------
  function showError(text) {
    var box = document.getElementById('htmx-error');
    if (!box) {
      box = document.createElement('div');
      box.id = 'htmx-error';
      var main = document.querySelector('main') || document.body;
      main.insertBefore(box, main.firstChild);
    }
    box.textContent = '';
    var alert = document.createElement('div');
    alert.className = 'alert alert-danger alert-dismissible app-error';
    alert.setAttribute('role', 'alert');
    alert.appendChild(document.createTextNode(text));
    var close = document.createElement('button');
    close.type = 'button';
    close.className = 'btn-close';
    close.setAttribute('data-bs-dismiss', 'alert');
    close.setAttribute('aria-label', msg('close'));
    alert.appendChild(close);
    box.appendChild(alert);
    if (alert.scrollIntoView) alert.scrollIntoView({ block: 'nearest' });
  }
  document.addEventListener('htmx:responseError', function (evt) {
    var xhr = evt.detail && evt.detail.xhr;
    var status = xhr ? xhr.status : 0;
    if (status === 401) {
      showError(msg('expired'));
    } else if (status === 403) {
      showError(msg('forbidden'));
    } else if (status === 404) {
      showError(msg('notfound'));
    } else if (status === 409 || status === 412) {
      showError(msg('conflict'));
    } else if (status === 413) {
      // the server's problem+json says the limit; show it when it came
      var detail = '';
      try { detail = JSON.parse(xhr.responseText).detail || ''; } catch (e) { detail = ''; }
      showError(msg('toolarge') + (detail ? ' ' + detail : ''));
    } else {
      showError(msg('server', status));
    }
  });
  document.addEventListener('htmx:sendError', function () { showError(msg('network')); });
  document.addEventListener('htmx:beforeRequest', function () {
    var box = document.getElementById('htmx-error');
    if (box) box.textContent = '';
  });
})();
