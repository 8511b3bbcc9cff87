/**
 * Small charts as inline SVG (no script, no library): the monitor's drift share over its last
 * runs, and a metric across the versions that held an environment, each value with its interval
 * as a whisker. Each chart is an image with a title and a description, and the numbers it draws
 * follow it as a table in a collapsed section: the text alternative a screen reader or a copy
 * can use.
 */
import type { FleetMonitor } from '../fleet-document.js';
import { number, withInterval } from './format.js';
import { attr, html, join, type Html } from './html.js';

const WIDTH = 320;
const HEIGHT = 150;
const PAD = { left: 44, right: 12, top: 12, bottom: 34 };
const plotWidth = WIDTH - PAD.left - PAD.right;
const plotHeight = HEIGHT - PAD.top - PAD.bottom;

/** The x position of point `i` of `n`, evenly spaced (runs and versions are events, not a clock). */
const INSET = 12;
const xAt = (i: number, n: number) =>
  PAD.left +
  INSET +
  (n === 1 ? (plotWidth - 2 * INSET) / 2 : (i * (plotWidth - 2 * INSET)) / (n - 1));

function scale(values: number[]): { y: (v: number) => number; ticks: number[] } {
  let lo = Math.min(...values);
  let hi = Math.max(...values);
  if (lo === hi) {
    const pad = Math.abs(lo) * 0.1 || 1;
    lo -= pad;
    hi += pad;
  } else {
    const pad = (hi - lo) * 0.1;
    lo -= pad;
    hi += pad;
  }
  return {
    y: (v) => PAD.top + plotHeight - ((v - lo) / (hi - lo)) * plotHeight,
    ticks: [lo, (lo + hi) / 2, hi],
  };
}

const round = (v: number) => Math.round(v * 10) / 10;

function frame(id: string, title: string, description: string, body: Html): Html {
  return html`<svg
    class="chart"
    viewBox="0 0 ${WIDTH} ${HEIGHT}"
    role="img"
    aria-labelledby="${attr(`${id}-title ${id}-desc`)}"
    xmlns="http://www.w3.org/2000/svg"
  >
    <title id="${attr(`${id}-title`)}">${title}</title>
    <desc id="${attr(`${id}-desc`)}">${description}</desc>
    ${body}
  </svg>`;
}

function axes(ticks: number[], y: (v: number) => number, format: (v: number) => string): Html {
  return join(
    [
      html`<line
        class="chart-axis"
        x1="${PAD.left}"
        y1="${PAD.top}"
        x2="${PAD.left}"
        y2="${PAD.top + plotHeight}"
      />`,
      html`<line
        class="chart-axis"
        x1="${PAD.left}"
        y1="${PAD.top + plotHeight}"
        x2="${WIDTH - PAD.right}"
        y2="${PAD.top + plotHeight}"
      />`,
      ...ticks.map(
        (tick) =>
          html`<text
            class="chart-label"
            x="${PAD.left - 4}"
            y="${round(y(tick)) + 3}"
            text-anchor="end"
            >${format(tick)}</text
          >`,
      ),
    ],
    '',
  );
}

/** A label under the x axis, cut to fit (the table below the chart has it whole). */
const short = (text: string, max = 10) => (text.length > max ? `${text.slice(0, max - 1)}…` : text);

export function driftChart(id: string, history: FleetMonitor['history']): Html {
  if (history.length === 0) return html`<p class="note">No monitor runs recorded yet.</p>`;
  const { y, ticks } = scale([0, 1, ...history.map((run) => run.driftShare)]);
  const points = history.map((run, i) => ({
    run,
    x: round(xAt(i, history.length)),
    y: round(y(run.driftShare)),
  }));
  const line = points.map((p) => `${p.x},${p.y}`).join(' ');
  const last = history[history.length - 1]!;
  const description = `${history.length} monitor runs from ${history[0]!.at.slice(0, 10)} to ${last.at.slice(0, 10)}; drifting share of features from ${percent(Math.min(...history.map((r) => r.driftShare)))} to ${percent(Math.max(...history.map((r) => r.driftShare)))}; last run ${last.status}, ${percent(last.driftShare)}.`;
  const body = join([
    axes(
      [0, 0.5, 1].filter((t) => t >= ticks[0]! && t <= ticks[2]!),
      y,
      percent,
    ),
    html`<polyline class="chart-line" points="${line}" />`,
    ...points.map(
      (p) =>
        html`<circle
          class="${attr(`chart-point status-${p.run.status}`)}"
          cx="${p.x}"
          cy="${p.y}"
          r="4"
          ><title>
            ${p.run.at.slice(0, 10)}: ${p.run.status}, ${percent(p.run.driftShare)} drifting
          </title></circle
        >`,
    ),
    html`<text class="chart-label" x="${PAD.left}" y="${HEIGHT - 8}"
      >${history[0]!.at.slice(0, 10)}</text
    >`,
    history.length > 1 &&
      html`<text class="chart-label" x="${WIDTH - PAD.right}" y="${HEIGHT - 8}" text-anchor="end"
        >${last.at.slice(0, 10)}</text
      >`,
  ]);
  const table = chartTable(
    'Drift history as a table',
    ['Run', 'Status', 'Drifting features'],
    history.map((run) => [
      run.at.replace('T', ' ').slice(0, 16),
      run.status,
      percent(run.driftShare),
    ]),
  );
  return html`<figure class="chart-figure">
    ${frame(id, 'Share of features drifting, by monitor run', description, body)}
    <figcaption>Share of monitored features drifting, oldest run first.</figcaption>
    ${table}
  </figure>`;
}

