// dangbo: the campaign's burn-down chart (ECharts, loaded before this file with `defer`).
//
// Contract with the page: <div id="campaign-chart" data-org="CODE" data-lang="vi|en">.
// Data: GET /api/v1/campaign?org=CODE → {days: [ISO…], total_open: [n…],
//   units: [{code, name, open: [n…], now: {open_errors, open_warnings, fixed}}], …}.
// Drawn: the whole (red, bold) and the eight units with the most open findings today (thin).
// State for tests: the chart div gets data-state="loading" | "ready" | "empty" | "error".
// CSP: tooltips are drawn on the canvas (richText), the height is set through the CSSOM.
(function () {
  'use strict';

  var el = document.getElementById('campaign-chart');
  if (!el) return;
  var lang = (el.getAttribute('data-lang') || 'vi').slice(0, 2) === 'en' ? 'en' : 'vi';
  var T = {
    vi: { loading: 'Đang tải dữ liệu…', error: 'Không tải được số liệu của biểu đồ. Vui lòng tải lại trang.',
          empty: 'Chưa có số liệu: biểu đồ xuất hiện sau lần nhập dữ liệu đầu tiên.', noLib: 'Không tải được thư viện biểu đồ.',
          total: 'Toàn bộ', open: 'phát hiện còn mở' },
    en: { loading: 'Loading…', error: 'Could not load the chart data. Please reload the page.',
          empty: 'No figures yet: the chart appears after the first import.', noLib: 'The chart library could not be loaded.',
          total: 'Whole', open: 'open findings' }
  }[lang];
  var nf = new Intl.NumberFormat(lang === 'en' ? 'en-US' : 'vi-VN');
  function fmt(n) { return nf.format(Number(n) || 0); }
  var FONT = "'Be Vietnam Pro', system-ui, -apple-system, 'Segoe UI', Roboto, Arial, sans-serif";
  var RED = '#b3122e';
  var PALETTE = ['#2f5d8a', '#c99a2e', '#4f7a5a', '#6b5b95', '#8a8f98', '#a35d3d', '#3d8a8a', '#5c636a'];

  function small() { return (window.innerWidth || 1024) < 576; }
  el.style.width = '100%';
  el.style.height = (small() ? 300 : 360) + 'px';

  function setState(s) { el.setAttribute('data-state', s); }
  function message(text, kind) {
    var inst = window.echarts && window.echarts.getInstanceByDom(el);
    if (inst) inst.dispose();
    el.textContent = '';
    var p = document.createElement('p');
    p.className = 'chart-message' + (kind === 'error' ? ' chart-message-error' : '');
    if (kind === 'error') p.setAttribute('role', 'alert');
    p.textContent = text;
    el.appendChild(p);
  }
  function day(iso) {  // "2026-11-29" → "29/11"
    var m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(iso);
    return m ? m[3] + '/' + m[2] : iso;
  }

  setState('loading');
  message(T.loading);
  if (!window.echarts) { message(T.noLib, 'error'); setState('error'); return; }
  var org = el.getAttribute('data-org') || '';
  fetch('/api/v1/campaign?org=' + encodeURIComponent(org), { credentials: 'same-origin', headers: { Accept: 'application/json' } })
    .then(function (r) { if (!r.ok) throw new Error(String(r.status)); return r.json(); })
    .then(draw)
    .catch(function () { message(T.error, 'error'); setState('error'); });

  function draw(data) {
    var days = data.days || [];
    if (!days.length) { message(T.empty); setState('empty'); return; }
    el.textContent = '';
    var units = (data.units || []).filter(function (u) { return u.open && u.open.some(function (n) { return n > 0; }); });
    units.sort(function (a, b) {
      var x = a.now.open_errors + a.now.open_warnings, y = b.now.open_errors + b.now.open_warnings;
      return y - x;
    });
    var top = units.slice(0, small() ? 4 : 8);
    var series = [{
      name: T.total, type: 'line', data: data.total_open, symbol: days.length > 20 ? 'none' : 'circle', symbolSize: 6,
      lineStyle: { width: 3, color: RED }, itemStyle: { color: RED }, areaStyle: { color: 'rgba(179, 18, 46, 0.08)' }, z: 3
    }];
    top.forEach(function (u, i) {
      series.push({ name: u.name, type: 'line', data: u.open, symbol: 'none', lineStyle: { width: 1.5 },
                    itemStyle: { color: PALETTE[i % PALETTE.length] } });
    });
    var chart = window.echarts.init(el, null, { renderer: 'canvas' });
    chart.setOption({
      textStyle: { fontFamily: FONT, color: '#212529' },
      animationDuration: 400,
      grid: { left: 8, right: 16, top: 16, bottom: small() ? 96 : 64, containLabel: true },
      tooltip: { trigger: 'axis', renderMode: 'richText', confine: true, textStyle: { fontFamily: FONT },
                 valueFormatter: function (v) { return fmt(v) + ' ' + T.open; } },
      legend: { type: 'scroll', bottom: 0, left: 'center', textStyle: { fontFamily: FONT, color: '#212529' } },
      xAxis: { type: 'category', boundaryGap: false, data: days.map(day), axisLabel: { color: '#5c636a' } },
      yAxis: { type: 'value', minInterval: 1, axisLabel: { color: '#5c636a', formatter: function (v) { return fmt(v); } },
               splitLine: { lineStyle: { color: '#e9ecef' } } },
      series: series
    });
    window.addEventListener('resize', function () { chart.resize(); });
    setState('ready');
  }
})();
