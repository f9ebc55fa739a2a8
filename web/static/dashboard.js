// dangbo: member-structure charts on the dashboard page (ECharts, loaded before this file).
//
// Contract with the page:
//   <div id="dashboard" data-org="CODE" data-as-of="YYYY-MM-DD" data-lang="vi|en">
//     <div id="chart-status"></div>  <div id="chart-gender"></div>
//     <div id="chart-age"></div>     <div id="chart-orgs"></div>
//     (optional) <span data-stat="total"> or #dash-total   ← filled with the formatted total
//   </div>
// Each chart div may carry data-title="…" to draw a title inside the chart (otherwise the page
// is expected to put a heading above it).
// Data: GET /api/v1/stats?org=CODE&as_of=DATE (same origin, session cookie) →
//   {org:{code,name}, total, synthetic, by_status:[{key,label,count}], by_gender:[…],
//    by_age_band:[…], by_child:[{code,name,count}]}
// State for tests and styling: #dashboard gets data-state="loading" | "ready" | "error";
// window.dangboDashboard.ready is a Promise settled when the charts are drawn.
(function () {
  'use strict';

  var root = document.getElementById('dashboard');
  if (!root) return;

  var lang = (root.getAttribute('data-lang') || document.documentElement.lang || 'vi').slice(0, 2) === 'en' ? 'en' : 'vi';
  var T = {
    vi: {
      loading: 'Đang tải dữ liệu…',
      error: 'Không tải được dữ liệu biểu đồ. Vui lòng tải lại trang hoặc thử lại sau.',
      denied: 'Bạn không có quyền xem số liệu của tổ chức này.',
      noLib: 'Không tải được thư viện biểu đồ.',
      empty: 'Không có dữ liệu.',
      members: 'đảng viên',
      total: 'Tổng số',
      status: 'Theo tình trạng',
      gender: 'Theo giới tính',
      age: 'Theo độ tuổi',
      orgs: 'Theo tổ chức trực thuộc',
      top: 'tổ chức có nhiều đảng viên nhất'
    },
    en: {
      loading: 'Loading…',
      error: 'Could not load the chart data. Please reload the page or try again later.',
      denied: 'You are not allowed to see the figures of this organization.',
      noLib: 'The chart library could not be loaded.',
      empty: 'No data.',
      members: 'members',
      total: 'Total',
      status: 'By status',
      gender: 'By gender',
      age: 'By age',
      orgs: 'By subordinate organization',
      top: 'organizations with the most members'
    }
  }[lang];

  var nf = new Intl.NumberFormat('vi-VN');
  function fmt(n) { return nf.format(Number(n) || 0); }
  var pf = new Intl.NumberFormat('vi-VN', { maximumFractionDigits: 1 });
  function pct(n, total) { return total ? pf.format((100 * Number(n)) / total) + '%' : '0%'; }

  // Restrained palette: the Party's red first, then calm, distinguishable tones.
  var RED = '#b3122e';
  var PALETTE = ['#b3122e', '#2f5d8a', '#c99a2e', '#4f7a5a', '#6b5b95', '#8a8f98', '#a35d3d', '#3d8a8a'];
  var STATUS_COLORS = {
    full: '#b3122e', probationary: '#c99a2e', exempted: '#8a8f98',
    transferred_out: '#2f5d8a', removed: '#6b5b95', expelled: '#3f3f46', deceased: '#4f7a5a'
  };
  var GENDER_COLORS = { male: '#2f5d8a', female: '#b3122e' };
  var FONT = "'Be Vietnam Pro', system-ui, -apple-system, 'Segoe UI', Roboto, Arial, sans-serif";
  var TEXT = '#212529';
  var MUTED = '#5c636a';

  var ids = { status: 'chart-status', gender: 'chart-gender', age: 'chart-age', orgs: 'chart-orgs' };
  var els = {};
  Object.keys(ids).forEach(function (k) { els[k] = document.getElementById(ids[k]); });
  var charts = [];

  function setState(s) { root.setAttribute('data-state', s); }

  function message(el, text, kind) {
    if (!el) return;
    var inst = window.echarts && window.echarts.getInstanceByDom && window.echarts.getInstanceByDom(el);
    if (inst) inst.dispose();
    el.textContent = '';
    var p = document.createElement('p');
    p.className = 'chart-message' + (kind === 'error' ? ' chart-message-error' : '');
    if (kind === 'error') p.setAttribute('role', 'alert');
    p.textContent = text;
    el.appendChild(p);
  }

  function allMessage(text, kind) {
    Object.keys(els).forEach(function (k) { message(els[k], text, kind); });
  }

  function baseOption() {
    return {
      color: PALETTE,
      textStyle: { fontFamily: FONT, color: TEXT },
      animationDuration: 400,
      // Tooltips drawn on the canvas: HTML tooltips would need style attributes (CSP).
      tooltip: { renderMode: 'richText', confine: true, textStyle: { fontFamily: FONT } }
    };
  }

  function titleOf(el) {
    var t = el.getAttribute('data-title');
    return t ? { text: t, left: 'center', top: 4, textStyle: { fontFamily: FONT, fontSize: 15, fontWeight: 600, color: TEXT } } : undefined;
  }

  function summary(label, items, nameKey) {
    return label + ': ' + items.map(function (d) { return d[nameKey] + ' ' + fmt(d.count); }).join('; ');
  }

  function narrow(el) { return (el.clientWidth || 0) < 480; }

  function pie(el, items, colors, donut, label) {
    if (!el) return;
    items = (items || []).filter(function (d) { return Number(d.count) > 0; });
    if (!items.length) { message(el, T.empty); return; }
    var total = items.reduce(function (s, d) { return s + Number(d.count); }, 0);
    var chart = window.echarts.init(el, null, { renderer: 'canvas' });
    var small = narrow(el);
    var opt = baseOption();
    opt.title = titleOf(el);
    opt.tooltip.trigger = 'item';
    opt.tooltip.formatter = function (p) {
      return p.name + '\n' + fmt(p.value) + ' ' + T.members + ' (' + p.percent.toLocaleString('vi-VN') + '%)';
    };
    // A plain legend wraps onto several lines; each entry carries its count and share.
    opt.legend = { bottom: 0, left: 'center', type: 'plain', itemGap: 14, textStyle: { fontFamily: FONT, color: TEXT },
                   formatter: function (name) {
                     var d = items.find(function (x) { return x.label === name; });
                     return d ? name + ': ' + fmt(d.count) + ' (' + pct(d.count, total) + ')' : name;
                   } };
    opt.series = [{
      type: 'pie',
      radius: small ? (donut ? ['34%', '56%'] : [0, '56%']) : (donut ? ['40%', '64%'] : [0, '64%']),
      center: ['50%', opt.title ? '48%' : (small ? '38%' : '42%')],
      avoidLabelOverlap: true,
      itemStyle: { borderColor: '#fff', borderWidth: 2 },
      label: small ? { show: false } : {
        formatter: function (p) { return p.name + '\n' + p.percent.toLocaleString('vi-VN') + '%'; },
        color: TEXT, fontFamily: FONT, lineHeight: 16
      },
      labelLine: { show: !small },
      data: items.map(function (d) {
        var c = colors && colors[d.key];
        return { name: d.label, value: Number(d.count), itemStyle: c ? { color: c } : undefined };
      })
    }];
    if (donut) {
      opt.graphic = [{
        type: 'text', left: 'center', top: opt.title ? '44%' : (small ? '34%' : '38%'),
        style: { text: fmt(total) + '\n' + T.members, textAlign: 'center', fill: TEXT,
                 font: '600 16px ' + FONT, lineHeight: 20 }
      }];
    }
    chart.setOption(opt);
    el.setAttribute('role', 'img');
    el.setAttribute('aria-label', summary(label, items, 'label'));
    charts.push(chart);
  }

  function bars(el, items, opts) {
    if (!el) return;
    items = items || [];
    if (!items.length || !items.some(function (d) { return Number(d.count) > 0; })) { message(el, T.empty); return; }
    var horizontal = !!opts.horizontal;
    var names = items.map(function (d) { return d[opts.nameKey]; });
    var values = items.map(function (d) { return Number(d.count); });
    var chart = window.echarts.init(el, null, { renderer: 'canvas' });
    var opt = baseOption();
    opt.title = titleOf(el);
    opt.tooltip.trigger = 'axis';
    opt.tooltip.axisPointer = { type: 'shadow' };
    opt.tooltip.formatter = function (ps) {
      var p = Array.isArray(ps) ? ps[0] : ps;
      return p.name + '\n' + fmt(p.value) + ' ' + T.members;
    };
    var valueAxis = {
      type: 'value',
      minInterval: 1,
      axisLabel: { formatter: function (v) { return fmt(v); }, color: MUTED, fontFamily: FONT },
      splitLine: { lineStyle: { color: '#e9ecef' } }
    };
    var catAxis = {
      type: 'category',
      data: names,
      axisTick: { alignWithLabel: true },
      axisLine: { lineStyle: { color: '#adb5bd' } },
      axisLabel: { color: TEXT, fontFamily: FONT }
    };
    if (horizontal) {
      var small = narrow(el);
      catAxis.inverse = true;  // largest at the top
      catAxis.axisLabel.width = small ? 150 : 260;
      catAxis.axisLabel.overflow = 'truncate';
      catAxis.axisLabel.interval = 0;
      // On a phone the common "Đảng bộ " prefix is dropped from the axis (kept in the tooltip).
      if (small) {
        catAxis.axisLabel.formatter = function (v) { return String(v).replace(/^Đảng bộ /, ''); };
        valueAxis.axisLabel.show = false;
      }
      valueAxis.splitNumber = small ? 3 : 5;
      opt.grid = { left: 8, right: 56, top: opt.title ? 40 : 8, bottom: 8, containLabel: true };
      opt.xAxis = valueAxis;
      opt.yAxis = catAxis;
    } else {
      opt.grid = { left: 8, right: 16, top: opt.title ? 44 : 24, bottom: 8, containLabel: true };
      catAxis.axisLabel.interval = 0;
      catAxis.axisLabel.hideOverlap = true;
      opt.xAxis = catAxis;
      opt.yAxis = valueAxis;
    }
    opt.series = [{
      type: 'bar',
      data: values,
      barMaxWidth: horizontal ? 18 : 48,
      itemStyle: { color: opts.color || RED, borderRadius: horizontal ? [0, 3, 3, 0] : [3, 3, 0, 0] },
      label: { show: true, position: horizontal ? 'right' : 'top', color: TEXT, fontFamily: FONT,
               formatter: function (p) { return fmt(p.value); } }
    }];
    chart.setOption(opt);
    el.setAttribute('role', 'img');
    el.setAttribute('aria-label', summary(opts.label, items, opts.nameKey));
    charts.push(chart);
  }

  function draw(data) {
    charts.forEach(function (c) { c.dispose(); });
    charts = [];
    Object.keys(els).forEach(function (k) { if (els[k]) els[k].textContent = ''; });

    root.querySelectorAll('[data-stat="total"], #dash-total').forEach(function (e) { e.textContent = fmt(data.total); });
    root.setAttribute('data-synthetic', data.synthetic ? 'true' : 'false');

    // statuses in their usual order (full, probationary, exempted, …), whatever the API's order
    var ORDER = ['full', 'probationary', 'exempted', 'transferred_out', 'removed', 'expelled', 'deceased'];
    var statuses = (data.by_status || []).slice().sort(function (a, b) {
      var ia = ORDER.indexOf(a.key), ib = ORDER.indexOf(b.key);
      return (ia < 0 ? 99 : ia) - (ib < 0 ? 99 : ib);
    });
    pie(els.status, statuses, STATUS_COLORS, true, T.status);
    pie(els.gender, data.by_gender, GENDER_COLORS, false, T.gender);
    bars(els.age, data.by_age_band, { nameKey: 'label', label: T.age, color: '#2f5d8a' });

    var kids = (data.by_child || []).slice().sort(function (a, b) {
      return (Number(b.count) - Number(a.count)) || String(a.name).localeCompare(String(b.name), 'vi');
    }).slice(0, 30);
    if (els.orgs) {
      // Height follows the number of bars (CSSOM, allowed by the CSP), within reason.
      els.orgs.style.height = Math.max(160, kids.length * 28 + 60) + 'px';
    }
    bars(els.orgs, kids, { nameKey: 'name', label: T.orgs + ' (' + kids.length + ' ' + T.top + ')', horizontal: true });
  }

  var resizeTimer = null;
  function resizeAll() {
    if (resizeTimer) clearTimeout(resizeTimer);
    resizeTimer = setTimeout(function () { charts.forEach(function (c) { c.resize(); }); }, 100);
  }
  window.addEventListener('resize', resizeAll);
  if (window.ResizeObserver) {
    var ro = new ResizeObserver(resizeAll);
    Object.keys(els).forEach(function (k) { if (els[k]) ro.observe(els[k]); });
  }
  // Charts are redrawn to the page width before printing.
  window.addEventListener('beforeprint', function () { charts.forEach(function (c) { c.resize(); }); });

  function load() {
    setState('loading');
    if (!window.echarts) {
      allMessage(T.noLib, 'error');
      setState('error');
      return Promise.reject(new Error('echarts not loaded'));
    }
    allMessage(T.loading);
    var params = new URLSearchParams();
    var org = root.getAttribute('data-org');
    var asOf = root.getAttribute('data-as-of');
    if (org) params.set('org', org);
    if (asOf) params.set('as_of', asOf);
    return fetch('/api/v1/stats?' + params.toString(), {
      credentials: 'include',
      headers: { Accept: 'application/json' }
    }).then(function (res) {
      if (res.status === 401 || res.status === 403 || res.status === 404) {
        var e = new Error('HTTP ' + res.status);
        e.denied = true;
        throw e;
      }
      if (!res.ok) throw new Error('HTTP ' + res.status);
      return res.json();
    }).then(function (data) {
      draw(data);
      setState('ready');
      return data;
    }).catch(function (err) {
      allMessage(err && err.denied ? T.denied : T.error, 'error');
      setState('error');
      if (window.console) console.error('dashboard:', err);
      throw err;
    });
  }

  var ready = load();
  ready.catch(function () { /* shown on the page */ });
  window.dangboDashboard = { ready: ready, reload: load, charts: function () { return charts.slice(); } };
})();
