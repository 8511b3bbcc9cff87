/**
 * Identifiers a pull request could choose, and manifests it could write: versions, environment
 * and artifact names outside their alphabets (shell syntax, paths, control characters, length),
 * manifests and metrics reports whose model name or version is hostile, and manifests whose
 * paths lead out of the working directory (absolute, `..`, backslashes, NUL, symbolic links).
 * Each is refused before anything is recorded, naming the input, or the file and field, the
 * rule and the value, quoted and escaped.
 */
import { createHash } from 'node:crypto';
import type { HostileCase } from '../case.js';

const MODEL_BYTES = '{"weights": [1, 2, 3]}\n';
const modelSha = createHash('sha256').update(MODEL_BYTES).digest('hex');
const VERSION = 'aaaaaaaaaaaa';

/** A manifest that satisfies the schema, its one model file at `hostile/<id>/model.bin`; `change` makes it hostile. */
function manifest(id: string, change: (m: Record<string, any>) => void = () => {}): string {
  const sha = 'a'.repeat(64);
  const m: Record<string, any> = {
    format: 'mlops-actions/model-manifest@1',
    model: { name: 'churn', version: VERSION },
    fingerprint: sha,
    config: { path: 'examples/churn/config.json', sha256: sha, canonicalSha256: sha },
    data: [{ path: 'data/train.csv', sha256: sha }],
    code: { source: 'git', sha256: sha, files: 1 },
    lockFiles: [],
    command: 'node examples/churn/train.mjs',
    seed: 42,
    workingDirectory: '.',
    outputs: [{ path: `hostile/${id}/model.bin`, sha256: modelSha, bytes: MODEL_BYTES.length }],
    runner: { os: 'Linux', arch: 'x64', node: 'v24.0.0' },
    git: { sha: 'ec26c3e57ca3a959ca5aad62de7213c562f8c821' },
    training: { startedAt: '2026-01-01T00:00:00.000Z', durationSeconds: 1 },
  };
  change(m);
  return JSON.stringify(m, null, 2);
}

function metricsReport(change: (r: Record<string, any>) => void = () => {}): string {
  const report: Record<string, any> = {
    format: 'mlops-actions/metrics-report@1',
    model: 'churn',
    version: VERSION,
    metrics: { accuracy: { value: 0.9, n: 100 } },
  };
  change(report);
  return JSON.stringify(report, null, 2);
}

const escape = (text: string) => text.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&');
const VERSION_RULE = escape(
  'must start and end with a letter or digit and use only letters, digits, ".", "_" and "-", without ".." and not ending in ".lock" (at most 64 characters); got ',
);
const ENVIRONMENT_RULE = escape(
  'must start with a letter or digit and use only letters, digits, ".", "_" and "-" (at most 100 characters; spaces and "/" are not allowed); got ',
);
const NAME_RULE = escape(
  'must start with a letter or digit and use only letters, digits, ".", "_" and "-", without ".." (at most 100 characters); got ',
);
const PATH_RULE = escape(
  'must be a relative path inside the working directory, with "/" separators, but ',
);

/** promote-model with a valid manifest and metrics report, and the given inputs over them. */
function promoteInput(id: string, inputs: Record<string, string>, error: RegExp): HostileCase {
  return {
    id,
    action: 'promote-model',
    files: {
      'manifest.json': manifest(id),
      'metrics.json': metricsReport(),
      'model.bin': MODEL_BYTES,
    },
    inputs: {
      'model-name': 'churn',
      environment: 'staging',
      manifest: '{dir}/manifest.json',
      metrics: '{dir}/metrics.json',
      ...inputs,
    },
    expect: { error },
  };
}

const versionInput = (id: string, version: string, shown: string) =>
  promoteInput(id, { version }, new RegExp(`input "version" ${VERSION_RULE}${escape(shown)}`));
const environmentInput = (id: string, environment: string, shown: string) =>
  promoteInput(
    id,
    { environment },
    new RegExp(`input "environment" ${ENVIRONMENT_RULE}${escape(shown)}`),
  );

