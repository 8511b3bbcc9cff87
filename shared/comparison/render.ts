/**
 * The comparison of one model as reviewers read it: the headline verdict, which baseline and
 * why, what broke, the key metrics with confidence intervals, then collapsible sections for the
 * slices, every metric, the lineage and the history chart. The same Markdown is the model's
 * section of the pull-request comment and the job summary. Everything that came from a file or
 * a payload (metric and slice names, versions, paths, URLs) is escaped.
 *
 * Size: a section is rendered within a character budget. The fixed parts come first; the
 * tables get what remains, each cut at a row boundary with a note naming the report artifact
 * that holds everything, so a 5,000-metric report still yields a readable comment.
 */
import {
  format,
  interval,
  percent,
  SEVERITY,
  type FairnessComparison,
  type GateResult,
  type MetricComparison,
  type NotableChange,
  type MetricStatus,
  type SliceComparison,
  type SliceValue,
  type Verdict,
} from '../gates/judge.js';
import { escapeMarkdown, inlineCode, markdownLink, markdownTable } from '../markdown/escape.js';
import { metricDirection } from '../metrics/direction.js';
import type { RuntimeSummary } from '../lineage/runtime.js';
import { formatDuration } from '../training/summary.js';
import { metricChart } from './chart.js';
import type { Changes } from './changes.js';
import {
  gateResultOf,
  type BaselineSummary,
  type ComparisonDocument,
  type Cost,
  type FairnessGroups,
} from './document.js';
import { renderPolicyNote } from './policy-note.js';

/** Where the comment's links point; from the run that renders it, never from the document. */
export interface RenderLinks {
  serverUrl: string;
  repository?: string;
  /** The commit under test. */
  sha?: string;
  runUrl?: string;
  /** The artifact holding the full comparison (JSON and Markdown), when one was uploaded. */
  reportArtifact?: string;
  /** Set when the comment is posted from another run's artifact (a pull request from a fork). */
  postedFrom?: string;
  /**
   * The `mention` input: handles (`@user`, `@org/team`) to notify when the verdict is fail or
   * warn, validated where they enter; never anything from the document.
   */
  mentions?: readonly string[];
}

/** How many rows of the key table, reasons and charts a section shows at most. */
const MAX_REASONS = 15;
const MAX_CHARTS = 4;
const MAX_KEY_ROWS_UNGATED = 10;
/** Names and versions longer than this are shortened in the comment (the report keeps them whole). */
const MAX_NAME = 120;
const MAX_REASON = 400;

/** Shortens text to `max` characters (whole code points), marking the cut with "…". */
function clip(text: string, max: number): string {
  if (text.length <= max) return text;
  return (
    Array.from(text)
      .slice(0, max - 1)
      .join('') + '…'
  );
}

/** A metric, slice or version name from a file: inline code, shortened. */
function code(text: string): string {
  return inlineCode(clip(text, MAX_NAME));
}

const HEADLINE: Record<Verdict, string> = {
  pass: '✅ passes its gates',
  warn: '⚠️ passes with warnings',
  inconclusive: '❔ is inconclusive: a regression within the noise',
  fail: '❌ fails its gates',
};

const STATUS: Record<MetricStatus, string> = {
  pass: '✅ pass',
  warn: '⚠️ warn',
  inconclusive: '❔ inconclusive',
  fail: '❌ fail',
  info: 'ℹ️ info',
  added: '🆕 added',
  removed: '➖ removed',
};

export const VERDICT_ICON: Record<Verdict, string> = {
  pass: '✅',
  warn: '⚠️',
  inconclusive: '❔',
  fail: '❌',
};

/** The heading of a model's section, also used for the status table of a multi-model comment. */
function headline(
  model: string,
  candidateVersion: string | undefined,
  verdict: Verdict,
  notable?: readonly NotableChange[],
): string {
  return `${escapeMarkdown(model)}${candidateVersion ? ` ${code(candidateVersion)}` : ''} ${HEADLINE[verdict]}${headlineNote(notable)}`;
}

