// Restructure page: load a chosen CSV file into the plan text area (read in the browser; nothing
// is uploaded until the user asks for the preview), and keep the builder's copy of the text in
// step with what the user types.
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
