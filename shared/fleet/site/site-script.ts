/**
 * The site's script, as text (written to assets/site.js): plain ES2017 for any browser, no
 * library. It is a string rather than a function's source because the TypeScript build tools
 * rewrite functions (helpers, renamed variables); what runs in the browser is what is here.
 *
 * Without it every page is complete; with it the fleet table sorts (its header buttons) and
 * filters (search text, flags, environment), and the freshness line says how old the data is
 * when the page is opened.
 */
export const SITE_SCRIPT = String.raw`(function () {
  'use strict';
  document.documentElement.classList.add('js');

  function ageText(from) {
    var hours = (Date.now() - new Date(from).getTime()) / 3600000;
    if (!isFinite(hours)) return '';
    if (hours < 1) return ' (less than an hour ago when opened)';
    if (hours < 48) { var h = Math.floor(hours); return ' (' + h + (h === 1 ? ' hour' : ' hours') + ' ago when opened)'; }
    return ' (' + Math.floor(hours / 24) + ' days ago when opened)';
  }
  Array.prototype.forEach.call(document.querySelectorAll('[data-age-of]'), function (el) {
    el.textContent = ageText(el.getAttribute('data-age-of'));
  });

  var table = document.querySelector('table[data-sortable]');
  if (!table) return;
  var body = table.tBodies[0];
  var rows = Array.prototype.slice.call(body.rows);
  var headers = Array.prototype.slice.call(table.tHead.rows[0].cells);

  function sortValue(row, index) {
    var cell = row.cells[index];
    if (!cell) return '';
    var value = cell.getAttribute('data-sort');
    return value === null ? cell.textContent.trim().toLowerCase() : value;
  }
  function compare(a, b) {
    if (a === b) return 0;
    if (a === '') return 1;
    if (b === '') return -1;
    var x = Number(a), y = Number(b);
    if (!isNaN(x) && !isNaN(y)) return x - y;
    return a < b ? -1 : 1;
  }
  headers.forEach(function (th, index) {
    var button = th.querySelector('button');
    if (!button) return;
    button.addEventListener('click', function () {
      var ascending = th.getAttribute('aria-sort') !== 'ascending';
      headers.forEach(function (other) { other.setAttribute('aria-sort', 'none'); });
      th.setAttribute('aria-sort', ascending ? 'ascending' : 'descending');
      var sorted = rows.slice().sort(function (r1, r2) {
        var a = sortValue(r1, index), b = sortValue(r2, index);
        // Rows without a value stay last in both directions.
        if (a === '' || b === '') return compare(a, b);
        return ascending ? compare(a, b) : compare(b, a);
      });
      sorted.forEach(function (row) { body.appendChild(row); });
    });
  });

  var panel = document.querySelector('[data-filters]');
  if (!panel) return;
  panel.hidden = false;
  var text = panel.querySelector('#filter-text');
  var environment = panel.querySelector('#filter-environment');
  var flags = Array.prototype.slice.call(panel.querySelectorAll('input[name="flag"]'));
  var status = panel.querySelector('[data-filter-status]');

  function apply() {
    var needle = text.value.trim().toLowerCase();
    var env = environment.value;
    var wanted = flags.filter(function (box) { return box.checked; }).map(function (box) { return box.value; });
    var shown = 0;
    rows.forEach(function (row) {
      var rowFlags = (row.getAttribute('data-flags') || '').split(' ');
      var visible = (!needle || row.textContent.toLowerCase().indexOf(needle) !== -1) &&
        (!env || row.getAttribute('data-env') === env) &&
        (wanted.length === 0 || wanted.some(function (flag) { return rowFlags.indexOf(flag) !== -1; }));
      row.hidden = !visible;
      if (visible) shown++;
    });
    status.textContent = shown === rows.length
      ? 'Showing all ' + rows.length + ' rows.'
      : 'Showing ' + shown + ' of ' + rows.length + ' rows.';
  }
  text.addEventListener('input', apply);
  environment.addEventListener('change', apply);
  flags.forEach(function (box) { box.addEventListener('change', apply); });
  apply();
})();
`;