export function renderComparison(
  view: ComparisonDocument,
  links: RenderLinks,
  budget = Number.POSITIVE_INFINITY,
): string {
  const { model, candidate } = view;
  const baseline = view.baseline ?? undefined;
  const result = gateResultOf(view);
  const pointer = links.reportArtifact
    ? `the full report is in the artifact ${inlineCode(links.reportArtifact)} of this run`
    : "the full report is in the step's `report` output";
  const fixedHead: string[] = [
    `### ${headline(model, candidate.version, result.verdict, view.notable)}`,
    mentionLine(result.verdict, links),
    tally(result),
    notableList(view.notable, Boolean(baseline), pointer) ?? '',
    describeBaseline(view.baselineSource, baseline, links),
  ];
  const policyNote = renderPolicyNote(view.policy);
  if (policyNote) fixedHead.push(policyNote);
  if (view.notLikeForLike) {
    fixedHead.push(
      `> [!WARNING]\n> Not like-for-like: the baseline and the candidate were evaluated on different data (evaluation data ${inlineCode(short(baseline?.evaluationSha256))} vs ${inlineCode(short(candidate.evaluationSha256))}), so the deltas do not compare the same examples.`,
    );
  }
  const problems = [
    ...result.metrics.map((m) => ({ name: code(m.name), status: m.status, reasons: m.reasons })),
    ...result.slices.map((s) => ({
      name: `${code(s.metric)} by slice`,
      status: s.status,
      reasons: s.reasons,
    })),
    ...result.fairness.map((f) => ({
      name: `${code(f.measure)} for ${code(f.attribute)}`,
      status: f.status,
      reasons: f.reasons,
    })),
  ].filter((p) => p.status === 'fail' || p.status === 'warn' || p.status === 'inconclusive');
  problems.sort((a, b) => SEVERITY[b.status] - SEVERITY[a.status]);
  if (problems.length) {
    const shown = problems
      .slice(0, MAX_REASONS)
      .map(
        (p) =>
          `- ${STATUS[p.status]} ${p.name}: ${p.reasons.map((reason) => escapeMarkdown(clip(reason, MAX_REASON))).join('; ')}`,
      );
    if (problems.length > MAX_REASONS)
      shown.push(`- … and ${problems.length - MAX_REASONS} more; ${pointer}.`);
    fixedHead.push(shown.join('\n'));
  }
  const unchecked = [
    ...new Set(
      result.fairness.filter((f) => f.rule && f.status === 'info').map((f) => f.attribute),
    ),
  ];
  if (unchecked.length)
    fixedHead.push(
      `> [!WARNING]\n> Not checked for bias: the gate policy has fairness rules for ${unchecked.slice(0, 5).map(code).join(', ')}${unchecked.length > 5 ? ` and ${unchecked.length - 5} more` : ''}, but the candidate's metrics report has no fairness section. List the attributes in evaluate-model's \`sensitive-features\`.`,
    );
  const baselineHeader = baselineColumn(view.baselineSource, baseline);
  const key = keyMetrics(result.metrics);
  const tail: string[] = [];
  const lineage = renderLineage(view, baselineHeader, links);
  if (lineage) tail.push(lineage);
  const charts = renderCharts(view, key);
  if (charts) tail.push(charts);
  tail.push(costLine(view.cost, links), footer(links));

  const join = (parts: readonly string[]) => parts.filter(Boolean).join('\n\n') + '\n';
  const fixedLength = join([...fixedHead, ...tail]).length;
  // What is left goes to the tables, in order of importance; each note is part of its table.
  let room = budget - fixedLength - 200;
  const take = (render: (space: number) => string, what: string) => {
    const rendered = render(Math.max(0, room));
    const text =
      rendered.length <= room
        ? rendered
        : `_${what} left out to fit GitHub's comment size limit: ${pointer}._`;
    room -= text.length + 2;
    return text;
  };
  const tables: string[] = [];
  tables.push(
    take((space) => metricTable(key, baselineHeader, space, pointer), 'The metrics table was'),
  );
  if (result.fairness.length || view.fairnessGroups)
    tables.push(
      take(
        (space) =>
          fairnessSection(
            result.fairness,
            view.fairnessGroups ?? {},
            baselineHeader,
            space,
            pointer,
          ),
        'The Fairness section was',
      ),
    );
  if (view.changes)
    tables.push(
      take(
        (space) => renderChanges(view.changes!, baselineHeader, space, pointer),
        'What changed was',
      ),
    );
  if (view.confusion || view.residuals)
    tables.push(
      take(
        (space) => errorSection(view, baselineHeader, space, pointer),
        'The confusion matrix or residual summary was',
      ),
    );
  if (result.slices.length)
    tables.push(
      take(
        (space) => sliceSection(result.slices, result.notable, baselineHeader, space, pointer),
        'The slices were',
      ),
    );
  if (key.length < result.metrics.length)
    tables.push(
      take(
        (space) =>
          details(
            `All ${result.metrics.length} metrics`,
            metricTable(result.metrics, baselineHeader, space - 80, pointer),
          ),
        'The table of all metrics was',
      ),
    );
  const section = join([...fixedHead, ...tables, ...tail]);
  if (section.length <= budget) return section;
  // Even the fixed parts do not fit (very little room left by other models' sections): the
  // headline, the tally and where to find everything.
  return join([
    `### ${headline(model, candidate.version, result.verdict, view.notable)}`,
    tally(result),
    `_This section was shortened to fit GitHub's comment size limit: ${pointer}._`,
  ]);
}

/** One sentence counting the gated metrics by status, so the headline needs no scrolling. */
function tally(result: GateResult): string {
  const gated = [
    ...result.metrics.filter((m) => m.rule),
    ...result.slices.filter((s) => s.rule),
    ...result.fairness.filter((f) => f.rule),
  ];
  const ungated = result.metrics.length - result.metrics.filter((m) => m.rule).length;
  const counts = (['fail', 'inconclusive', 'warn', 'pass', 'info'] as const)
    .map((status) => [status, gated.filter((g) => g.status === status).length] as const)
    .filter(([, n]) => n > 0);
  const gates = gated.length
    ? `${gated.length} ${gated.length === 1 ? 'gate' : 'gates'}: ${counts.map(([status, n]) => `${n} ${status === 'pass' ? 'passed' : status === 'fail' ? 'failed' : status}`).join(', ')}`
    : 'No gates apply (no gate policy, or it names none of these metrics)';
  return `**${gates}.** ${ungated ? `${ungated} ${gated.length ? 'more ' : ''}${ungated === 1 ? 'metric is' : 'metrics are'} reported without a gate.` : ''}`.trim();
}

/** The gated metrics and anything not passing; without a policy, the first few metrics. */
function keyMetrics(metrics: readonly MetricComparison[]): MetricComparison[] {
  const key = metrics.filter((m) => m.rule || SEVERITY[m.status] > 0);
  return key.length ? key : metrics.slice(0, MAX_KEY_ROWS_UNGATED);
}

function baselineColumn(
  source: BaselineSummary,
  baseline: ComparisonDocument['baseline'] | undefined,
): string {
  const label = source.kind === 'registry' ? capitalise(source.environment) : 'Baseline';
  return baseline?.version
    ? `${escapeMarkdown(label)} (${code(baseline.version)})`
    : escapeMarkdown(label);
}

function capitalise(text: string): string {
  return text.charAt(0).toUpperCase() + text.slice(1);
}

function describeBaseline(
  source: BaselineSummary,
  baseline: ComparisonDocument['baseline'] | undefined,
  links: RenderLinks,
): string {
  switch (source.kind) {
    case 'file':
      return `Compared with the baseline${baseline?.version ? ` ${inlineCode(baseline.version)}` : ''} from ${inlineCode(source.path)}, given as the \`baseline\` input.`;
    case 'registry': {
      const since = source.createdAt.slice(0, 10);
      const environmentUrl = links.repository
        ? `${links.serverUrl}/${links.repository}/deployments/${encodeURIComponent(source.environment)}`
        : undefined;
      const report =
        source.report === 'fetched'
          ? 'its full metrics report'
          : source.report === 'unavailable'
            ? 'the metric values its deployment records (its full report could not be read)'
            : 'the metric values its deployment records';
      return `Compared with ${inlineCode(source.version)}, the model in ${inlineCode(source.environment)} since ${escapeMarkdown(since)} (commit ${inlineCode(source.sha.slice(0, 12))}, ${markdownLink(`deployment ${source.deploymentId}`, environmentUrl)}): the newest successful deployment of ${inlineCode(`model:${source.model}`)} there, using ${report}.`;
    }
    case 'none':
      return `**No baseline:** ${escapeMarkdown(source.reason)}. Only absolute bounds were checked; rules that compare with a baseline followed \`on-missing-baseline\`.`;
  }
}

