/** The model card a production release carries: what the model is, how it did, where it came from. */
import { readFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import { parseStructured } from '../files/structured.js';
import type { GateResult } from '../gates/judge.js';
import { format } from '../gates/judge.js';
import type { Manifest } from '../lineage/manifest.js';
import { escapeMarkdown, inlineCode, markdownTable } from '../markdown/escape.js';
import { renderFairnessSummary } from '../metrics/fairness-summary.js';
import type { LoadedMetrics } from '../metrics/report.js';
import { biasCheckText } from '../fleet/bias-check.js';
import { biasCheckOf } from './fairness-record.js';
import type { DataProfile } from '../profile/profile.js';
import { describeApprovals } from './approvals.js';
import type { PromotionRecord } from './promotion-record.js';

export function renderModelCard(args: {
  manifest: Manifest;
  metrics: LoadedMetrics;
  gates: GateResult;
  environment: string;
  intendedUse?: string;
  baselineVersion?: string;
  record: PromotionRecord;
  /** The profile of the training data (validate-data's `profile` output), when given. */
  profile?: DataProfile;
}): string {
  const { manifest, metrics } = args;
  const metricRows = Object.entries(metrics.metrics).map(([name, metric]) => [
    inlineCode(name),
    format(metric.value),
    metric.ci ? `[${format(metric.ci[0])}, ${format(metric.ci[1])}]` : '—',
    metric.n === undefined ? '—' : String(metric.n),
  ]);
  const lineage = [
    ['Fingerprint', inlineCode(manifest.fingerprint)],
    ['Owner', describeOwner(manifest.owner)],
    ['Commit', manifest.git.sha ? inlineCode(manifest.git.sha) : '—'],
    ['Trained by', manifest.git.runUrl ? `[workflow run](${encodeURI(manifest.git.runUrl)})` : '—'],
    [
      'Config',
      `${inlineCode(manifest.config.path)} (sha256 ${inlineCode(manifest.config.sha256.slice(0, 16))})`,
    ],
    ['Command', inlineCode(manifest.command)],
    ['Seed', String(manifest.seed)],
    [
      'Evaluation data',
      metrics.evaluationSha256
        ? `sha256 of labels ${inlineCode(metrics.evaluationSha256.slice(0, 16))}`
        : '—',
    ],
  ];
  return (
    [
      `# Model card: ${escapeMarkdown(manifest.model.name)} ${inlineCode(manifest.model.version)}`,
      `Promoted to ${inlineCode(args.environment)}; gates: **${args.gates.verdict}**${args.baselineVersion ? ` against ${inlineCode(args.baselineVersion)}` : ''}.`,
      promotionSection(args.record),
      args.intendedUse ? `## Intended use\n\n${escapeMarkdown(args.intendedUse)}` : '',
      `## Metrics\n\n${markdownTable(['Metric', 'Value', 'Confidence interval', 'n'], metricRows)}`,
      slicesSection(metrics),
      biasSection(metrics, args.record),
      `## Data\n\n${
        manifest.data.length
          ? markdownTable(
              ['File', 'sha256'],
              manifest.data.map((d) => [inlineCode(d.path), inlineCode(d.sha256.slice(0, 16))]),
            )
          : 'The manifest records no data files (train-model was given no `data`).'
      }`,
      args.profile ? profileSection(args.profile) : '',
      `## Files\n\n${markdownTable(
        ['File', 'Bytes', 'sha256'],
        manifest.outputs.map((o) => [
          inlineCode(o.path),
          String(o.bytes ?? ''),
          inlineCode(o.sha256),
        ]),
      )}`,
      `## Lineage\n\n${markdownTable(['Input', 'Recorded'], lineage)}`,
    ]
      .filter(Boolean)
      .join('\n\n') + '\n'
  );
}

/** The owner's handles, and where they came from (train-model's input or a CODEOWNERS rule). */
function describeOwner(owner: Manifest['owner']): string {
  if (!owner) return '— (none recorded: no `owner` input and no CODEOWNERS rule)';
  const handles = owner.handles.map((handle) => escapeMarkdown(handle)).join(', ');
  const from =
    owner.source === 'input'
      ? 'train-model input `owner`'
      : `${inlineCode(owner.file ?? 'CODEOWNERS')}${owner.line ? ` line ${owner.line}` : ''}`;
  return `${handles} (from ${from})`;
}

/** How many metric columns the slice table shows: a card is read, not searched. */
const SLICE_METRICS = 5;

/** Per-slice values of the model's headline metrics, worst first by the first of them. */
function slicesSection(metrics: LoadedMetrics): string {
  const slices = Object.entries(metrics.slices ?? {});
  if (!slices.length) return '';
  const names = Object.keys(metrics.metrics)
    .filter((name) => slices.some(([, values]) => values[name] !== undefined))
    .slice(0, SLICE_METRICS);
  if (!names.length) return '';
  const first = names[0]!;
  slices.sort(([, a], [, b]) => (a[first]?.value ?? Infinity) - (b[first]?.value ?? Infinity));
  const cell = (entry: LoadedMetrics['metrics'][string] | undefined) =>
    entry
      ? `${format(entry.value)}${entry.ci ? ` [${format(entry.ci[0])}, ${format(entry.ci[1])}]` : ''}`
      : '—';
  const rows = slices.map(([slice, values]) => [
    inlineCode(slice),
    String(Object.values(values).find((v) => v.n !== undefined)?.n ?? '—'),
    ...names.map((name) => cell(values[name])),
  ]);
  return `## Slices\n\n${markdownTable(['Slice', 'n', ...names.map(inlineCode)], rows)}`;
}

/**
 * The bias check, as the production Release publishes it: the recorded measures in one line,
 * then per attribute the groups' counts and rates and the measures with their intervals, as
 * evaluate-model's summary shows them (fairness-summary.ts): group names, counts and rates,
 * never rows, the groups under min-group-size merged into one line. A model promoted without a
 * fairness evaluation says so.
 */
function biasSection(metrics: LoadedMetrics, record: PromotionRecord): string {
  const check = escapeMarkdown(biasCheckText({ fairness: biasCheckOf(record.fairness) }));
  if (!metrics.fairness || !record.fairness)
    return `## Bias across groups\n\n**${check}**: the metrics report promoted has no fairness section (evaluate-model's \`sensitive-features\`).`;
  const fingerprint = `sha256 of labels ${inlineCode(record.fairness.dataSha256.slice(0, 16))}`;
  const tables = renderFairnessSummary(metrics.fairness, 'Interval').replace(
    /^#### Fairness\n\n/,
    '',
  );
  return `## Bias across groups\n\n${check}.\n\nOn the evaluation data (${fingerprint}); groups under ${record.fairness.minGroupSize} rows are merged into one line and left out of the measures. The full table is in the Release's metrics report.\n\n${tables}`;
}

/** The training data as validate-data profiled it: how much, how complete, what range. */
function profileSection(profile: DataProfile): string {
  const percent = (part: number, whole: number) =>
    whole ? `${Number(((part / whole) * 100).toPrecision(3))}%` : '—';
  const number = (value: number | null | undefined) =>
    value === null || value === undefined ? '—' : format(value);
  const rows = profile.columns.map((column) => [
    inlineCode(column.name),
    escapeMarkdown(column.type),
    percent(column.nulls, column.count),
    column.distinct === undefined ? '—' : `${column.distinctExact ? '' : '≈'}${column.distinct}`,
    number(column.min),
    number(column.mean),
    number(column.max),
  ]);
  const sources = profile.sources
    .map((source) => `${inlineCode(source.path)} (${source.rows} rows)`)
    .join(', ');
  return `## Data profile\n\n${profile.rows} rows from ${sources || 'the profiled files'}.\n\n${markdownTable(['Column', 'Type', 'Nulls', 'Distinct', 'Min', 'Mean', 'Max'], rows)}`;
}

/** Who let the model through and on which judgement: the audit trail a reader of the release needs. */
function promotionSection(record: PromotionRecord): string {
  const promoted = [
    'Promoted',
    `${record.promotedAt.slice(0, 10)} by ${record.actor ? escapeMarkdown(record.actor) : 'unknown'}${record.runUrl ? ` ([workflow run](${encodeURI(record.runUrl)}))` : ''}`,
  ];
  return `## Promotion\n\n${markdownTable(['Step', 'Recorded'], [promoted, ...auditRows(record)])}`;
}

/** The rows of a promotion's audit trail, the same in the model card and the job summary. */
export function auditRows(record: PromotionRecord): string[][] {
  const rows = [
    ['Approved by', escapeMarkdown(describeApprovals(record.approvals))],
    ['Comparison digest', inlineCode(record.comparisonDigest)],
    [
      'Approved comparison',
      record.approval
        ? `the digest the reviewers approved before the gate, recomputed unchanged at ${escapeMarkdown(record.approval.at)}`
        : 'not bound: promote-model was given no `approved-digest`',
    ],
  ];
  if (record.rollback)
    rows.push([
      'Rollback',
      `from ${record.rollback.from ? inlineCode(record.rollback.from) : 'no model'}: ${escapeMarkdown(record.rollback.reason)}`,
    ]);
  if (record.overrideReason) rows.push(['Gates overridden', escapeMarkdown(record.overrideReason)]);
  return rows;
}

/** The config's `intended_use` (or `description`), for the model card, when the config is at hand. */
export async function intendedUseFromConfig(
  configPath: string,
  cwd: string,
): Promise<string | undefined> {
  try {
    const config = await parseStructured(
      await readFile(resolve(cwd, configPath), 'utf8'),
      configPath,
      'config file',
    );
    const value =
      config && typeof config === 'object'
        ? ((config as Record<string, unknown>).intended_use ??
          (config as Record<string, unknown>).description)
        : undefined;
    return typeof value === 'string' ? value : undefined;
  } catch {
    return undefined;
  }
}
