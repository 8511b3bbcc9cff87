/**
 * The monitor report, `mlops-actions/monitor-report@1`: what one monitor-model run found about a
 * model in an environment. It holds the drift reports whole (`drift-report@1`), the quality
 * findings, the performance (measured with labels, or estimated from scores) judged by the gate
 * policy, the status, and what the run did on GitHub (the issue, the retraining dispatch).
 * Field meanings are in docs/monitoring.md; renaming or removing a field is a new version.
 */
import { z } from 'zod';
import { fairnessReportSchema } from '../metrics/fairness-report.js';
import { driftReport } from './report.js';

export const MONITOR_REPORT_FORMAT = 'mlops-actions/monitor-report@1';

export const MONITOR_STATUSES = ['healthy', 'drifting', 'degraded'] as const;
export type MonitorStatus = (typeof MONITOR_STATUSES)[number];

const FINDING_KINDS = [
  'data-drift',
  'prediction-drift',
  'data-quality',
  'validation',
  'performance',
  'estimated-performance',
  'fairness',
] as const;

const finding = z.object({
  kind: z.enum(FINDING_KINDS),
  level: z.enum(['fail', 'warn', 'info']),
  /** One sentence; names in it are as the data wrote them (escape before rendering). */
  message: z.string(),
  feature: z.string().optional(),
});
export type MonitorFinding = z.infer<typeof finding>;

const judgedMetric = z.object({
  name: z.string(),
  value: z.number().optional(),
  ci: z.tuple([z.number(), z.number()]).optional(),
  baseline: z.number().optional(),
  status: z.string(),
  rule: z.string().optional(),
  reasons: z.array(z.string()),
});
export type JudgedMetric = z.infer<typeof judgedMetric>;

const performance = z.discriminatedUnion('source', [
  z.object({
    source: z.literal('labels'),
    rows: z.number().int().min(0),
    verdict: z.string(),
    metrics: z.array(judgedMetric),
  }),
  z.object({
    source: z.literal('estimate'),
    method: z.literal('cbpe'),
    calibrated: z.boolean(),
    rows: z.number().int().min(0),
    confidence: z.number(),
    verdict: z.string(),
    metrics: z.array(judgedMetric),
  }),
  z.object({ source: z.literal('none'), reason: z.string() }),
]);
export type MonitorPerformance = z.infer<typeof performance>;

/**
 * Selection-rate parity on the window (fairness.ts), per attribute in the metrics report's
 * shape: each group's rows and selection rate, demographic_parity_difference and _ratio.
 */
const fairness = z.object({
  minRatio: z.number(),
  maxDifference: z.number().optional(),
  minGroupSize: z.number().int(),
  /** The rows with a prediction the measures were taken on. */
  rows: z.number().int().min(0).optional(),
  /** Why nothing was measured (a window of profiles, a column the window lacks). */
  reason: z.string().optional(),
  attributes: fairnessReportSchema,
});
export type MonitorFairness = z.infer<typeof fairness>;

export const monitorReportSchema = z.object({
  format: z.literal(MONITOR_REPORT_FORMAT),
  model: z.string(),
  environment: z.string(),
  /** The model in the environment the window was served by (absent with a reference file and no registry). */
  deployed: z
    .object({
      version: z.string(),
      deploymentId: z.number().optional(),
      since: z.string().optional(),
    })
    .optional(),
  generatedAt: z.string(),
  runUrl: z.string().optional(),
  status: z.enum(MONITOR_STATUSES),
  /** Worst first: fail, warn, info. */
  findings: z.array(finding),
  drift: driftReport,
  predictionDrift: driftReport.nullable(),
  validation: z
    .object({ errors: z.number().int(), warnings: z.number().int(), report: z.string() })
    .optional(),
  performance,
  /** Present when the policy's monitor.fairness names attributes. */
  fairness: fairness.optional(),
  issue: z
    .object({ action: z.string(), url: z.string().optional(), number: z.number().optional() })
    .optional(),
  retrain: z
    .object({ workflow: z.string(), dispatched: z.boolean(), reason: z.string() })
    .optional(),
});
export type MonitorReport = z.infer<typeof monitorReportSchema>;