function valueWithCi(value: number | undefined, ci: readonly [number, number] | undefined): string {
  if (value === undefined) return '—';
  return ci ? `${format(value)} <sub>${interval(ci)}</sub>` : format(value);
}

function metricRow(m: MetricComparison): string[] {
  return [
    code(m.name),
    valueWithCi(m.baseline, m.baselineCi),
    m.candidate === undefined && m.notComputed !== undefined
      ? 'not computed'
      : valueWithCi(m.candidate, m.candidateCi),
    m.delta === undefined ? '—' : signed(m.delta),
    m.deltaRelative === undefined
      ? '—'
      : (m.deltaRelative >= 0 ? '+' : '') + percent(m.deltaRelative),
    m.rule ? escapeMarkdown(m.rule) : '',
    STATUS[m.status],
  ];
}

function metricTable(
  metrics: readonly MetricComparison[],
  baselineHeader: string,
  budget: number,
  pointer: string,
): string {
  return fitTable(
    ['Metric', baselineHeader, 'Candidate', 'Δ', 'Δ%', 'Rule', 'Status'],
    metrics.map(metricRow),
    budget,
    (left) => `_${left} more ${left === 1 ? 'metric' : 'metrics'} not shown here: ${pointer}._`,
  );
}

/**
 * A table with as many rows as fit in `budget` characters, in their order, and a note saying
 * how many were left out. Rows are never cut in the middle.
 */
function fitTable(
  header: readonly string[],
  rows: readonly (readonly string[])[],
  budget: number,
  note: (left: number) => string,
): string {
  const full = markdownTable(header, rows);
  if (full.length <= budget) return full;
  const head = markdownTable(header, []);
  const lines = full.split('\n').slice(2);
  let used = head.length + note(rows.length).length + 4;
  let count = 0;
  while (count < lines.length && used + lines[count]!.length + 1 <= budget)
    used += lines[count++]!.length + 1;
  if (count === 0) return note(rows.length);
  return [head, ...lines.slice(0, count)].join('\n') + '\n\n' + note(rows.length - count);
}

function details(summary: string, body: string, open = false): string {
  return `<details${open ? ' open' : ''}><summary>${summary}</summary>\n\n${body}\n\n</details>`;
}

function sliceCell(value: SliceValue | undefined): string {
  if (!value) return '—';
  return (
    valueWithCi(value.value, value.ci) + (value.n !== undefined ? ` <sub>n=${value.n}</sub>` : '')
  );
}

/**
 * Per metric, its slices by change against the baseline, the largest regression first, in one
 * collapsible section; failing slice rules open it. The slices that moved beyond the noise are
 * marked in a named column; the worst and best by value only where a rule judges them.
 */
function sliceSection(
  slices: readonly SliceComparison[],
  notable: readonly NotableChange[],
  baselineHeader: string,
  budget: number,
  pointer: string,
): string {
  const moved = (metric: string) =>
    notable.filter((n) => n.metric === metric && n.slice !== undefined);
  const regressed = (s: SliceComparison) => moved(s.metric).some((n) => n.kind === 'regression');
  // Judged slices first, then those with a regression beyond the noise, then the rest.
  const ordered = [...slices].sort(
    (a, b) =>
      SEVERITY[b.status] - SEVERITY[a.status] ||
      Number(regressed(b)) - Number(regressed(a)) ||
      Number(Boolean(b.rule)) - Number(Boolean(a.rule)),
  );
  const listed = ordered.slice(0, MAX_REASONS);
  const summaryLines = listed.map((s) => {
    const changes = moved(s.metric);
    const worstChange = changes.find((n) => n.kind === 'regression');
    const bestChange = changes.find((n) => n.kind === 'improvement');
    const change = (n: NotableChange) =>
      `${code(n.slice!)} ${format(n.baseline)} → ${format(n.candidate)}`;
    const parts = [
      worstChange ? `largest regression ${change(worstChange)}` : '',
      bestChange ? `largest improvement ${change(bestChange)}` : '',
    ].filter(Boolean);
    const movedText = parts.length ? parts.join(', ') : 'no slice moved beyond the noise';
    const uses = extremesUsed(s.rule);
    const byValue =
      uses.worst && s.worst
        ? `; worst by value ${code(s.worst.slice)} ${format(s.worst.value)}${uses.best && s.gap !== undefined ? `, gap ${format(s.gap)}` : ''}`
        : '';
    return `- ${STATUS[s.status]} ${code(s.metric)}: ${movedText}${byValue}${s.rule ? ` (${escapeMarkdown(s.rule)})` : ''}`;
  });
  if (ordered.length > listed.length)
    summaryLines.push(
      `- … and ${ordered.length - listed.length} more metrics by slice; ${pointer}.`,
    );
  const open = slices.some((s) => SEVERITY[s.status] > 0);
  const parts: string[] = [summaryLines.join('\n')];
  let room = budget - parts[0]!.length - 120;
  for (const slice of listed) {
    // Which way is better: the extremes say when they differ, else the metric's name.
    const higher =
      slice.worst && slice.best && slice.worst.value !== slice.best.value
        ? slice.worst.value < slice.best.value
        : metricDirection(slice.metric) !== 'lower';
    const gain = (row: (typeof slice.rows)[number]) =>
      row.candidate === undefined || row.baseline === undefined || row.ignored
        ? Infinity
        : (row.candidate.value - row.baseline.value) * (higher ? 1 : -1);
    const changes = moved(slice.metric);
    const largest = {
      regression: changes.find((n) => n.kind === 'regression')?.slice,
      improvement: changes.find((n) => n.kind === 'improvement')?.slice,
    };
    const marks = (row: (typeof slice.rows)[number]): string => {
      if (row.ignored) return 'too few examples, not judged';
      const change = changes.find((n) => n.slice === row.slice);
      if (!change) return '';
      if (change.kind === 'regression')
        return row.slice === largest.regression ? '⚠️ largest regression' : '⚠️ regression';
      if (change.kind === 'improvement')
        return row.slice === largest.improvement ? '✅ largest improvement' : '✅ improvement';
      return '↕️ changed';
    };
    const uses = extremesUsed(slice.rule);
    const byValue = uses.worst || uses.best;
    const rows = [...slice.rows]
      .sort((a, b) => gain(a) - gain(b) || a.slice.localeCompare(b.slice))
      .map((row) => {
        const delta =
          row.candidate && row.baseline ? signed(row.candidate.value - row.baseline.value) : '—';
        const cells = [
          code(row.slice),
          sliceCell(row.baseline),
          sliceCell(row.candidate),
          delta,
          marks(row),
        ];
        if (byValue)
          cells.push(
            uses.worst && row.slice === slice.worst?.slice
              ? 'worst'
              : uses.best && row.slice === slice.best?.slice
                ? 'best'
                : '',
          );
        return cells;
      });
    const table = fitTable(
      [
        `${code(slice.metric)} by slice`,
        baselineHeader,
        'Candidate',
        'Δ',
        'Beyond the noise',
        ...(byValue ? [uses.best ? 'By value (gap rule)' : 'By value (worst-slice rule)'] : []),
      ],
      rows,
      Math.max(0, room),
      (left) => `_${left} more ${left === 1 ? 'slice' : 'slices'}: ${pointer}._`,
    );
    room -= table.length + 2;
    parts.push(table);
    if (room <= 0) break;
  }
  return details(
    `Slices (${slices.length} ${slices.length === 1 ? 'metric' : 'metrics'})`,
    parts.join('\n\n'),
    open,
  );
}