/** promote-model with a manifest made hostile by `change`; the error names the manifest and the field. */
function promoteManifest(
  id: string,
  change: (m: Record<string, any>) => void,
  field: string,
  rest: string,
  files: HostileCase['files'] = {},
): HostileCase {
  return {
    id,
    action: 'promote-model',
    files: {
      'manifest.json': manifest(id, change),
      'metrics.json': metricsReport(),
      'model.bin': MODEL_BYTES,
      ...files,
    },
    inputs: {
      'model-name': 'churn',
      environment: 'production',
      manifest: '{dir}/manifest.json',
      metrics: '{dir}/metrics.json',
    },
    expect: {
      error: new RegExp(
        `The manifest "hostile/${id}/manifest\\.json" is not valid: "${escape(field)}" \\(line \\d+\\): ${rest}`,
      ),
    },
  };
}

/** promote-model with a valid manifest whose model file is `link`: refused naming the manifest, the field and the path. */
function promoteLinkedOutput(
  id: string,
  outputPath: string,
  files: HostileCase['files'],
  problem: string,
): HostileCase {
  return {
    id,
    action: 'promote-model',
    files: {
      'manifest.json': manifest(id, (m) => (m.outputs[0].path = `hostile/${id}/${outputPath}`)),
      'metrics.json': metricsReport(),
      ...files,
    },
    inputs: {
      'model-name': 'churn',
      environment: 'production',
      manifest: '{dir}/manifest.json',
      metrics: '{dir}/metrics.json',
    },
    expect: {
      error: new RegExp(
        `The manifest "hostile/${id}/manifest\\.json" lists "hostile/${id}/${escape(outputPath)}" in "outputs\\[0\\]\\.path", which ${problem}`,
      ),
    },
  };
}

/** promote-model with a valid manifest and a metrics report made hostile by `change`. */
function promoteMetrics(
  id: string,
  change: (r: Record<string, any>) => void,
  field: string,
  rest: string,
): HostileCase {
  return {
    id,
    action: 'promote-model',
    files: {
      'manifest.json': manifest(id),
      'metrics.json': metricsReport(change),
      'model.bin': MODEL_BYTES,
    },
    inputs: {
      'model-name': 'churn',
      environment: 'staging',
      manifest: '{dir}/manifest.json',
      metrics: '{dir}/metrics.json',
    },
    expect: {
      error: new RegExp(
        `The metrics file "hostile/${id}/metrics\\.json" is not valid: "${field}" \\(line \\d+\\): ${rest}`,
      ),
    },
  };
}

const compare = (
  id: string,
  inputs: Record<string, string>,
  error: RegExp,
  files: HostileCase['files'] = { 'metrics.json': '{"accuracy": 0.9}' },
): HostileCase => ({
  id,
  action: 'compare-metrics',
  files,
  inputs: { 'model-name': 'churn', metrics: '{dir}/metrics.json', comment: 'false', ...inputs },
  expect: { error },
});

