/**
 * The site's stylesheet (assets/site.css): system fonts (no web font), light and dark by the
 * reader's colour scheme, colours chosen for at least 4.5:1 contrast on their background, and a
 * fleet table that turns into one card per row on a phone.
 */
export const SITE_STYLE = String.raw`:root {
  color-scheme: light dark;
  --bg: #ffffff; --fg: #1f2328; --muted: #59636e; --border: #d1d9e0; --subtle: #f6f8fa;
  --link: #0550ae; --warn-fg: #7d4e00; --warn-bg: #fff8c5; --bad-fg: #a40e26; --bad-bg: #ffebe9;
  --ok-fg: #116329; --ok-bg: #dafbe1; --accent: #0969da; --focus: #0969da;
}
@media (prefers-color-scheme: dark) {
  :root {
    --bg: #0d1117; --fg: #e6edf3; --muted: #9198a1; --border: #3d444d; --subtle: #151b23;
    --link: #4493f8; --warn-fg: #e3b341; --warn-bg: #2e2208; --bad-fg: #ff9492; --bad-bg: #3c1618;
    --ok-fg: #56d364; --ok-bg: #0f2d1a; --accent: #4493f8; --focus: #4493f8;
  }
}
*, *::before, *::after { box-sizing: border-box; }
html { -webkit-text-size-adjust: 100%; }
body {
  margin: 0; background: var(--bg); color: var(--fg);
  font: 15px/1.5 system-ui, -apple-system, "Segoe UI", Roboto, "Noto Sans", "Liberation Sans", sans-serif;
  overflow-wrap: break-word;
}
a { color: var(--link); }
a:focus-visible, button:focus-visible, input:focus-visible, select:focus-visible, summary:focus-visible, [tabindex]:focus-visible {
  outline: 2px solid var(--focus); outline-offset: 2px;
}
code, pre, .hash { font-family: ui-monospace, "SFMono-Regular", "DejaVu Sans Mono", Menlo, Consolas, monospace; font-size: 0.9em; }
.hash { word-break: break-all; }
pre { white-space: pre-wrap; background: var(--subtle); border: 1px solid var(--border); border-radius: 6px; padding: 12px; overflow-x: auto; }
.skip-link { position: absolute; left: -9999px; top: 0; background: var(--bg); padding: 8px; z-index: 10; }
.skip-link:focus { left: 8px; }
.visually-hidden { position: absolute; width: 1px; height: 1px; overflow: hidden; clip: rect(0 0 0 0); white-space: nowrap; }
.site-header, main, .site-footer { max-width: 1400px; margin: 0 auto; padding: 0 16px; }
.site-header { display: flex; flex-wrap: wrap; align-items: baseline; gap: 4px 16px; padding-top: 12px; border-bottom: 1px solid var(--border); }
.site-name { margin: 0 0 8px; font-weight: 600; }
.site-name a { color: var(--fg); text-decoration: none; }
.breadcrumbs { list-style: none; display: flex; flex-wrap: wrap; margin: 0 0 8px; padding: 0; color: var(--muted); }
.breadcrumbs li + li::before { content: "/"; padding: 0 6px; }
.site-footer { border-top: 1px solid var(--border); margin-top: 32px; color: var(--muted); font-size: 0.9em; }
h1 { font-size: 1.6em; margin: 16px 0 8px; }
h2 { font-size: 1.3em; margin: 28px 0 8px; border-bottom: 1px solid var(--border); padding-bottom: 4px; }
h3 { font-size: 1.05em; margin: 20px 0 8px; }
.muted, .note { color: var(--muted); }
.note { font-size: 0.9em; }
.warning { color: var(--warn-fg); }
.invisible { color: var(--bad-fg); border: 1px dashed currentColor; border-radius: 3px; font-size: 0.8em; padding: 0 2px; }
.freshness { color: var(--muted); margin-top: 0; }
.counts { display: flex; flex-wrap: wrap; gap: 8px; margin: 12px 0; padding: 0; }
.count { border: 1px solid var(--border); border-radius: 6px; padding: 6px 12px; min-width: 96px; background: var(--subtle); }
.count dt { font-size: 0.85em; color: var(--muted); }
.count dd { margin: 0; font-size: 1.4em; font-weight: 600; }
.count-warn { border-color: var(--warn-fg); }
.count-warn dd { color: var(--warn-fg); }
.filters { display: flex; flex-wrap: wrap; gap: 8px 20px; align-items: flex-end; margin: 8px 0 12px; }
.filters[hidden] { display: none; }
.filter { display: flex; flex-direction: column; gap: 2px; margin: 0; }
fieldset.filter { flex-direction: row; flex-wrap: wrap; gap: 4px 12px; border: 1px solid var(--border); border-radius: 6px; padding: 4px 10px 6px; }
fieldset.filter legend { padding: 0 4px; font-size: 0.9em; }
.filter label { font-size: 0.9em; }
.filter input[type=search], .filter select {
  font: inherit; color: var(--fg); background: var(--bg); border: 1px solid var(--muted); border-radius: 6px; padding: 4px 8px; min-width: 12em; max-width: 100%;
}
.check { display: inline-flex; align-items: center; gap: 4px; }
.filter-status { margin: 0; color: var(--muted); font-size: 0.9em; flex-basis: 100%; }
.table-scroll { overflow-x: auto; max-width: 100%; }
table { border-collapse: collapse; font-size: 0.92em; }
table.fleet { width: 100%; }
caption { text-align: left; font-weight: 600; padding: 4px 0; }
th, td { border: 1px solid var(--border); padding: 6px 8px; text-align: left; vertical-align: top; unicode-bidi: isolate; }
thead th { background: var(--subtle); white-space: nowrap; }
tbody th { font-weight: 600; }
td.numeric { text-align: right; white-space: nowrap; }
button.sort { all: unset; cursor: pointer; font-weight: 600; }
html:not(.js) button.sort { cursor: text; }
.sort-mark::after { content: ""; padding-left: 4px; }
th[aria-sort=ascending] .sort-mark::after { content: "▲"; }
th[aria-sort=descending] .sort-mark::after { content: "▼"; }
.flags { list-style: none; margin: 0; padding: 0; }
.flags li + li { margin-top: 4px; }
.flag, .status, .kind { display: inline-block; white-space: nowrap; border-radius: 10px; padding: 0 8px; font-size: 0.85em; font-weight: 600; border: 1px solid currentColor; }
.flag { color: var(--warn-fg); background: var(--warn-bg); }
.flag-orphaned { color: var(--bad-fg); background: var(--bad-bg); }
.reason { display: block; color: var(--muted); font-size: 0.85em; }
.status-healthy { color: var(--ok-fg); background: var(--ok-bg); }
.status-drifting { color: var(--warn-fg); background: var(--warn-bg); }
.status-degraded { color: var(--bad-fg); background: var(--bad-bg); }
.kind { color: var(--fg); background: var(--subtle); }
.kind-rollback, .kind-failed { color: var(--bad-fg); background: var(--bad-bg); }
.gone .was { text-decoration-line: line-through; text-decoration-color: var(--bad-fg); }
.facts { display: grid; grid-template-columns: max-content 1fr; gap: 4px 16px; margin: 8px 0; }
.facts div { display: contents; }
.facts dt { color: var(--muted); }
.facts dd { margin: 0; min-width: 0; }
.notice { border: 1px solid var(--warn-fg); background: var(--warn-bg); border-radius: 6px; padding: 0 12px; margin: 12px 0; }
.timeline { list-style: none; margin: 0; padding: 0 0 0 16px; border-left: 2px solid var(--border); }
.timeline li { margin: 0 0 12px; }
.timeline p { margin: 2px 0; }
.reason-line q { font-style: italic; }
.charts { display: flex; flex-wrap: wrap; gap: 16px; }
.chart-figure { margin: 0; width: 340px; max-width: 100%; }
.chart { width: 100%; height: auto; display: block; background: var(--subtle); border: 1px solid var(--border); border-radius: 6px; }
.chart-axis { stroke: var(--muted); stroke-width: 1; }
.chart-line { fill: none; stroke: var(--accent); stroke-width: 1.5; }
.chart-whisker { stroke: var(--fg); stroke-width: 1.2; }
.chart-point { fill: var(--accent); }
.chart-point.status-healthy { fill: var(--ok-fg); }
.chart-point.status-drifting { fill: var(--warn-fg); }
.chart-point.status-degraded { fill: var(--bad-fg); }
.chart-label { fill: var(--muted); font-size: 10px; font-family: inherit; }
figcaption { font-size: 0.85em; color: var(--muted); }
.chart-data summary, .packages summary { cursor: pointer; font-size: 0.9em; }
.packages ul { columns: 16em; margin: 4px 0; }
.version-list { padding-left: 20px; }
@media (max-width: 720px) {
  .site-header, main, .site-footer { padding: 0 10px; }
  table.fleet, table.fleet tbody, table.fleet tr, table.fleet td, table.fleet tbody th { display: block; }
  table.fleet { border: 0; }
  table.fleet thead tr { display: flex; flex-wrap: wrap; align-items: center; gap: 4px; }
  table.fleet thead tr::before { content: "Sort by"; color: var(--muted); font-size: 0.9em; margin-right: 4px; }
  table.fleet thead th { border-radius: 10px; padding: 2px 8px; font-size: 0.85em; }
  html:not(.js) table.fleet thead { display: none; }
  table.fleet tbody tr { border: 1px solid var(--border); border-radius: 6px; margin: 10px 0; padding: 6px 10px; }
  table.fleet tbody tr[hidden] { display: none; }
  table.fleet td, table.fleet tbody th { overflow-wrap: anywhere; border: 0; padding: 2px 0 2px 7.5rem; position: relative; text-align: left; white-space: normal; min-height: 1.5em; }
  table.fleet td::before, table.fleet tbody th::before { content: attr(data-label); position: absolute; left: 0; width: 7rem; color: var(--muted); font-weight: 400; font-size: 0.92rem; }
  table.fleet tbody th { font-size: 1.05em; }
  .counts { gap: 6px; }
  .count { min-width: 0; padding: 2px 10px; }
  .count dd { font-size: 1.15em; }
  .facts { grid-template-columns: 1fr; gap: 0; }
  .facts dd { margin-bottom: 6px; }
}
`;