/** Most attributes and measure rows the Fairness section shows; the rest are in the report. */
const MAX_FAIRNESS_ATTRIBUTES = 10;
const MAX_FAIRNESS_MEASURES = 12;
const MAX_GROUP_ROWS = 12;

/** A rate of the group table: undefined (no positives, or no negatives) is said, never 0. */
function rateCell(value: number | null | undefined): string {
  return value === undefined ? '—' : value === null ? 'undefined' : format(value);
}

function measureCell(value: number | null | undefined, ci: readonly [number, number] | undefined) {
  return value === null ? 'undefined' : valueWithCi(value, ci);
}

/**
 * Per sensitive attribute: each disparity measure now and in production with its interval,
 * the worst group and the rule; then the candidate's groups (rows, selection rate, TPR, FPR).
 * The group names come from the predictions file (hostile text: code spans, shortened); the
 * groups under min-group-size arrive merged into one line (publishableGroups), so no table
 * here can point at a few people. Gated measures first; failing rules open the section.
 */
function fairnessSection(
  fairness: readonly FairnessComparison[],
  groups: FairnessGroups,
  baselineHeader: string,
  budget: number,
  pointer: string,
): string {
  const attributes = [
    ...new Set([...fairness.map((f) => f.attribute), ...Object.keys(groups)]),
  ].sort(
    (a, b) => worstStatus(fairness, b) - worstStatus(fairness, a) || (a < b ? -1 : a > b ? 1 : 0),
  );
  const parts: string[] = [];
  let room = budget - 200;
  const listed = attributes.slice(0, MAX_FAIRNESS_ATTRIBUTES);
  for (const attribute of listed) {
    const measures = fairness
      .filter((f) => f.attribute === attribute)
      .sort(
        (a, b) =>
          SEVERITY[b.status] - SEVERITY[a.status] ||
          Number(Boolean(b.rule)) - Number(Boolean(a.rule)),
      );
    const section = Object.hasOwn(groups, attribute) ? groups[attribute] : undefined;
    const merged = section?.groups.find((line) => line.merged);
    const shownGroups = section ? section.groups.length - (merged ? 1 : 0) : 0;
    const title = `**${code(attribute)}**${section && section.columns.length > 1 ? ' (intersection)' : ''}${section ? `: ${shownGroups} ${shownGroups === 1 ? 'group' : 'groups'}${merged ? `, and ${merged.groups} under ${section.minGroupSize} rows merged into one line` : ''}` : ''}`;
    const measureTable = fitTable(
      ['Measure', baselineHeader, 'Candidate', 'Worst group', 'Rule', 'Status'],
      measures
        .slice(0, MAX_FAIRNESS_MEASURES)
        .map((f) => [
          code(f.measure),
          measureCell(f.baseline, f.baselineCi),
          measureCell(f.candidate, f.candidateCi),
          f.worstGroup === undefined ? '—' : code(f.worstGroup),
          f.rule ? escapeMarkdown(f.rule) : '',
          STATUS[f.status],
        ]),
      Math.max(0, room / 2),
      (left) => `_${left} more ${left === 1 ? 'measure' : 'measures'}: ${pointer}._`,
    );
    const more =
      measures.length > MAX_FAIRNESS_MEASURES
        ? `\n\n_${measures.length - MAX_FAIRNESS_MEASURES} more measures: ${pointer}._`
        : '';
    const lines = section?.groups ?? [];
    const binary = lines.some((line) => line.selectionRate !== undefined);
    const regression = lines.some((line) => line.meanPrediction !== undefined);
    const groupTable = lines.length
      ? fitTable(
          [
            'Group',
            'Rows',
            ...(binary ? ['Selection rate', 'TPR', 'FPR'] : []),
            ...(regression ? ['Mean prediction'] : []),
          ],
          lines
            .slice(0, MAX_GROUP_ROWS)
            .map((line) => [
              line.merged ? escapeMarkdown(clip(line.name, MAX_NAME)) : code(line.name),
              String(line.rows),
              ...(binary
                ? line.merged
                  ? ['—', '—', '—']
                  : [
                      rateCell(line.selectionRate),
                      rateCell(line.truePositiveRate),
                      rateCell(line.falsePositiveRate),
                    ]
                : []),
              ...(regression ? [line.merged ? '—' : rateCell(line.meanPrediction)] : []),
            ]),
          Math.max(0, room / 2 - measureTable.length),
          (left) => `_${left} more ${left === 1 ? 'group' : 'groups'}: ${pointer}._`,
        ) +
        (lines.length > MAX_GROUP_ROWS
          ? `\n\n_${lines.length - MAX_GROUP_ROWS} more groups: ${pointer}._`
          : '')
      : '';
    const text = [title, measures.length ? measureTable + more : '', groupTable]
      .filter(Boolean)
      .join('\n\n');
    if (text.length > room) break;
    parts.push(text);
    room -= text.length + 2;
  }
  if (parts.length < attributes.length)
    parts.push(
      `_${attributes.length - parts.length} more sensitive ${attributes.length - parts.length === 1 ? 'attribute' : 'attributes'}: ${pointer}._`,
    );
  const gated = fairness.filter((f) => f.rule);
  const failing = gated.filter((f) => SEVERITY[f.status] > 0).length;
  const summary = `Fairness (${attributes.length} sensitive ${attributes.length === 1 ? 'attribute' : 'attributes'}${gated.length ? `, ${gated.length} ${gated.length === 1 ? 'gate' : 'gates'}${failing ? `, ${failing} not passing` : ''}` : ''})`;
  return details(summary, parts.join('\n\n'), failing > 0);
}

