// Restructure page: load a chosen CSV file into the plan text area (read in the browser; nothing
// is uploaded until the user asks for the preview; an .xlsx workbook is sent to the server, which
// answers its table as CSV), and keep the builder's copy of the text in step with the text area.
(function () {
  'use strict';
  document.addEventListener('DOMContentLoaded', function () {
    var text = document.getElementById('plan-csv');
    var copy = document.getElementById('build-csv');
    var sync = function () { if (text && copy) copy.value = text.value; };
    if (text) text.addEventListener('input', sync);
    document.querySelectorAll('input[type=file][data-load-into]').forEach(function (input) {
      input.addEventListener('change', function () {
        var target = document.getElementById(input.getAttribute('data-load-into'));
        var file = input.files && input.files[0];
        if (!target || !file) return;
        if (/\.xlsx$/i.test(file.name)) {
          // a workbook: the server reads its table and answers the plan as CSV text
          var meta = document.querySelector('meta[name="csrf-token"]');
          fetch('/restructure/xlsx', {
            method: 'POST',
            credentials: 'same-origin',
            headers: { 'X-CSRF-Token': meta ? meta.content : '', 'Content-Type': 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet' },
            body: file
          }).then(function (r) { return r.text().then(function (t) { return { ok: r.ok, text: t }; }); })
            .then(function (r) {
              if (r.ok) { target.value = r.text; sync(); return; }
              var detail = r.text;
              try { detail = JSON.parse(r.text).detail || detail; } catch (e) { /* a page */ }
              window.alert(detail);
            });
          return;
        }
        var reader = new FileReader();
        reader.onload = function () {
          target.value = String(reader.result).replace(/^\uFEFF/, '');
          sync();
        };
        reader.readAsText(file, 'utf-8');
      });
    });
    document.querySelectorAll('form.undo-form').forEach(function (f) {
      f.addEventListener('submit', function (e) {
        if (!window.confirm(document.documentElement.lang === 'en' ? 'Undo this plan?' : 'Hoàn tác phương án này?')) e.preventDefault();
      });
    });
  });
})();