export const cases: HostileCase[] = [
  // promote-model's version input: it becomes a tag, a deployment and the "version" output.
  versionInput('id-version-dotdot', '../../x', '"../../x"'),
  versionInput('id-version-subshell', '$(id)', '"$(id)"'),
  versionInput('id-version-backtick', '`id`', '"`id`"'),
  versionInput('id-version-space', 'a b', '"a b"'),
  versionInput(
    'id-version-newline',
    '1\n::set-output name=version::pwned',
    '"1\\n::set-output name=version::pwned"',
  ),
  versionInput('id-version-long', '7'.repeat(300), `"${'7'.repeat(60)}"… (300 characters)`),
  versionInput('id-version-rm', 'v1;rm -rf /', '"v1;rm -rf /"'),
  versionInput('id-version-tag-lock', '1.lock', '"1.lock"'),
  versionInput('id-version-bidi', 'v1\u202eexe.sh', '"v1\\u202eexe.sh"'),
  // The environment: a deployment, a URL, a file name and a GitHub environment.
  environmentInput('id-env-space', 'prod uction', '"prod uction"'),
  environmentInput('id-env-slash', '../production', '"../production"'),
  environmentInput('id-env-subshell', 'staging$(id)', '"staging$(id)"'),
  environmentInput('id-env-newline', 'staging\n::error::forged', '"staging\\n::error::forged"'),
  environmentInput('id-env-long', 'e'.repeat(101), `"${'e'.repeat(60)}"… (101 characters)`),
  promoteInput(
    'id-artifact-hostile',
    { manifest: '', metrics: '', artifact: 'model-churn-$(id)' },
    new RegExp(
      `input "artifact" must start with a letter or digit and use only letters, digits, "\\.", "_" and "-" \\(at most 200 characters\\); got "model-churn-\\$\\(id\\)"`,
    ),
  ),

  // The manifest's identifiers.
  promoteManifest(
    'id-manifest-version-subshell',
    (m) => (m.model.version = '$(curl evil.example)'),
    'model.version',
    `${VERSION_RULE}"\\$\\(curl evil\\.example\\)"`,
  ),
  promoteManifest(
    'id-manifest-version-dotdot',
    (m) => (m.model.version = '../../x'),
    'model.version',
    `${VERSION_RULE}"\\.\\./\\.\\./x"`,
  ),
  promoteManifest(
    'id-manifest-version-newline',
    (m) => (m.model.version = 'a\nb'),
    'model.version',
    `${VERSION_RULE}"a\\\\nb"`,
  ),
  promoteManifest(
    'id-manifest-name',
    (m) => (m.model.name = 'churn;id'),
    'model.name',
    `${NAME_RULE}"churn;id"`,
  ),

  // The manifest's paths.
  promoteManifest(
    'id-output-absolute',
    (m) => (m.outputs[0].path = '/etc/passwd'),
    'outputs[0].path',
    `${PATH_RULE}it is absolute; got "/etc/passwd"`,
  ),
  promoteManifest(
    'id-output-dotdot',
    (m) => (m.outputs[0].path = '../outside/secret.txt'),
    'outputs[0].path',
    `${PATH_RULE}it has a "\\.\\." segment; got "\\.\\./outside/secret\\.txt"`,
  ),
  promoteManifest(
    'id-output-inner-dotdot',
    (m) => (m.outputs[0].path = 'model/../../outside/secret.txt'),
    'outputs[0].path',
    `${PATH_RULE}it has a "\\.\\." segment`,
  ),
  promoteManifest(
    'id-output-backslash',
    (m) => (m.outputs[0].path = 'model\\..\\..\\secret.txt'),
    'outputs[0].path',
    `${PATH_RULE}it holds a "\\\\"`,
  ),
  promoteManifest(
    'id-output-nul',
    (m) => (m.outputs[0].path = 'model.bin\u0000.txt'),
    'outputs[0].path',
    `${PATH_RULE}it holds a control character; got "model\\.bin\\\\u0000\\.txt"`,
  ),
  promoteManifest(
    'id-output-empty-segment',
    (m) => (m.outputs[0].path = 'model//x.bin'),
    'outputs[0].path',
    `${PATH_RULE}it has an empty segment`,
  ),
  promoteManifest(
    'id-output-twice',
    (m) => m.outputs.push({ ...m.outputs[0] }),
    'outputs[1].path',
    'lists ".*" a second time \\(also at outputs\\[0\\]\\)',
  ),
  promoteManifest(
    'id-config-dotdot',
    (m) => (m.config.path = '../../etc/shadow'),
    'config.path',
    `${PATH_RULE}it has a "\\.\\." segment`,
  ),
  promoteManifest(
    'id-data-absolute',
    (m) => (m.data[0].path = '/proc/self/environ'),
    'data[0].path',
    'must be a relative path with "/" separators, but it is absolute',
  ),
  promoteLinkedOutput(
    'id-output-link-out',
    'model.bin',
    { 'model.bin': { symlink: '{outside}/secret.txt' } },
    "is outside the model's folder .* \\(through a symbolic link, it leads to .*/outside/secret\\.txt\\)",
  ),
  promoteLinkedOutput(
    'id-output-link-environ',
    'model.bin',
    { 'model.bin': { symlink: '/proc/self/environ' } },
    "is outside the model's folder",
  ),
  promoteLinkedOutput(
    'id-output-linked-folder',
    'models/secret.txt',
    { models: { symlink: '{outside}' } },
    "is outside the model's folder .* \\(through a symbolic link, it leads to .*/outside/secret\\.txt\\)",
  ),
  promoteLinkedOutput(
    'id-output-link-git',
    'model.bin',
    { 'model.bin': { symlink: '{workspace}/.git/config' } },
    'is inside a \\.git folder',
  ),
  promoteLinkedOutput(
    'id-output-dangling',
    'model.bin',
    { 'model.bin': { symlink: '{outside}/not-there.bin' } },
    'is a symbolic link that leads nowhere',
  ),

  // The metrics report's identifiers.
  promoteMetrics(
    'id-metrics-version',
    (r) => (r.version = '$(id)'),
    'version',
    `${VERSION_RULE}"\\$\\(id\\)"`,
  ),
  promoteMetrics(
    'id-metrics-model',
    (r) => (r.model = '../churn'),
    'model',
    `${NAME_RULE}"\\.\\./churn"`,
  ),

  // train-model refuses to write a manifest that promote-model would refuse: a config outside its working directory.
  {
    id: 'id-train-config-outside-workdir',
    action: 'train-model',
    files: { 'config.json': '{"seed": 1}' },
    inputs: {
      'model-name': 'churn',
      'working-directory': 'examples/churn',
      run: 'mkdir -p out && echo 1 > out/m.json',
      config: '../../{dir}/config.json',
      outputs: 'out/m.json',
    },
    expect: {
      error: new RegExp(
        `The manifest train-model writes "model-manifest\\.json" is not valid: "config\\.path": ${PATH_RULE}it has a "\\.\\." segment; got "\\.\\./\\.\\./hostile/id-train-config-outside-workdir/config\\.json"`,
      ),
    },
  },

  // evaluate-model and compare-metrics read the manifest too: its version would go into the metrics report and the comment.
  {
    id: 'id-evaluate-manifest-version',
    action: 'evaluate-model',
    files: {
      'manifest.json': manifest(
        'id-evaluate-manifest-version',
        (m) => (m.model.version = '`curl evil`'),
      ),
      'metrics.json': '{"accuracy": 0.9}',
    },
    inputs: {
      'model-name': 'churn',
      metrics: '{dir}/metrics.json',
      manifest: '{dir}/manifest.json',
    },
    expect: {
      error: new RegExp(
        `The manifest "hostile/id-evaluate-manifest-version/manifest\\.json" is not valid: "model\\.version" \\(line 5\\): ${VERSION_RULE}"\`curl evil\`"`,
      ),
    },
  },
  {
    id: 'id-evaluate-manifest-output',
    action: 'evaluate-model',
    files: {
      'manifest.json': manifest(
        'id-evaluate-manifest-output',
        (m) => (m.outputs[0].path = '/proc/self/environ'),
      ),
      'metrics.json': '{"accuracy": 0.9}',
    },
    inputs: {
      'model-name': 'churn',
      metrics: '{dir}/metrics.json',
      manifest: '{dir}/manifest.json',
    },
    expect: {
      error: new RegExp(
        `"outputs\\[0\\]\\.path" \\(line \\d+\\): ${PATH_RULE}it is absolute; got "/proc/self/environ"`,
      ),
    },
  },
  compare(
    'id-compare-manifest-version',
    { baseline: '{dir}/baseline.json', manifest: '{dir}/manifest.json' },
    new RegExp(
      `The manifest "hostile/id-compare-manifest-version/manifest\\.json" is not valid: "model\\.version" \\(line 5\\): ${VERSION_RULE}"1\\.0;id"`,
    ),
    {
      'metrics.json': '{"accuracy": 0.9}',
      'baseline.json': '{"accuracy": 0.8}',
      'manifest.json': manifest('id-compare-manifest-version', (m) => (m.model.version = '1.0;id')),
    },
  ),

  // compare-metrics: the environment whose model is the baseline, and the candidate report's identifiers.
  compare(
    'id-compare-env-subshell',
    { 'baseline-environment': '$(id)' },
    new RegExp(`input "baseline-environment" ${ENVIRONMENT_RULE}"\\$\\(id\\)"`),
  ),
  compare(
    'id-compare-env-space',
    { 'baseline-environment': 'production; curl evil' },
    new RegExp(`input "baseline-environment" ${ENVIRONMENT_RULE}"production; curl evil"`),
  ),
  compare(
    'id-compare-env-dotdot',
    { 'baseline-environment': '../../x' },
    new RegExp(`input "baseline-environment" ${ENVIRONMENT_RULE}"\\.\\./\\.\\./x"`),
  ),
  compare(
    'id-compare-report-version',
    { baseline: '{dir}/baseline.json' },
    new RegExp(
      `"hostile/id-compare-report-version/metrics\\.json" is not valid: "version" \\(line \\d+\\): ${VERSION_RULE}"v1;rm -rf /"`,
    ),
    {
      'metrics.json': metricsReport((r) => (r.version = 'v1;rm -rf /')),
      'baseline.json': '{"accuracy": 0.8}',
    },
  ),
];