function worstStatus(fairness: readonly FairnessComparison[], attribute: string): number {
  return Math.max(
    0,
    ...fairness.filter((f) => f.attribute === attribute).map((f) => SEVERITY[f.status]),
  );
}

/** How many notable changes the section lists under its headline. */
const MAX_NOTABLE = 5;

const NOTABLE_ICON: Record<NotableChange['kind'], string> = {
  regression: '⚠️ worse',
  improvement: '✅ better',
  change: '↕️ changed',
};

/** The ungated notable regressions, counted in the headline: gated ones are their gate's. */
function ungatedRegressions(notable: readonly NotableChange[] | undefined): number {
  return distinct(notable ?? []).filter(({ change: n }) => n.kind === 'regression' && !n.gated)
    .length;
}

/**
 * The notable changes less repeats: one number under several names on the same rows (a binary
 * task's `recall` and `recall.1`, `balanced_accuracy` and `recall_macro`) is listed once, under
 * its first name, with the others as aliases.
 */
function distinct(
  notable: readonly NotableChange[],
): { change: NotableChange; aliases: string[] }[] {
  const seen = new Map<string, { change: NotableChange; aliases: string[] }>();
  for (const change of notable) {
    const key = JSON.stringify([
      change.attribute,
      change.slice,
      change.baseline,
      change.candidate,
      change.ci,
    ]);
    const first = seen.get(key);
    if (first && first.change.gated === change.gated) first.aliases.push(change.metric);
    else if (!first) seen.set(key, { change, aliases: [] });
    else seen.set(`${key}|${change.metric}`, { change, aliases: [] });
  }
  return [...seen.values()];
}

function headlineNote(notable: readonly NotableChange[] | undefined): string {
  const count = ungatedRegressions(notable);
  return count
    ? ` · ⚠️ ${count} notable ${count === 1 ? 'regression' : 'regressions'} without a gate`
    : '';
}

/**
 * The largest changes beyond the noise, gated or not, worst first: what a reviewer should see
 * before any table. Undefined for a document without them (older versions, or no baseline).
 */
function notableList(
  notable: readonly NotableChange[] | undefined,
  hasBaseline: boolean,
  pointer: string,
): string | undefined {
  if (!notable || !hasBaseline) return undefined;
  if (!notable.length)
    return '**No change beyond the noise:** every metric and slice the baseline also reports lies inside its confidence interval, or within 5% where it has none.';
  const listed = distinct(notable);
  const lines = listed.slice(0, MAX_NOTABLE).map(({ change: n, aliases }) => {
    const icon =
      n.kind === 'regression' && SEVERITY[n.status] > 0
        ? STATUS[n.status].split(' ')[0] + ' worse'
        : NOTABLE_ICON[n.kind];
    const where =
      n.attribute !== undefined
        ? `disparity ${code(n.metric)} for ${code(n.attribute)}`
        : n.slice === undefined
          ? code(n.metric)
          : `${code(n.metric)} on ${code(n.slice)}`;
    const noise =
      n.basis === 'ci' && n.ci
        ? `outside the candidate's interval ${interval(n.ci)}`
        : `${n.delta >= 0 ? '+' : '-'}${percent(Math.abs(n.delta) / Math.max(Math.abs(n.baseline), Math.abs(n.candidate)))}`;
    const gate = n.gated
      ? `gated: ${STATUS[n.status]}`
      : n.kind === 'regression' && n.status !== 'info'
        ? `no gate (${n.status})`
        : 'no gate';
    const same = aliases.length
      ? ` (the same as ${aliases.slice(0, 3).map(code).join(', ')}${aliases.length > 3 ? ` and ${aliases.length - 3} more` : ''})`
      : '';
    return `- ${icon}: ${where}${same}: ${format(n.baseline)} → ${format(n.candidate)} (${signed(n.delta)}, ${noise}) · ${gate}`;
  });
  const rest = listed.slice(MAX_NOTABLE).map(({ change }) => change);
  if (rest.length) {
    const kinds = (['regression', 'improvement', 'change'] as const)
      .map((kind) => [kind, rest.filter((n) => n.kind === kind).length] as const)
      .filter(([, count]) => count > 0)
      .map(([kind, count]) => `${count} ${kind}${count === 1 ? '' : 's'}`);
    lines.push(
      kinds.length === 1
        ? `- +${kinds[0]!.replace(/^\d+ /, `${rest.length} more `)}: ${pointer}.`
        : `- +${rest.length} more (${kinds.join(', ')}): ${pointer}.`,
    );
  }
  return `**Notable changes** (beyond the noise, gated or not):\n${lines.join('\n')}`;
}

/** Most classes a confusion matrix in the comment shows; the rest are summed into "other". */
const MAX_MATRIX_CLASSES = 10;
/** Most cells marked as changed. */
const MAX_MARKED_CELLS = 3;
const MAX_CLASS_NAME = 40;

