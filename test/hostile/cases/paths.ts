/**
 * Paths that lead out of the workspace: absolute paths, `../`, symbolic links (absolute,
 * relative, dangling, looping, through a linked folder) to the process environment, a device,
 * the checkout's persisted credentials and files beside the workspace; for reading and for
 * writing, in every action's file inputs and in the command-line entry.
 */
import type { HostileCase } from '../case.js';

const environ = { symlink: '/proc/self/environ' };
const secret = { symlink: '{outside}/secret.txt' };
const gitConfig = { symlink: '{workspace}/.git/config' };
const schema = 'examples/churn/schema.yaml';
const outsideError = (input: string, what: string, path: string) =>
  new RegExp(
    `Input "${input}": the ${what} "${path.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&')}" is outside the workspace`,
  );

const validate = (
  id: string,
  files: HostileCase['files'],
  inputs: Record<string, string>,
  error: RegExp,
): HostileCase => ({
  id,
  action: 'validate-data',
  files,
  inputs: { schema, ...inputs },
  expect: { error },
});
const train = {
  'model-name': 'churn',
  run: 'true',
  config: 'examples/churn/config.json',
  outputs: 'model/model.json',
};
const evaluate = {
  'model-name': 'churn',
  task: 'binary',
  'label-column': 'churned',
  'prediction-column': 'churned',
};
const compare = { 'model-name': 'churn', baseline: 'examples/churn/baseline.json' };
const promote = { 'model-name': 'churn', environment: 'staging' };

