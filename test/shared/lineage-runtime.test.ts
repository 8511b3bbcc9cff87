/**
 * The comparison's lineage section shows what each model was trained on (lineage/runtime.ts)
 * and marks what differs from the production model's; the baseline's comes from its deployment
 * payload, which promote-model writes from the manifest.
 */
import { describe, expect, it } from 'vitest';
import {
  comparisonDocumentSchema,
  type ComparisonDocument,
} from '../../shared/comparison/document.js';
import { renderComparison } from '../../shared/comparison/render.js';
import { evaluateGates } from '../../shared/gates/judge.js';
import { gatePolicySchema } from '../../shared/gates/policy.js';
import { summariseRuntime, type Runtime } from '../../shared/lineage/runtime.js';
import {
  currentAndPrevious,
  DEPLOYMENT_PAYLOAD_FORMAT,
  type DeploymentPayload,
} from '../../shared/registry/github-registry.js';
import { recordPromotion } from '../../shared/registry/record-deployment.js';
import { FakeGitHub } from '../fakes/github-port.js';
import { recordingRunner } from '../helpers/recording-runner.js';

const trainedOn = (python: string, sklearn: string, image = '20250105.1.0'): Runtime => ({
  python: {
    version: python,
    packages: [
      { name: 'numpy', version: '1.26.4' },
      { name: 'scikit-learn', version: sklearn },
    ],
  },
  image: { os: 'ubuntu24', version: image },
  osRelease: { prettyName: 'Ubuntu 24.04.1 LTS' },
});

function documentWith(candidate?: Runtime, baseline?: Runtime): ComparisonDocument {
  const metrics = { accuracy: 0.8 };
  const result = evaluateGates(metrics, metrics, gatePolicySchema.parse({}));
  return comparisonDocumentSchema.parse({
    format: 'mlops-actions/comparison@1',
    model: 'churn',
    verdict: result.verdict,
    candidate: { source: 'm.json' },
    baseline: { source: 'b.json' },
    baselineSource: { kind: 'file', path: 'b.json' },
    notLikeForLike: false,
    gates: null,
    metrics: result.metrics,
    slices: result.slices,
    lineage: {
      candidate: { version: 'aaaaaaaaaaaa', runtime: summariseRuntime(candidate) },
      baseline: { version: 'bbbbbbbbbbbb', runtime: summariseRuntime(baseline) },
    },
  });
}

const lineageRows = (document: ComparisonDocument) =>
  renderComparison(document, { serverUrl: 'https://github.com' })
    .split('\n')
    .filter((line) => /^\| (Python|R|Python packages|Runner image|OS) \|/.test(line));

describe('lineage: the training runtime', () => {
  it('marks each part that differs from the production model, and only those', () => {
    const rows = lineageRows(
      documentWith(trainedOn('3.12.1', '1.5.0', '20250201.1.0'), trainedOn('3.11.7', '1.4.2')),
    );
    expect(rows).toEqual([
      '| Python | `3.12.1` ⚠️ differs | `3.11.7` |',
      expect.stringMatching(
        /^\| Python packages \| 2 \(`[0-9a-f]{12}`\) ⚠️ differs \| 2 \(`[0-9a-f]{12}`\) \|$/,
      ),
      '| Runner image | `ubuntu24 20250201.1.0` ⚠️ differs | `ubuntu24 20250105.1.0` |',
      '| OS | `Ubuntu 24.04.1 LTS` | `Ubuntu 24.04.1 LTS` |',
    ]);
    const same = lineageRows(
      documentWith(trainedOn('3.11.7', '1.4.2'), trainedOn('3.11.7', '1.4.2')),
    );
    expect(same.join('\n')).not.toContain('differs');
    expect(same).toHaveLength(4);
  });

  it('shows the candidate alone when the production model predates the record, without a "differs"', () => {
    const rows = lineageRows(documentWith(trainedOn('3.11.7', '1.4.2')));
    expect(rows[0]).toBe('| Python | `3.11.7` | — |');
    expect(rows.join('\n')).not.toContain('differs');
    expect(lineageRows(documentWith())).toEqual([]);
  });

  it('renders a hostile version string inert', () => {
    const hostile = trainedOn('3.11 | <img src=x> `', '1');
    const row = lineageRows(documentWith(hostile))[0]!;
    // Inside a code span, HTML is shown, not rendered; the "|" is escaped so the table holds.
    expect(row).toMatch(/^\| Python \| (`+) .*<img src=x>.* \1 \| — \|$/);
    expect(row.split(/(?<!\\)\|/)).toHaveLength(5);
  });
});

describe("the production model's runtime, from its deployment payload", () => {
  const payload = (version: string, runtime: unknown): DeploymentPayload =>
    ({
      format: DEPLOYMENT_PAYLOAD_FORMAT,
      model: 'churn',
      version,
      fingerprint: 'f'.repeat(64),
      metricsDigest: 'd',
      metrics: { accuracy: 0.8 },
      runtime,
    }) as DeploymentPayload;

  it('is read back as promote-model wrote it; a malformed one is dropped, not the deployment', async () => {
    const github = new FakeGitHub();
    const log = recordingRunner();
    const summary = summariseRuntime(trainedOn('3.11.7', '1.4.2'));
    const sha = 'a'.repeat(40);
    await recordPromotion(github.port(), {
      environment: 'production',
      sha,
      payload: payload('v1', summary),
      log,
    });
    expect(
      (await currentAndPrevious(github.port(), 'churn', 'production')).current?.payload.runtime,
    ).toEqual(summary);
    await recordPromotion(github.port(), {
      environment: 'production',
      sha,
      payload: payload('v2', { python: 42, packages: 'many' }),
      log,
    });
    const { current } = await currentAndPrevious(github.port(), 'churn', 'production');
    expect(current?.payload.version).toBe('v2');
    expect(current?.payload.runtime).toBeUndefined();
  });
});