type Matrix = NonNullable<ComparisonDocument['confusion']>['candidate'];

/**
 * The matrix over `shown` classes (by name) and one "other" class holding every other row and
 * column, so that every count stays in the table.
 */
function foldMatrix(matrix: Matrix, shown: readonly string[]): number[][] {
  const size = shown.length + 1;
  const index = new Map(shown.map((name, i) => [name, i]));
  const folded = Array.from({ length: size }, () => new Array<number>(size).fill(0));
  matrix.classes.forEach((truth, i) => {
    const row = index.get(truth) ?? shown.length;
    matrix.classes.forEach((predicted, j) => {
      folded[row]![index.get(predicted) ?? shown.length]! += matrix.matrix[i]?.[j] ?? 0;
    });
  });
  return folded;
}

function sum(values: readonly number[]): number {
  return values.reduce((a, b) => a + b, 0);
}

/**
 * The confusion matrix, the candidate's counts with production's beside them in small, the
 * cells whose share of the rows changed most in bold with an arrow. The classes with the most
 * rows first, at most `limit`, the rest as "other".
 */
function confusionTable(
  confusion: NonNullable<ComparisonDocument['confusion']>,
  limit: number,
): string {
  const { candidate, baseline } = confusion;
  const frequency = candidate.classes.map(
    (name, i) => [name, sum(candidate.matrix[i] ?? [])] as const,
  );
  const ranked = [...frequency].sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0]));
  // The most frequent classes, shown in the report's order.
  const kept = new Set(ranked.slice(0, limit).map(([name]) => name));
  const shown = candidate.classes.filter((name) => kept.has(name));
  const others = candidate.classes.length - shown.length;
  const hasOther = others > 0 || Boolean(baseline?.classes.some((name) => !shown.includes(name)));
  const size = shown.length + (hasOther ? 1 : 0);
  const cand = foldMatrix(candidate, shown);
  const base = baseline ? foldMatrix(baseline, shown) : undefined;
  const candidateTotal = sum(cand.flat());
  const baselineTotal = base ? sum(base.flat()) : 0;
  // The cells whose share of all rows moved most (shares: the two evaluations may differ in size).
  const changes: { i: number; j: number; change: number }[] = [];
  if (base && candidateTotal > 0 && baselineTotal > 0)
    for (let i = 0; i < size; i++)
      for (let j = 0; j < size; j++)
        changes.push({
          i,
          j,
          change: cand[i]![j]! / candidateTotal - base[i]![j]! / baselineTotal,
        });
  const largest = Math.max(0, ...changes.map((c) => Math.abs(c.change)));
  const marked = new Map(
    changes
      .filter((c) => largest > 1e-12 && Math.abs(c.change) >= largest / 2)
      .sort((a, b) => Math.abs(b.change) - Math.abs(a.change))
      .slice(0, MAX_MARKED_CELLS)
      .map((c) => [`${c.i},${c.j}`, c.change > 0 ? '↑' : '↓']),
  );
  const name = (i: number) =>
    i < shown.length
      ? inlineCode(clip(shown[i]!, MAX_CLASS_NAME))
      : `other (${others} ${others === 1 ? 'class' : 'classes'})`;
  const count = (value: number) => format(value);
  const rows = Array.from({ length: size }, (_, i) => [
    name(i),
    ...Array.from({ length: size }, (_, j) => {
      const arrow = marked.get(`${i},${j}`);
      const value = arrow ? `**${count(cand[i]![j]!)} ${arrow}**` : count(cand[i]![j]!);
      return base ? `${value} <sub>${count(base[i]![j]!)}</sub>` : value;
    }),
    count(sum(cand[i]!.slice(0, size))),
  ]);
  return markdownTable(
    ['True ╲ predicted', ...Array.from({ length: size }, (_, j) => name(j)), 'Total'],
    rows,
  );
}

/**
 * The confusion matrix (classification) or the residual quantiles (regression), candidate
 * next to production; fewer classes when the room is short.
 */
function errorSection(
  view: ComparisonDocument,
  baselineHeader: string,
  budget: number,
  pointer: string,
): string {
  if (view.confusion) {
    const { candidate, baseline } = view.confusion;
    const classes = candidate.totalClasses ?? candidate.classes.length;
    const note = [
      'rows: the true class; columns: the predicted class',
      baseline
        ? `in small: ${baselineHeader}; in bold, the cells whose share of the rows changed most (↑ more, ↓ fewer)`
        : '',
      classes > candidate.classes.length
        ? `the report holds the ${candidate.classes.length} most frequent of ${classes} classes`
        : '',
    ]
      .filter(Boolean)
      .join('; ');
    for (let limit = MAX_MATRIX_CLASSES; limit >= 2; limit--) {
      const table = confusionTable(view.confusion, limit);
      const text = details(
        limit < classes
          ? `Confusion matrix (the ${limit} most frequent of ${classes} classes)`
          : 'Confusion matrix',
        `<sub>${note}.</sub>\n\n${table}`,
        candidate.classes.length <= 4,
      );
      if (text.length <= budget) return text;
    }
    return `_Confusion matrix left out to fit GitHub's comment size limit: ${pointer}._`;
  }
  if (view.residuals) {
    const { candidate, baseline } = view.residuals;
    const quantiles = ['p5', 'p25', 'p50', 'p75', 'p95'] as const;
    const row = (label: string, side: typeof candidate) => [
      label,
      ...quantiles.map((q) => format(side[q])),
    ];
    return details(
      'Residuals (prediction − label)',
      markdownTable(
        ['prediction − label', ...quantiles],
        [row('Candidate', candidate), ...(baseline ? [row(baselineHeader, baseline)] : [])],
      ),
      true,
    );
  }
  return '';
}

/** Which of the candidate's slice extremes a slice rule judges (its description, judge.ts). */
function extremesUsed(rule: string | undefined): { worst: boolean; best: boolean } {
  return {
    worst: Boolean(rule && /worst/.test(rule)),
    best: Boolean(rule && /best − worst/.test(rule)),
  };
}

function short(hash: string | undefined, length = 12): string {
  return hash ? hash.slice(0, length) : '—';
}

