/**
 * The lineage manifests compare-metrics reads for "What changed" (`manifest`, and
 * `baseline-manifest` in the workspace) come from a pull request's run: config keys and values,
 * data paths and package names full of Markdown, HTML and mentions must reach the comment as
 * literal text; a raw secret a manifest still holds must never be shown; an oversized record
 * is refused where it enters.
 */
import type { HostileCase } from '../case.js';
import { validManifest } from '../../shared/manifest-template.js';

const markup = '<img src=x onerror=alert(1)> **bold** @octocat [link](https://example.com) | pipe';

function manifests(
  candidateValues: Record<string, string>,
  extra: Partial<ReturnType<typeof validManifest>> = {},
): Record<string, string> {
  const base = validManifest();
  const production = {
    ...base,
    config: { ...base.config, values: { 'model.max_depth': '6' } },
    runtime: { python: { version: '3.11', packages: [{ name: 'numpy', version: '1.0' }] } },
  };
  const candidate = {
    ...base,
    fingerprint: 'c'.repeat(64),
    model: { name: 'churn', version: 'cccccccccccc' },
    config: { ...base.config, values: candidateValues },
    // A data path is confined by the manifest's schema, not by an alphabet: markup passes.
    data: [{ path: 'data/<b>x</b> @octocat | y.csv', sha256: 'b'.repeat(64) }],
    runtime: { python: { version: markup, packages: [{ name: markup, version: markup }] } },
    ...extra,
  };
  return {
    'metrics.json': '{"accuracy": 0.9}',
    'baseline.json': '{"accuracy": 0.88}',
    'gates.yaml': 'metrics:\n  accuracy: {direction: higher}\n',
    'candidate.json': JSON.stringify(candidate),
    'production.json': JSON.stringify(production),
  };
}

const inputs = {
  'model-name': 'churn',
  metrics: '{dir}/metrics.json',
  baseline: '{dir}/baseline.json',
  gates: '{dir}/gates.yaml',
  'gates-from': 'workspace',
  history: '0',
  manifest: '{dir}/candidate.json',
  'baseline-manifest': '{dir}/production.json',
};

export const cases: HostileCase[] = [
  {
    id: 'cc-config-markup',
    action: 'compare-metrics',
    files: manifests({ [`model.${markup}`]: markup }),
    inputs,
    expect: {
      rendered: {
        // The key's markup follows `model.` inside its code span; anywhere else it would be raw.
        raw: /(^|[^`.])<img src=x|@octocat(?!\u200B)/m,
        shown: /`model\.<img src=x onerror=alert\(1\)> \*\*bold\*\* @\u200Boctocat/,
      },
    },
  },
  {
    id: 'cc-config-raw-secret',
    action: 'compare-metrics',
    files: manifests({
      'db.password': '"hunter2"',
      'storage.url': '"postgres://me:s3cret@db/x"',
      'model.max_depth': '"ghp_0123456789abcdefghij"',
    }),
    inputs,
    expect: { rendered: { raw: /hunter2|s3cret|ghp_0123/, shown: /`\(hidden\)`/ } },
  },
  {
    id: 'cc-config-too-many-keys',
    action: 'compare-metrics',
    files: manifests(Object.fromEntries(Array.from({ length: 2001 }, (_, i) => [`k${i}`, '1']))),
    inputs,
    expect: { error: /manifest.*"config\.values" \(line 1\): must hold at most 2000 keys/ },
  },
  {
    id: 'cc-config-long-value',
    action: 'compare-metrics',
    files: manifests({ 'model.max_depth': 'x'.repeat(201) }),
    inputs,
    expect: { error: /manifest.*"config\.values\.model\.max_depth"/ },
  },
];
