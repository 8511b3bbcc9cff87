/**
 * The monitor issue's body and job summary (shared/monitor/render.ts): status and why first,
 * drifted columns worst first, every name from the data escaped, bounded however wide the data.
 */
import { describe, expect, it } from 'vitest';
import { assessWindow } from '../../shared/monitor/assess.js';
import { driftBetweenColumns, type RawColumn } from '../../shared/monitor/drift.js';
import {
  MONITOR_REPORT_FORMAT,
  monitorReportSchema,
  type MonitorReport,
} from '../../shared/monitor/monitor-report.js';
import { monitorPolicyOf } from '../../shared/monitor/policy.js';
import type { MonitorHistoryEntry } from '../../shared/monitor/monitor-issue.js';
import { renderMonitorReport } from '../../shared/monitor/render.js';

const ramp = (n: number, offset: number) => Array.from({ length: n }, (_, i) => i / n + offset);

function report(columns: Record<string, { offset: number }>): MonitorReport {
  const reference: Record<string, RawColumn> = {};
  const current: Record<string, RawColumn> = {};
  for (const [name, { offset }] of Object.entries(columns)) {
    reference[name] = { type: 'number', values: ramp(500, 0) };
    current[name] = { type: 'number', values: ramp(500, offset) };
  }
  const drift = driftBetweenColumns(reference, current);
  const performance = { source: 'none', reason: 'no task was given' } as const;
  const { status, findings } = assessWindow(
    { drift, predictionDrift: null, performance },
    monitorPolicyOf({}),
  );
  return monitorReportSchema.parse({
    format: MONITOR_REPORT_FORMAT,
    model: 'churn',
    environment: 'production',
    deployed: { version: 'v3' },
    generatedAt: '2026-12-07T06:00:00.000Z',
    runUrl: 'https://github.com/acme/churn/actions/runs/42',
    status,
    findings,
    drift,
    predictionDrift: null,
    performance,
  });
}

describe('the monitor report in Markdown', () => {
  it('opens with the status and why, then the drifted columns worst first', () => {
    const text = renderMonitorReport(
      report({ small: { offset: 0.2 }, large: { offset: 0.6 }, steady: { offset: 0 } }),
      [],
    );
    const lines = text.split('\n');
    expect(lines[0]).toBe('## `churn` in `production`: 🟠 drifting');
    expect(lines[2]).toContain('version `v3`');
    expect(lines[2]).toContain('[the run](https://github.com/acme/churn/actions/runs/42)');
    expect(lines[4]).toMatch(/^- ❌ 2 of 3 features drift .*: "large", "small"\.$/);
    const rows = lines.filter((line) => /^\| (❌|✅) \|/.test(line));
    expect(rows.map((row) => row.split(' | ')[1])).toEqual(['`large`', '`small`', '`steady`']);
    expect(text).toContain('Not measured: no task was given');
  });

  it('escapes names from the data: no markup, no mention, no broken table', () => {
    const hostile = '<img src=x onerror=alert(1)>|@octocat `x`';
    const text = renderMonitorReport(report({ [hostile]: { offset: 0.6 } }), []);
    // Outside code spans (where GitHub shows text as it is), nothing GitHub would read as markup.
    const outsideCode = text.replace(/(`+)[\s\S]*?\1/g, '');
    expect(outsideCode).not.toContain('<img');
    expect(text).not.toContain('@octocat');
    const row = text
      .split('\n')
      .find((line) => line.startsWith('| ❌') && line.includes('onerror'))!;
    // Six cells besides the outer pipes: the name's own pipe is escaped.
    expect(row.split(/(?<!\\)\|/).length - 2).toBe(7);
  });

  it('stays bounded for a wide data set, saying how many columns it leaves to the report', () => {
    const columns = Object.fromEntries(
      Array.from({ length: 300 }, (_, i) => [
        `feature_${i}_${'x'.repeat(100)}`,
        { offset: i % 2 ? 0.6 : 0 },
      ]),
    );
    const text = renderMonitorReport(report(columns), []);
    expect(text.length).toBeLessThan(60_000);
    expect(text).toContain('… 260 more steady columns in the report.');
    expect(text).toContain('… and ');
  });

  it('charts the runs it is given, oldest first, once there are two', () => {
    const history: MonitorHistoryEntry[] = [
      {
        at: '2026-12-05T06:00:00.000Z',
        status: 'healthy',
        driftShare: 0,
        metric: { name: 'roc_auc', value: 0.91 },
      },
      {
        at: '2026-12-06T06:00:00.000Z',
        status: 'drifting',
        driftShare: 0.5,
        metric: { name: 'roc_auc', value: 0.88 },
      },
    ];
    const one = renderMonitorReport(report({ a: { offset: 0 } }), history.slice(0, 1));
    expect(one).not.toContain('```mermaid');
    const two = renderMonitorReport(report({ a: { offset: 0 } }), history);
    expect(two).toContain('### Across the last 2 runs');
    expect(two.match(/```mermaid/g)).toHaveLength(2);
    expect(two).toContain('x-axis ["12-05 06:00", "12-06 06:00"]');
    expect(two).toContain('line [0, 0.5]');
    expect(two).toContain('line [0.91, 0.88]');
  });
});