function renderLineage(
  view: ComparisonDocument,
  baselineHeader: string,
  links: RenderLinks,
): string | undefined {
  const lineage = view.lineage;
  if (!lineage) return undefined;
  const { candidate, baseline } = lineage;
  const code = (value: string | undefined) => (value ? inlineCode(short(value)) : '—');
  const rows: string[][] = [
    [
      'Version',
      candidate.version ? inlineCode(candidate.version) : '—',
      baseline?.version ? inlineCode(baseline.version) : '—',
    ],
    ['Fingerprint', code(candidate.fingerprint), code(baseline?.fingerprint)],
    [
      'Evaluation data',
      code(candidate.evaluationSha256) + (view.notLikeForLike ? ' ⚠️ differs' : ''),
      code(baseline?.evaluationSha256),
    ],
    ['Config', code(candidate.configSha256), code(baseline?.configSha256)],
    [
      'Training data',
      candidate.dataFiles?.length
        ? candidate.dataFiles
            .slice(0, 5)
            .map((f) => `${inlineCode(f.path)} ${inlineCode(short(f.sha256))}`)
            .join('<br>') +
          (candidate.dataFiles.length > 5 ? `<br>… ${candidate.dataFiles.length - 5} more` : '')
        : '—',
      '—',
    ],
    ['Commit', code(candidate.commit), code(baseline?.commit)],
    ...runtimeRows(candidate.runtime, baseline?.runtime),
    [
      'Run',
      links.runUrl ? markdownLink('this run', links.runUrl) : '—',
      baseline?.runUrl && isRunOf(links, baseline.runUrl)
        ? markdownLink('workflow run', baseline.runUrl)
        : '—',
    ],
  ];
  const useful = rows.filter(([, a, b]) => a !== '—' || b !== '—');
  return details('Lineage', markdownTable(['', 'Candidate', baselineHeader], useful));
}

/**
 * What each model was trained on (Python, R, installed packages, runner image, OS), each row
 * marked when both sides are known and differ: a metric change may come from the environment,
 * not the model. The values come from manifests and payloads, so they are shown as code.
 */
function runtimeRows(
  candidate: RuntimeSummary | undefined,
  baseline: RuntimeSummary | undefined,
): string[][] {
  if (!candidate && !baseline) return [];
  const row = (
    label: string,
    value: (side: RuntimeSummary) => string | undefined,
    show: (side: RuntimeSummary) => string = (side) => inlineCode(value(side)!),
  ): string[] => {
    const [a, b] = [candidate && value(candidate), baseline && value(baseline)];
    const differs = a !== undefined && b !== undefined && a !== b ? ' ⚠️ differs' : '';
    return [
      label,
      a !== undefined ? show(candidate!) + differs : '—',
      b !== undefined ? show(baseline!) : '—',
    ];
  };
  return [
    row('Python', (side) => side.python),
    row('R', (side) => side.r),
    row(
      'Python packages',
      (side) => side.packages?.sha256,
      (side) => `${side.packages!.count} (${inlineCode(short(side.packages!.sha256))})`,
    ),
    row('Runner image', (side) => side.image),
    row('OS', (side) => side.os),
  ];
}

/** Only links to runs of this repository are shown: URLs in payloads and artifacts are not trusted. */
function isRunOf(links: RenderLinks, url: string): boolean {
  return (
    Boolean(links.repository) &&
    url.startsWith(`${links.serverUrl}/${links.repository}/actions/runs/`) &&
    /^[^\s()<>]+$/.test(url)
  );
}

function renderCharts(
  view: ComparisonDocument,
  key: readonly MetricComparison[],
): string | undefined {
  if (!view.history?.length) return undefined;
  const charts = key
    .map((m) => metricChart(m.name, view.history!, m.candidate))
    .filter((chart): chart is string => chart !== undefined)
    .slice(0, MAX_CHARTS);
  if (!charts.length) return undefined;
  const environment =
    view.baselineSource.kind === 'registry'
      ? view.baselineSource.environment
      : 'the baseline environment';
  return details(
    `History: the last ${view.history.length} ${view.history.length === 1 ? 'version' : 'versions'} in ${escapeMarkdown(environment)} and this pull request`,
    charts.join('\n\n'),
  );
}

function signed(value: number): string {
  return (value >= 0 ? '+' : '') + format(value);
}

function footer(links: RenderLinks): string {
  const parts: string[] = [];
  if (links.postedFrom) parts.push(escapeMarkdown(links.postedFrom));
  if (links.sha) parts.push(`commit ${inlineCode(links.sha.slice(0, 12))}`);
  if (links.runUrl) parts.push(markdownLink('workflow run', links.runUrl));
  if (links.reportArtifact) parts.push(`full report: artifact ${inlineCode(links.reportArtifact)}`);
  return parts.length ? `<sub>${parts.join(' · ')}</sub>` : '';
}

/** `cc @user @org/team` under the headline when the verdict is fail or warn. */
function mentionLine(verdict: Verdict, links: RenderLinks): string {
  if (!links.mentions?.length || (verdict !== 'fail' && verdict !== 'warn')) return '';
  // Only handles that passed the input's check reach here; the check is repeated so that no
  // other text is ever written raw.
  const handles = links.mentions.filter((handle) => MENTION_PATTERN.test(handle));
  return handles.length ? `cc ${handles.join(' ')}` : '';
}

/** A GitHub user (`@login`) or team (`@org/team-slug`), as GitHub spells them. */
export const MENTION_PATTERN =
  /^@[A-Za-z0-9](?:-?[A-Za-z0-9]){0,38}(?:\/[A-Za-z0-9](?:[A-Za-z0-9_-]){0,99})?$/;

/** How many config keys and packages the comment lists; the report holds up to MAX_LISTED. */
const MAX_CHANGES_SHOWN = 20;
const MAX_PACKAGES_SHOWN = 5;
const MAX_VALUE = 80;

/**
 * "What changed" since the production model: the config keys that differ (as `dvc params diff`
 * lists them), then one line each for the training data and the environment.
 */