export const cases: HostileCase[] = [
  validate(
    'v-environ',
    { 'data.csv': environ },
    { data: '{dir}/data.csv' },
    outsideError('data', 'data file', 'hostile/v-environ/data.csv'),
  ),
  validate(
    'v-link-out',
    { 'data.csv': secret },
    { data: '{dir}/data.csv' },
    /the data file "hostile\/v-link-out\/data.csv" is outside the workspace \(through a symbolic link, it leads to .*secret\.txt\)/,
  ),
  validate(
    'v-relative-link-out',
    { 'data.csv': { symlink: '../../../outside/secret.txt' } },
    { data: '{dir}/data.csv' },
    /the data file "hostile\/v-relative-link-out\/data.csv" is outside the workspace/,
  ),
  validate(
    'v-absolute',
    {},
    { data: '{outside}/secret.txt', format: 'csv' },
    /the data file ".*\/outside\/secret.txt" is outside the workspace/,
  ),
  validate(
    'v-dotdot',
    {},
    { data: '../outside/secret.txt', format: 'csv' },
    outsideError('data', 'data file', '../outside/secret.txt'),
  ),
  // A pattern does not follow links: a link to / or a loop would have it walk the runner's disk.
  validate(
    'v-glob-link-loop',
    {
      'd/x.csv': 'id\n1\n',
      'd/up': { symlink: '..' },
      'd/root': { symlink: '/' },
      'd/out.csv': secret,
    },
    { data: '{dir}/**/*.csv' },
    /hostile\/v-glob-link-loop\/d\/x.csv:1: .*(label|header|field)/i,
  ),
  validate(
    'v-git-config',
    { 'data.csv': gitConfig },
    { data: '{dir}/data.csv' },
    /the data file "hostile\/v-git-config\/data.csv" is inside a \.git folder/,
  ),
  validate(
    'v-dev-zero',
    { 'data.csv': { symlink: '/dev/zero' } },
    { data: '{dir}/data.csv' },
    /the data file "hostile\/v-dev-zero\/data.csv" is outside the workspace/,
  ),
  validate(
    'v-dangling-out',
    { 'data.csv': { symlink: '{outside}/missing.csv' } },
    { data: '{dir}/data.csv' },
    /the data file "hostile\/v-dangling-out\/data.csv" is outside the workspace/,
  ),
  validate(
    'v-loop',
    { 'a.csv': { symlink: 'b.csv' }, 'b.csv': { symlink: 'a.csv' } },
    { data: '{dir}/a.csv' },
    /the data file "hostile\/v-loop\/a.csv" is a loop of symbolic links/,
  ),
  validate(
    'v-linked-folder',
    { folder: { symlink: '{outside}' } },
    { data: '{dir}/folder/secret.txt', format: 'csv' },
    /the data file "hostile\/v-linked-folder\/folder\/secret.txt" is outside the workspace/,
  ),
  validate(
    'v-schema-environ',
    { 'schema.yaml': environ },
    { data: 'data/train.csv', schema: '{dir}/schema.yaml' },
    /Input "schema": the schema file "hostile\/v-schema-environ\/schema.yaml" is outside the workspace/,
  ),
  validate(
    'v-schema-dotdot',
    {},
    { data: 'data/train.csv', schema: '../outside/secret.txt' },
    outsideError('schema', 'schema file', '../outside/secret.txt'),
  ),
  validate(
    'v-profile-out',
    {},
    { data: 'data/train.csv', profile: '{outside}/profile.json' },
    /Input "profile": the profile file ".*\/outside\/profile.json" is outside the workspace/,
  ),
  validate(
    'v-profile-linked-folder',
    { out: { symlink: '{outside}' } },
    { data: 'data/train.csv', profile: '{dir}/out/profile.json' },
    /the profile file "hostile\/v-profile-linked-folder\/out\/profile.json" is outside the workspace/,
  ),
  validate(
    'v-profile-dangling',
    { 'profile.json': { symlink: '{outside}/written.json' } },
    { data: 'data/train.csv', profile: '{dir}/profile.json' },
    /the profile file "hostile\/v-profile-dangling\/profile.json" is outside the workspace \(through a symbolic link/,
  ),
  validate(
    'v-data-folder',
    // A folder is read as the files inside it, and each is confined: a link among them is
    // judged by where it leads.
    { 'folder/x.csv': 'id\n1\n', 'folder/leak.csv': secret },
    { data: '{dir}/folder', format: 'csv' },
    outsideError('data', 'data file', 'hostile/v-data-folder/folder/leak.csv'),
  ),

  {
    id: 't-config-environ',
    action: 'train-model',
    files: { 'config.json': environ },
    inputs: { ...train, config: '{dir}/config.json' },
    expect: {
      error:
        /Input "config": the config file "hostile\/t-config-environ\/config.json" is outside the workspace/,
    },
  },
  {
    id: 't-workdir-out',
    action: 'train-model',
    inputs: { ...train, 'working-directory': '../outside' },
    expect: {
      error:
        /Input "working-directory": the working directory "\.\.\/outside" is outside the workspace/,
    },
  },
  {
    id: 't-data-link-out',
    action: 'train-model',
    files: { 'train.csv': secret },
    inputs: { ...train, data: '{dir}/train.csv' },
    expect: {
      error:
        /Input "data": the data file ".*hostile\/t-data-link-out\/train.csv" is outside the workspace/,
    },
  },
  {
    id: 't-output-dotdot',
    action: 'train-model',
    inputs: { ...train, run: 'echo trained', outputs: '../outside/model.pkl' },
    expect: {
      error: /Input "outputs": the output "\.\.\/outside\/model.pkl" is outside the workspace/,
    },
  },
  {
    id: 't-output-made-link',
    action: 'train-model',
    inputs: {
      ...train,
      run: 'ln -s /proc/self/environ {dir}/model.pkl',
      outputs: '{dir}/model.pkl',
    },
    files: { '.keep': '' },
    expect: {
      error:
        /Input "outputs": the output ".*hostile\/t-output-made-link\/model.pkl" is outside the workspace/,
    },
  },
  {
    id: 't-output-folder-link',
    action: 'train-model',
    files: { '.keep': '' },
    inputs: {
      ...train,
      run: 'mkdir -p {dir}/model && echo w > {dir}/model/weights.bin && ln -s /etc/hostname {dir}/model/host',
      outputs: '{dir}/model',
    },
    expect: {
      error:
        /Input "outputs": the output ".*t-output-folder-link\/model\/host" is outside the workspace/,
    },
  },
  {
    id: 't-code-link-out',
    action: 'train-model',
    files: { 'train.py': secret },
    inputs: { ...train, code: '{dir}/train.py' },
    expect: {
      error:
        /Input "code": the code file ".*hostile\/t-code-link-out\/train.py" is outside the workspace/,
    },
  },
  {
    id: 't-requirements-link-out',
    action: 'train-model',
    files: { 'requirements.txt': secret, 'config.json': '{"seed": 1}' },
    inputs: { ...train, 'working-directory': '{dir}', config: 'config.json' },
    expect: {
      error:
        /the dependency file ".*hostile\/t-requirements-link-out\/requirements.txt" is outside the workspace/,
    },
  },

  {
    id: 'e-predictions-link-out',
    action: 'evaluate-model',
    files: { 'predictions.csv': secret },
    inputs: { ...evaluate, predictions: '{dir}/predictions.csv' },
    expect: {
      error:
        /Input "predictions": the predictions file "hostile\/e-predictions-link-out\/predictions.csv" is outside the workspace/,
    },
  },
  {
    id: 'e-manifest-environ',
    action: 'evaluate-model',
    files: { 'manifest.json': environ },
    inputs: { ...evaluate, predictions: 'data/eval.csv', manifest: '{dir}/manifest.json' },
    expect: {
      error:
        /Input "manifest": the manifest "hostile\/e-manifest-environ\/manifest.json" is outside the workspace/,
    },
  },
  {
    id: 'e-metrics-dotdot',
    action: 'evaluate-model',
    inputs: { 'model-name': 'churn', metrics: '../outside/secret.txt' },
    expect: { error: outsideError('metrics', 'metrics file', '../outside/secret.txt') },
  },

  {
    id: 'c-metrics-environ',
    action: 'compare-metrics',
    files: { 'metrics.json': environ },
    inputs: { ...compare, metrics: '{dir}/metrics.json' },
    expect: {
      error:
        /Input "metrics": the metrics file "hostile\/c-metrics-environ\/metrics.json" is outside the workspace/,
    },
  },
  {
    id: 'c-baseline-out',
    action: 'compare-metrics',
    files: { 'metrics.json': '{"accuracy": 0.9}' },
    inputs: { ...compare, metrics: '{dir}/metrics.json', baseline: '{outside}/secret.txt' },
    expect: {
      error:
        /Input "baseline": the baseline metrics file ".*\/outside\/secret.txt" is outside the workspace/,
    },
  },
  {
    id: 'c-manifest-git-config',
    action: 'compare-metrics',
    files: {
      'metrics.json': '{"accuracy": 0.9}',
      'baseline.json': '{"accuracy": 0.9}',
      'manifest.json': gitConfig,
    },
    inputs: {
      ...compare,
      metrics: '{dir}/metrics.json',
      baseline: '{dir}/baseline.json',
      manifest: '{dir}/manifest.json',
    },
    expect: {
      error:
        /Input "manifest": the manifest "hostile\/c-manifest-git-config\/manifest.json" is inside a \.git folder/,
    },
  },

  {
    id: 'p-manifest-out',
    action: 'promote-model',
    inputs: { ...promote, manifest: '{outside}/secret.txt', metrics: 'examples/churn/config.json' },
    expect: {
      error: /Input "manifest": the manifest ".*\/outside\/secret.txt" is outside the workspace/,
    },
  },
  {
    id: 'p-metrics-environ',
    action: 'promote-model',
    files: { 'manifest.json': '{}', 'metrics.json': environ },
    inputs: { ...promote, manifest: '{dir}/manifest.json', metrics: '{dir}/metrics.json' },
    expect: {
      error:
        /Input "metrics": the metrics file "hostile\/p-metrics-environ\/metrics.json" is outside the workspace/,
    },
  },
  {
    id: 'p-workdir-out',
    action: 'promote-model',
    inputs: {
      ...promote,
      'working-directory': '{outside}',
      manifest: 'manifest.json',
      metrics: 'metrics.json',
    },
    expect: {
      error:
        /Input "working-directory": the working directory ".*\/outside" is outside the workspace/,
    },
  },
  {
    id: 'p-profile-link-out',
    action: 'promote-model',
    files: { 'manifest.json': '{}', 'metrics.json': '{}', 'profile.json': secret },
    inputs: {
      ...promote,
      manifest: '{dir}/manifest.json',
      metrics: '{dir}/metrics.json',
      profile: '{dir}/profile.json',
    },
    expect: {
      error:
        /Input "profile": the data profile "hostile\/p-profile-link-out\/profile.json" is outside the workspace/,
    },
  },

  {
    id: 'cli-validate-environ',
    action: 'cli',
    files: { 'data.csv': environ },
    args: ['validate', '--data', '{dir}/data.csv', '--schema', schema],
    expect: {
      error: /the data file "hostile\/cli-validate-environ\/data.csv" is outside the workspace/,
    },
  },
  {
    id: 'cli-validate-schema-out',
    action: 'cli',
    args: ['validate', '--data', 'data/train.csv', '--schema', '../outside/secret.txt'],
    expect: { error: /the schema file "\.\.\/outside\/secret.txt" is outside the workspace/ },
  },
  {
    id: 'cli-validate-summary-out',
    action: 'cli',
    args: [
      'validate',
      '--data',
      'data/train.csv',
      '--schema',
      schema,
      '--summary',
      '{outside}/summary.md',
    ],
    expect: { error: /[Tt]he summary file ".*\/outside\/summary.md" is outside the workspace/ },
  },
  {
    id: 'cli-infer-out',
    action: 'cli',
    args: ['infer-schema', '--data', 'data/train.csv', '--out', '../outside/schema.yaml'],
    expect: { error: /[Tt]he output file "\.\.\/outside\/schema.yaml" is outside the workspace/ },
  },
  {
    id: 'cli-infer-link-out',
    action: 'cli',
    files: { 'sample.csv': secret },
    args: ['infer-schema', '--data', '{dir}/sample.csv'],
    expect: {
      error: /[Tt]he data file "hostile\/cli-infer-link-out\/sample.csv" is outside the workspace/,
    },
  },
  {
    id: 'cli-merge-link-out',
    action: 'cli',
    files: { 'profile.json': secret },
    args: ['merge-profiles', '--out', '{dir}/merged.json', '{dir}/profile.json'],
    expect: {
      error:
        /[Tt]he profile file "hostile\/cli-merge-link-out\/profile.json" is outside the workspace/,
    },
  },
];
