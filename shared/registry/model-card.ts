/** The model card a production release carries: what the model is, how it did, where it came from. */
import { readFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import { parseStructured } from '../files/structured.js';
import type { GateResult } from '../gates/evaluate.js';
import { format } from '../gates/evaluate.js';
import type { Manifest } from '../lineage/manifest.js';
import { escapeMarkdown, inlineCode, markdownTable } from '../markdown/escape.js';
import type { LoadedMetrics } from '../metrics/report.js';
import { describeApprovals } from './approvals.js';
import type { PromotionRecord } from './promotion.js';

export function renderModelCard(args: {
  manifest: Manifest;
  metrics: LoadedMetrics;
  gates: GateResult;
  environment: string;
  intendedUse?: string;
  baselineVersion?: string;
  record: PromotionRecord;
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
    ['Commit', manifest.git.sha ? inlineCode(manifest.git.sha) : '—'],
    ['Trained by', manifest.git.runUrl ? `[workflow run](${encodeURI(manifest.git.runUrl)})` : '—'],
    ['Config', `${inlineCode(manifest.config.path)} (sha256 ${inlineCode(manifest.config.sha256.slice(0, 16))})`],
    ['Command', inlineCode(manifest.command)],
    ['Seed', String(manifest.seed)],
    ['Evaluation data', metrics.evaluationSha256 ? `sha256 of labels ${inlineCode(metrics.evaluationSha256.slice(0, 16))}` : '—'],
  ];
  return [
    `# Model card: ${escapeMarkdown(manifest.model.name)} ${inlineCode(manifest.model.version)}`,
    `Promoted to ${inlineCode(args.environment)}; gates: **${args.gates.verdict}**${args.baselineVersion ? ` against ${inlineCode(args.baselineVersion)}` : ''}.`,
    promotionSection(args.record),
    args.intendedUse ? `## Intended use\n\n${escapeMarkdown(args.intendedUse)}` : '',
    `## Metrics\n\n${markdownTable(['Metric', 'Value', 'Confidence interval', 'n'], metricRows)}`,
    `## Data\n\n${manifest.data.length ? markdownTable(['File', 'sha256'], manifest.data.map((d) => [inlineCode(d.path), inlineCode(d.sha256.slice(0, 16))])) : 'The manifest records no data files (train-model was given no `data`).'}`,
    `## Files\n\n${markdownTable(['File', 'Bytes', 'sha256'], manifest.outputs.map((o) => [inlineCode(o.path), String(o.bytes ?? ''), inlineCode(o.sha256)]))}`,
    `## Lineage\n\n${markdownTable(['', ''], lineage)}`,
  ]
    .filter(Boolean)
    .join('\n\n') + '\n';
}

/** Who let the model through and on which judgement: the audit trail a reader of the release needs. */
function promotionSection(record: PromotionRecord): string {
  const rows = [
    ['Promoted', `${record.promotedAt.slice(0, 10)} by ${record.actor ? escapeMarkdown(record.actor) : 'unknown'}${record.runUrl ? ` ([workflow run](${encodeURI(record.runUrl)}))` : ''}`],
    ['Approved by', escapeMarkdown(describeApprovals(record.approvals))],
    ['Comparison digest', inlineCode(record.comparisonDigest)],
  ];
  if (record.rollback) rows.push(['Rollback', `from ${record.rollback.from ? inlineCode(record.rollback.from) : 'no model'}: ${escapeMarkdown(record.rollback.reason)}`]);
  if (record.overrideReason) rows.push(['Gates overridden', escapeMarkdown(record.overrideReason)]);
  return `## Promotion\n\n${markdownTable(['', ''], rows)}`;
}

/** The config's `intended_use` (or `description`), for the model card, when the config is at hand. */
export async function intendedUseFromConfig(configPath: string, cwd: string): Promise<string | undefined> {
  try {
    const config = await parseStructured(await readFile(resolve(cwd, configPath), 'utf8'), configPath, 'config file');
    const value = config && typeof config === 'object' ? ((config as Record<string, unknown>).intended_use ?? (config as Record<string, unknown>).description) : undefined;
    return typeof value === 'string' ? value : undefined;
  } catch {
    return undefined;
  }
}