function renderChanges(
  changes: Changes,
  baselineHeader: string,
  budget: number,
  pointer: string,
): string {
  const lines = [
    `**What changed since ${code(changes.against.version)}** (from the two models' lineage manifests)`,
  ];
  const config = changes.config;
  const value = (text: string) => inlineCode(clip(spacedJson(text), MAX_VALUE));
  if (!config)
    lines.push(
      '**Config:** not compared: a manifest written before mlops-actions recorded config values.',
    );
  else {
    const rows = [
      ...config.changed.items.map((c) => [code(c.key), value(c.from), value(c.to)]),
      ...config.added.items.map((c) => [`${code(c.key)} 🆕`, '—', value(c.value)]),
      ...config.removed.items.map((c) => [`${code(c.key)} ➖`, value(c.value), '—']),
    ];
    const total = config.changed.total + config.added.total + config.removed.total;
    const unknown = config.hidden
      ? ` ${config.hidden} hidden ${config.hidden === 1 ? 'value is' : 'values are'} not compared.`
      : '';
    const partial = config.partial ? ' Only part of a very large config was recorded.' : '';
    if (!total)
      lines.push(
        `**Config:** unchanged (${config.unchanged} ${config.unchanged === 1 ? 'key' : 'keys'}).${unknown}${partial}`,
      );
    else {
      const shown = rows.slice(0, MAX_CHANGES_SHOWN);
      const table = fitTable(
        ['Config key', baselineHeader, 'Candidate'],
        shown,
        Math.max(0, budget - lines.join('\n\n').length - 600),
        (left) => `_${left} more not shown here: ${pointer}._`,
      );
      const more = total - shown.length;
      lines.push(
        `**Config:** ${describeCounts([
          [config.changed.total, 'changed'],
          [config.added.total, 'added'],
          [config.removed.total, 'removed'],
        ])}, ${config.unchanged} unchanged.${unknown}${partial}`,
        table + (more > 0 ? `\n\n_+${more} more: ${pointer}._` : ''),
      );
    }
  }
  lines.push(
    `**Data:** ${dataLine(changes.data)}`,
    `**Environment:** ${environmentLine(changes.environment)}`,
  );
  return lines.join('\n\n');
}

/**
 * A list or object value with a space after each comma and colon, so that its code span wraps
 * in a narrow comment column instead of widening the table; scalars are shown as recorded.
 */
function spacedJson(text: string): string {
  if (!/^[[{]/.test(text)) return text;
  let spaced = '';
  let inString = false;
  for (let i = 0; i < text.length; i++) {
    const char = text[i]!;
    spaced += char;
    if (inString) {
      if (char === '\\') spaced += text[++i] ?? '';
      else if (char === '"') inString = false;
    } else if (char === '"') inString = true;
    else if ((char === ',' || char === ':') && text[i + 1] !== ' ') spaced += ' ';
  }
  return spaced;
}

function describeCounts(counts: readonly (readonly [number, string])[]): string {
  return counts
    .filter(([n]) => n > 0)
    .map(([n, what]) => `${n} ${what}`)
    .join(', ');
}

/** Paths by what happened to them, a few each. */
function dataLine(data: Changes['data']): string {
  const few = (paths: { items: string[]; total: number }) =>
    paths.items
      .slice(0, 3)
      .map((path) => code(path))
      .join(', ') + (paths.total > 3 ? ` +${paths.total - 3} more` : '');
  const parts = [
    data.changed.total && `${data.changed.total} changed (${few(data.changed)})`,
    data.added.total && `${data.added.total} added (${few(data.added)})`,
    data.removed.total && `${data.removed.total} removed (${few(data.removed)})`,
  ].filter(Boolean);
  if (!parts.length)
    return data.unchanged
      ? `unchanged (${data.unchanged} ${data.unchanged === 1 ? 'file' : 'files'}).`
      : 'no data files recorded.';
  return `${parts.join('; ')}; ${data.unchanged} unchanged.`;
}

/** Interpreter, image and OS changes, then package versions, a few by name. */
function environmentLine(environment: Changes['environment']): string {
  const arrow = (c: { key: string; from: string; to: string }) =>
    `${escapeMarkdown(c.key)} ${inlineCode(clip(c.from, MAX_VALUE))} → ${inlineCode(clip(c.to, MAX_VALUE))}`;
  const parts = environment.changed.map(arrow);
  const packages = environment.packages;
  if (packages) {
    const changed = packages.changed.items
      .slice(0, MAX_PACKAGES_SHOWN)
      .map(
        (p) =>
          `${code(p.key)} ${inlineCode(clip(p.from, MAX_VALUE))} → ${inlineCode(clip(p.to, MAX_VALUE))}`,
      );
    const more = packages.changed.total - changed.length;
    const counts = describeCounts([
      [packages.added.total, 'added'],
      [packages.removed.total, 'removed'],
    ]);
    if (changed.length || counts)
      parts.push(
        `packages: ${[...changed, ...(more > 0 ? [`+${more} more`] : [])].join(', ')}${changed.length && counts ? '; ' : ''}${counts}`,
      );
  }
  if (parts.length) return `${parts.join('; ')}.`;
  return packages
    ? 'unchanged (the same interpreters, runner image, OS and package versions).'
    : 'unchanged.';
}

/** One line: training time (or the cache hit that saved it), evaluation and the comparison's own time. */
function costLine(cost: Cost | undefined, links: RenderLinks): string {
  if (!cost) return '';
  const seconds = formatDuration;
  const parts: string[] = [];
  const training = cost.training;
  if (training?.restoredFrom) {
    const { runUrl, restoreSeconds } = training.restoredFrom;
    const run =
      runUrl && isRunOf(links, runUrl) ? ` of ${markdownLink('an earlier run', runUrl)}` : '';
    const took = restoreSeconds !== undefined ? ` in ${seconds(restoreSeconds)}` : '';
    parts.push(
      `training restored from the cache${run}${took}, saving ${seconds(training.seconds)}`,
    );
  } else if (training) parts.push(`training ${seconds(training.seconds)}`);
  if (cost.evaluationSeconds !== undefined)
    parts.push(`evaluation ${seconds(cost.evaluationSeconds)}`);
  parts.push(`comparison ${seconds(cost.comparisonSeconds)}`);
  return `**Cost:** ${parts.join(' · ')}`;
}
