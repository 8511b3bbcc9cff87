/** The job summaries of promote-model: what the approver and later readers need to see in one place. */
import { format } from '../gates/judge.js';
import { escapeMarkdown, inlineCode, markdownLink, markdownTable } from '../markdown/escape.js';
import { biasCheckText } from '../fleet/bias-check.js';
import { biasCheckOf } from './fairness-record.js';
import { auditRows } from './model-card.js';
import type { PromotionOutcome } from './promote.js';
import type { PromotionRecord } from './promotion-record.js';

export function renderPromotionSummary(outcome: PromotionOutcome): string {
  const { model, version, environment, previous, gates } = outcome;
  const verb = outcome.rollback ? 'rolled back to' : 'promoted to';
  const headline = outcome.rollback
    ? `### ↩️ ${inlineCode(environment)} rolled back to ${escapeMarkdown(model)} ${inlineCode(version)}`
    : `### 🚀 ${escapeMarkdown(model)} ${inlineCode(version)} ${verb} ${inlineCode(environment)}`;
  const facts: string[][] = [
    ['Model files', `all ${outcome.manifest.outputs.length} match the manifest`],
    [
      'Gates',
      `**${gates?.verdict ?? 'not judged'}** against ${previous ? inlineCode(previous.payload.version) : 'no earlier model'}`,
    ],
  ];
  if (outcome.record) facts.push(...auditRows(outcome.record));
  if (outcome.deploymentId !== undefined) facts.push(['Deployment', String(outcome.deploymentId)]);
  if (outcome.deploymentId !== undefined) facts.push(['Data profile', profileRow(outcome)]);
  if (outcome.releaseUrl)
    facts.push([
      'Release',
      // GitHub's URL already encodes the tag's "@" (%40): encoding it again would give %2540.
      markdownLink(escapeMarkdown(`${model}@${version}`), outcome.releaseUrl),
    ]);
  const bias = outcome.record ? biasCheckLine(outcome.record.fairness) : undefined;
  if (bias?.checked) facts.push(['Bias check', bias.text]);
  return [
    headline,
    outcome.record && !outcome.record.approval ? UNBOUND_NOTICE : '',
    bias && !bias.checked ? bias.text : '',
    markdownTable(['Promotion', 'Recorded'], facts),
    metricsTable(outcome, 'Promoted'),
  ]
    .filter(Boolean)
    .join('\n\n');
}

/**
 * The promoted model's bias check in the fleet view's words: "checked for bias on sex:
 * demographic parity ratio 0.93 [0.88, 0.97]", or a warning that it never was.
 */
function biasCheckLine(record: PromotionRecord['fairness']): { checked: boolean; text: string } {
  const text = biasCheckText({ fairness: biasCheckOf(record) });
  if (record) return { checked: true, text: escapeMarkdown(text) };
  return {
    checked: false,
    text: `> [!WARNING]\n> This model was ${text}: its metrics report has no fairness section. Run evaluate-model with \`sensitive-features\` (e.g. \`sex\`, \`age_band\`) and promote that report, so that the production record says which groups it was checked across.`,
  };
}

/** Where the drift reference monitor-model reads is kept, or that there is none. */
function profileRow({ profile }: PromotionOutcome): string {
  if (profile?.asset)
    return `the Release's ${inlineCode('data-profile.json')}, kept with the Release: monitor-model's drift reference`;
  if (profile?.artifact)
    return `artifact ${inlineCode(profile.artifact.name)} of this run, kept for the repository's artifact retention (90 days by default): monitor-model's drift reference`;
  return `**none**: no data profile, so monitor-model will need ${inlineCode('reference')}; promote with ${inlineCode('profile')} to publish one`;
}

/** Said in the summary of a promotion that was not given the digest its reviewers approved. */
const UNBOUND_NOTICE =
  '> [!NOTE]\n> This approval was not bound to a comparison: promote-model was given no `approved-digest`, so the model in the environment, the candidate or the gate policy could have changed between what a reviewer saw and this promotion. Run promote-model with `dry-run: true` in a job before the approval gate and pass its `comparison-digest` output as `approved-digest`.';

/**
 * The dry run's summary, the page the reviewer opens before approving: what would be promoted,
 * against which model, the verdict, and the digest the promotion after the approval must match.
 */
export function renderApprovalCheck(outcome: PromotionOutcome): string {
  const { model, version, environment, previous, gates } = outcome;
  const headline = `### 🔎 Before approving: ${escapeMarkdown(model)} ${inlineCode(version)} → ${inlineCode(environment)}`;
  if (outcome.alreadyCurrent)
    return [
      headline,
      `${escapeMarkdown(model)} ${inlineCode(version)} is already the model in ${inlineCode(environment)}: the promotion would record nothing.`,
      markdownTable(
        ['Check', 'Before the approval'],
        [['Comparison digest', inlineCode(outcome.comparisonDigest)]],
      ),
    ].join('\n\n');
  const against = previous
    ? `${inlineCode(previous.payload.version)}, the model in ${inlineCode(environment)} now (deployment ${previous.deploymentId}, since ${escapeMarkdown(previous.createdAt)})`
    : `no model: ${inlineCode(environment)} holds none yet`;
  const facts: string[][] = [
    [
      'Promotes',
      `${escapeMarkdown(model)} ${inlineCode(version)} (fingerprint ${inlineCode(outcome.manifest.fingerprint.slice(0, 16))})${outcome.rollback ? ', a rollback' : ''}`,
    ],
    ['Against', against],
    ['Verdict', `**${gates?.verdict ?? 'not judged'}**`],
    ['Model files', `all ${outcome.manifest.outputs.length} match the manifest`],
    ['Comparison digest', inlineCode(outcome.comparisonDigest)],
  ];
  return [
    headline,
    `Nothing was recorded. The promotion after your approval judges again and refuses unless its comparison digest is this one, so approve only if this is what you mean to promote.`,
    markdownTable(['Check', 'Before the approval'], facts),
    metricsTable(outcome, 'Candidate'),
  ]
    .filter(Boolean)
    .join('\n\n');
}

/** Each gated metric: the value in the environment, the candidate's, the rule and its status. */
function metricsTable(outcome: PromotionOutcome, candidateHeader: string): string {
  const { environment, previous, gates } = outcome;
  const rows = (gates?.metrics ?? []).map((m) => [
    inlineCode(m.name),
    m.baseline === undefined ? '—' : format(m.baseline),
    m.candidate === undefined ? '—' : format(m.candidate),
    m.rule ? escapeMarkdown(m.rule) : '',
    m.status,
  ]);
  if (!rows.length) return '';
  return markdownTable(
    [
      'Metric',
      previous
        ? `In ${escapeMarkdown(environment)} (${escapeMarkdown(previous.payload.version)})`
        : 'Before',
      candidateHeader,
      'Rule',
      'Status',
    ],
    rows,
  );
}