export interface TrendPoint {
  version: string;
  value: number;
  ci?: readonly [number, number];
}

/** Points a 320-pixel chart can tell apart; the table under it has every version. */
const MAX_DRAWN = 30;

export function metricChart(id: string, metric: string, all: TrendPoint[]): Html {
  if (all.length === 0) return html``;
  const points = all.slice(-MAX_DRAWN);
  const cut =
    all.length > points.length
      ? ` (the last ${points.length} of ${all.length}; the table has them all)`
      : '';
  const { y, ticks } = scale(points.flatMap((p) => [p.value, ...(p.ci ?? [])]));
  const drawn = points.map((p, i) => ({
    p,
    i,
    x: round(xAt(i, points.length)),
    y: round(y(p.value)),
  }));
  const description = `${metric} across ${points.length} versions${cut}, oldest first: ${points.map((p) => `${p.version} ${withInterval(p.value, p.ci)}`).join('; ')}.`;
  const body = join([
    axes(ticks, y, number),
    points.length > 1 &&
      html`<polyline class="chart-line" points="${drawn.map((d) => `${d.x},${d.y}`).join(' ')}" />`,
    ...drawn.map(
      (d) =>
        html`${
            d.p.ci &&
            html`<line
                class="chart-whisker"
                x1="${d.x}"
                x2="${d.x}"
                y1="${round(y(d.p.ci[0]))}"
                y2="${round(y(d.p.ci[1]))}"
              /><line
                class="chart-whisker"
                x1="${d.x - 4}"
                x2="${d.x + 4}"
                y1="${round(y(d.p.ci[0]))}"
                y2="${round(y(d.p.ci[0]))}"
              /><line
                class="chart-whisker"
                x1="${d.x - 4}"
                x2="${d.x + 4}"
                y1="${round(y(d.p.ci[1]))}"
                y2="${round(y(d.p.ci[1]))}"
              />`
          }<circle class="chart-point" cx="${d.x}" cy="${d.y}" r="3.5"
            ><title>${d.p.version}: ${withInterval(d.p.value, d.p.ci)}</title></circle
          >${labelled(d.i, points.length) && html`<text class="chart-label" x="${d.x}" y="${HEIGHT - 8}" text-anchor="middle">${short(d.p.version)}</text>`}`,
    ),
  ]);
  const table = chartTable(
    `${metric} as a table`,
    ['Version', metric, 'Interval'],
    all.map((p) => [
      p.version,
      number(p.value),
      p.ci ? `${number(p.ci[0])} to ${number(p.ci[1])}` : '—',
    ]),
  );
  return html`<figure class="chart-figure">
    ${frame(id, `${metric} by version`, description, body)}
    <figcaption>${metric}, oldest version first${cut}; whiskers: the interval.</figcaption>
    ${table}
  </figure>`;
}

/** Every version's label while they fit; with more, the first and the last. */
const labelled = (i: number, n: number) => n <= 5 || i === 0 || i === n - 1;

function percent(share: number): string {
  return `${Math.round(share * 100)}%`;
}

/** A chart's numbers as a table under it, collapsed: the text alternative a screen reader reads. */
function chartTable(summary: string, headers: readonly string[], rows: readonly string[][]): Html {
  return html`<details class="chart-data">
    <summary>${summary}</summary>
    <div class="table-scroll">
      <table>
        <thead>
          <tr>
            ${headers.map((header) => html`<th scope="col">${header}</th>`)}
          </tr>
        </thead>
        <tbody>
          ${rows.map(
            (cells) =>
              html`<tr>
                ${cells.map((cell) => html`<td>${cell}</td>`)}
              </tr>`,
          )}
        </tbody>
      </table>
    </div>
  </details>`;
}
