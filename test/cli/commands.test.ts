/**
 * The command line as a user drives it (issue 18): the built cli/dist/index.js, run in a
 * scratch folder. Every command: its success path, its --help, and its likeliest mistakes;
 * a closed pipe, a server that cannot be reached, and a `;`-separated CSV.
 */
import { execFile } from 'node:child_process';
import { readFile, writeFile } from 'node:fs/promises';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createGitHubClient } from '../../shared/github/client.js';
import { DEPLOYMENT_PAYLOAD_FORMAT } from '../../shared/registry/github-registry.js';
import { recordingRunner } from '../helpers/recording-runner.js';
import { GitHubApiStandIn, OWNER, REPO } from '../../harness/stand-ins/github-api.js';
import { StandIns } from '../../harness/stand-ins/index.js';
import { REPOSITORY_ROOT } from '../../harness/runner/run-bundle.js';
import { tempDir } from '../helpers/temp-dir.js';

const dir = await tempDir('mlops-cli-commands-');
const cli = join(REPOSITORY_ROOT, 'cli', 'dist', 'index.js');

interface Result {
  code: number;
  stdout: string;
  stderr: string;
}

async function runWith(env: Record<string, string>, ...args: string[]): Promise<Result> {
  try {
    const { stdout, stderr } = await promisify(execFile)(process.execPath, [cli, ...args], {
      cwd: dir,
      env: { PATH: process.env.PATH ?? '', RUNNER_TEMP: join(dir, 'tmp'), ...env },
    });
    return { code: 0, stdout, stderr };
  } catch (error) {
    const failed = error as { code: number; stdout: string; stderr: string };
    return { code: failed.code, stdout: failed.stdout, stderr: failed.stderr };
  }
}

const run = (...args: string[]) => runWith({}, ...args);

/** No stack trace: a user's mistake or an unreachable server is one message. */
function expectNoStack(result: Result): void {
  expect(result.stdout + result.stderr).not.toMatch(/\n\s+at .+:\d+:\d+/);
}

/** A usage mistake: status 2, the flag named, a pointer to the command's help, no workflow wording. */
function expectUsage(result: Result, pattern: RegExp, command: string): void {
  expect(result.code, result.stderr).toBe(2);
  expect(result.stderr).toMatch(pattern);
  expect(result.stderr).toContain(`Run "mlops-actions ${command} --help"`);
  expect(result.stderr).not.toMatch(/with:|workflow step/);
  expectNoStack(result);
}

/** A port nothing listens on. */
async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((done) => server.listen(0, '127.0.0.1', done));
  const { port } = server.address() as { port: number };
  await new Promise((done) => server.close(done));
  return port;
}

// 40 rows of a binary classifier: 30 right, 10 wrong, so accuracy is 0.75.
const rows = Array.from({ length: 40 }, (_, i) => {
  const label = i % 2;
  const prediction = i < 10 ? 1 - label : label;
  return `${label},${prediction},${prediction ? 0.8 : 0.2}`;
});
await writeFile(join(dir, 'preds.csv'), `label,prediction,proba\n${rows.join('\n')}\n`);
await writeFile(
  join(dir, 'gates.yaml'),
  'on-missing-baseline: warn\nmetrics:\n  accuracy: {direction: higher, min: 0.7, max-regression: 0.02, level: fail}\n',
);
await writeFile(join(dir, 'prod-worse.json'), '{"accuracy": 0.74}\n');
await writeFile(join(dir, 'prod-better.json'), '{"accuracy": 0.9}\n');
await writeFile(join(dir, 'config.json'), '{"lr": 0.1}\n');
await writeFile(join(dir, 'train-data.csv'), 'a,b\n1,2\n');
const TRAIN = [
  '--model-name',
  'toy',
  '--run',
  `"${process.execPath}" -e "require('fs').writeFileSync('model.txt', 'weights')"`,
  '--config',
  'config.json',
  '--data',
  'train-data.csv',
  '--code',
  'config.json',
  '--outputs',
  'model.txt',
];

describe('mlops-actions: the dispatcher', () => {
  it('prints the version of package.json, and the help with every command and the exit statuses', async () => {
    const { version } = JSON.parse(await readFile(join(REPOSITORY_ROOT, 'package.json'), 'utf8'));
    expect(await run('--version')).toMatchObject({ code: 0, stdout: `${version}\n` });
    const help = await run('--help');
    expect(help.code).toBe(0);
    for (const command of [
      'validate',
      'infer-schema',
      'merge-profiles',
      'evaluate',
      'compare',
      'train',
      'promote',
      'registry',
    ])
      expect(help.stdout).toMatch(new RegExp(`^  ${command} +\\S`, 'm'));
    for (const status of ['0', '1', '2', '3', '70'])
      expect(help.stdout).toMatch(new RegExp(`^  ${status} +\\S`, 'm'));
    expect((await run()).code).toBe(2);
    expect(await run('evaluat')).toMatchObject({
      code: 2,
      stderr: expect.stringContaining('Unknown command "evaluat"'),
    });
  });

  it('answers -h and --help of every command with its own usage, whatever else is on the line', async () => {
    for (const [command, flag] of [
      ['validate', '--schema'],
      ['infer-schema', '--sample-rows'],
      ['merge-profiles', '--out'],
      ['evaluate', '--prediction-column'],
      ['compare', '--baseline-environment'],
      ['train', '--dry-run'],
      ['promote', '--environment'],
      ['registry', '--repo'],
    ] as const) {
      const short = await run(command, '-h');
      expect(short.code, command).toBe(0);
      expect(short.stdout).toMatch(new RegExp(`^Usage: mlops-actions ${command} `));
      expect(short.stdout).toContain(flag);
      expect(await run(command, '--nonsense', '--help')).toMatchObject({
        code: 0,
        stdout: short.stdout,
      });
      expect((await run('help', command)).stdout).toBe(short.stdout);
    }
    // The flags of an action's inputs come with their action.yml description and default.
    expect((await run('evaluate', '-h')).stdout).toMatch(
      /--label-column\n\s+Column holding the true label or target value\. \(default: label\)/,
    );
  });
});

describe('mlops-actions evaluate', () => {
  it('writes the metrics report and prints the metric values', async () => {
    const result = await run(
      'evaluate',
      '--model-name',
      'toy',
      '--predictions',
      'preds.csv',
      '--task',
      'binary',
      '--score-columns',
      'proba',
      '--bootstrap',
      '0',
      '--out',
      'metrics.json',
    );
    expect(result.code, result.stdout + result.stderr).toBe(0);
    expect(result.stdout).toMatch(/^Evaluated toy on 40 rows: accuracy=0\.750000, /m);
    const report = JSON.parse(await readFile(join(dir, 'metrics.json'), 'utf8'));
    expect([report.model, report.metrics.accuracy.value ?? report.metrics.accuracy]).toEqual([
      'toy',
      0.75,
    ]);
  });

  it('names the flag of a forgotten model name or task, a wrong column and a misspelt flag', async () => {
    expectUsage(
      await run('evaluate', '--predictions', 'preds.csv', '--task', 'binary'),
      /^error: --model-name is required but was not supplied \(give it on the command line\)/,
      'evaluate',
    );
    expectUsage(
      await run('evaluate', '--model-name', 'toy', '--predictions', 'preds.csv'),
      /^error: --task is required with --predictions: binary, multiclass or regression/,
      'evaluate',
    );
    expectUsage(
      await run('evaluate', '--model-name', 'toy', '--predicitons', 'preds.csv'),
      /Unknown option '--predicitons'; did you mean --predictions\?/,
      'evaluate',
    );
    const column = await run(
      'evaluate',
      '--model-name',
      'toy',
      '--predictions',
      'preds.csv',
      '--task',
      'binary',
      '--label-column',
      'y',
    );
    expect(column.code).toBe(1);
    expect(column.stdout).toMatch(/^error: \[evaluate-model\] .*no column "y" \(--label-column\)/m);
    expectNoStack(column);
  });
});

describe('mlops-actions compare', () => {
  beforeAll(async () => {
    const made = await run(
      'evaluate',
      '--model-name',
      'toy',
      '--predictions',
      'preds.csv',
      '--task',
      'binary',
      '--bootstrap',
      '0',
      '--out',
      'metrics.json',
    );
    expect(made.code, made.stdout).toBe(0);
  });

  it('prints the verdict and the table against a metrics file, and writes the comment when asked', async () => {
    const passed = await run(
      'compare',
      '--model-name',
      'toy',
      '--metrics',
      'metrics.json',
      '--baseline',
      'prod-worse.json',
      '--gates',
      'gates.yaml',
      '--comment-file',
      'comment.md',
    );
    expect(passed.code, passed.stderr).toBe(0);
    expect(passed.stdout).toMatch(/^### toy ✅/);
    expect(passed.stdout).toMatch(/^\| `accuracy` \| 0\.74 \| 0\.75 \|/m);
    expect(passed.stdout).not.toContain('<details');
    const comment = await readFile(join(dir, 'comment.md'), 'utf8');
    expect(comment.startsWith(passed.stdout.trimEnd())).toBe(true);
    expect(comment).toContain('<details');

    const failed = await run(
      'compare',
      '--model-name',
      'toy',
      '--metrics',
      'metrics.json',
      '--baseline',
      'prod-better.json',
      '--gates',
      'gates.yaml',
    );
    expect(failed.code).toBe(1);
    expect(failed.stdout).toMatch(/^### toy ❌/);
    expect(failed.stderr).toMatch(/Set --fail-on-regression false to report without failing\./);
    expect(
      (
        await run(
          'compare',
          '--model-name',
          'toy',
          '--metrics',
          'metrics.json',
          '--baseline',
          'prod-better.json',
          '--gates',
          'gates.yaml',
          '--fail-on-regression',
          'false',
        )
      ).code,
    ).toBe(0);
  });

  it('compares with the model in an environment of a repository, read from its deployments', async () => {
    const standIns = await StandIns.start();
    try {
      const client = await createGitHubClient(
        GitHubApiStandIn.READ_WRITE_TOKEN,
        recordingRunner(),
        { GITHUB_API_URL: standIns.github.url },
      );
      const repository = { owner: OWNER, repo: REPO };
      const { data } = await client.rest.repos.createDeployment({
        ...repository,
        ref: 'b'.repeat(40),
        task: 'model:toy',
        environment: 'production',
        auto_merge: false,
        required_contexts: [],
        payload: {
          format: DEPLOYMENT_PAYLOAD_FORMAT,
          model: 'toy',
          version: 'v7',
          fingerprint: 'f'.repeat(64),
          metricsDigest: 'd',
          metrics: { accuracy: 0.9 },
        },
      });
      await client.rest.repos.createDeploymentStatus({
        ...repository,
        deployment_id: (data as { id: number }).id,
        state: 'success',
      });
      const result = await runWith(
        { GITHUB_API_URL: standIns.github.url, GITHUB_TOKEN: GitHubApiStandIn.READ_WRITE_TOKEN },
        'compare',
        '--model-name',
        'toy',
        '--metrics',
        'metrics.json',
        '--gates',
        'gates.yaml',
        '--repo',
        `${OWNER}/${REPO}`,
      );
      expect(result.code, result.stderr).toBe(1);
      expect(result.stdout).toMatch(/^\| `accuracy` \| 0\.9 \| 0\.75 \|/m);
      expect(result.stderr).toMatch(/^baseline-version: v7$/m);
      expect(standIns.violations()).toEqual([]);
    } finally {
      await standIns.stop();
    }
  });

  it('refuses --repo without a token, a missing metrics file and an unreachable GitHub, each in one line', async () => {
    expectUsage(
      await run('compare', '--model-name', 'toy', '--metrics', 'metrics.json', '--repo', 'o/r'),
      /^error: --repo reads the baseline from GitHub and needs a token/,
      'compare',
    );
    const missing = await run('compare', '--model-name', 'toy', '--metrics', 'nope.json');
    expect(missing.code).toBe(1);
    expect(missing.stderr).toMatch(/^error: \[compare-metrics\] .*"nope\.json" does not exist/m);
    expectNoStack(missing);
    const port = await closedPort();
    const offline = await runWith(
      { GITHUB_API_URL: `http://127.0.0.1:${port}`, GITHUB_TOKEN: 'token' },
      'compare',
      '--model-name',
      'toy',
      '--metrics',
      'metrics.json',
      '--repo',
      'o/r',
    );
    expect(offline.code).toBe(3);
    expect(offline.stderr).toMatch(
      new RegExp(
        `^error: Could not reach 127\\.0\\.0\\.1:${port}: the connection was refused\\. Check `,
        'm',
      ),
    );
    expect(
      offline.stderr
        .trim()
        .split('\n')
        .filter((l) => l.startsWith('error:')),
    ).toHaveLength(1);
    expectNoStack(offline);
  }, 60_000);
});

describe('mlops-actions train', () => {
  it('with --dry-run prints the fingerprint the training then records, and runs nothing', async () => {
    const dry = await run('train', '--dry-run', ...TRAIN);
    expect(dry.code, dry.stderr).toBe(0);
    const fingerprint = /^fingerprint: ([0-9a-f]{64})$/m.exec(dry.stdout)?.[1];
    expect(fingerprint).toBeDefined();
    expect(dry.stdout).toMatch(/^cache-hit: unknown \(no cache service here/m);
    await expect(readFile(join(dir, 'model.txt'), 'utf8')).rejects.toThrow();
    const trained = await run('train', ...TRAIN);
    expect(trained.code, trained.stdout + trained.stderr).toBe(0);
    expect(trained.stdout).toMatch(new RegExp(`^fingerprint: ${fingerprint}$`, 'm'));
    expect(await readFile(join(dir, 'model.txt'), 'utf8')).toBe('weights');
    const manifest = JSON.parse(
      await readFile(/^manifest: (.+)$/m.exec(trained.stdout)![1]!, 'utf8'),
    );
    expect(manifest.fingerprint).toBe(fingerprint);
    // Another seed is another fingerprint.
    const seeded = await run('train', '--dry-run', ...TRAIN, '--seed', '1');
    expect(/^fingerprint: (\S+)$/m.exec(seeded.stdout)?.[1]).not.toBe(fingerprint);
  });

  it('names a forgotten --run or --outputs, and a config file that does not exist', async () => {
    const without = (flag: string) => {
      const at = TRAIN.indexOf(flag);
      return [...TRAIN.slice(0, at), ...TRAIN.slice(at + 2)];
    };
    expectUsage(
      await run('train', '--dry-run', ...without('--run')),
      /^error: --run is required but was not supplied/,
      'train',
    );
    expectUsage(
      await run('train', '--dry-run', ...without('--outputs')),
      /^error: --outputs is required but was not supplied/,
      'train',
    );
    const config = await run('train', '--dry-run', ...without('--config'), '--config', 'nope.json');
    expect(config.code).toBe(1);
    expect(config.stderr).toMatch(
      /^error: \[train-model\] The config file "nope\.json" does not exist/m,
    );
    expectNoStack(config);
  });
});

describe('mlops-actions promote', () => {
  it('with --dry-run shows the version and the digest it would record, recording nothing', async () => {
    const trained = await run('train', ...TRAIN);
    const manifestPath = /^manifest: (.+)$/m.exec(trained.stdout)![1]!;
    await writeFile(join(dir, 'manifest.json'), await readFile(manifestPath));
    const version = JSON.parse(await readFile(manifestPath, 'utf8')).model.version;
    const evaluated = await run(
      'evaluate',
      '--model-name',
      'toy',
      '--predictions',
      'preds.csv',
      '--task',
      'binary',
      '--bootstrap',
      '0',
      '--manifest',
      'manifest.json',
      '--out',
      'promoted-metrics.json',
    );
    expect(evaluated.code, evaluated.stdout).toBe(0);
    const args = [
      '--model-name',
      'toy',
      '--environment',
      'production',
      '--manifest',
      'manifest.json',
      '--metrics',
      'promoted-metrics.json',
      '--gates',
      'gates.yaml',
    ];
    const dry = await run('promote', '--dry-run', ...args);
    expect(dry.code, dry.stdout + dry.stderr).toBe(0);
    expect(dry.stdout).toContain(
      `Dry run: toy ${version} would be promoted to production; nothing was recorded.`,
    );
    expect(dry.stdout).toMatch(/^comparison-digest: sha256:[0-9a-f]{64}$/m);
    expect(dry.stdout).toMatch(/^deployment-id: $/m);

    expectUsage(
      await run('promote', ...args),
      /^error: promote runs only with --dry-run here/,
      'promote',
    );
    expectUsage(
      await run('promote', '--dry-run', ...args.slice(0, 2), ...args.slice(4)),
      /^error: --environment is required but was not supplied/,
      'promote',
    );
    const noMetrics = await run('promote', '--dry-run', ...args.slice(0, 6));
    expect(noMetrics.code).toBe(1);
    expect(noMetrics.stdout).toMatch(
      /^error: \[promote-model\] --metrics is required when the model comes from --manifest/m,
    );
  }, 30_000);
});

describe('mlops-actions validate and registry at the edges', () => {
  it("names --schema when it is forgotten, not the workflow's with:", async () => {
    await writeFile(join(dir, 'data.csv'), 'id,age\n1,2\n');
    expectUsage(
      await run('validate', '--data', 'data.csv'),
      /^error: --schema is required but was not supplied \(give it on the command line\)/,
      'validate',
    );
  });

  it('stops on a ;-separated CSV with one message that suggests --delimiter', async () => {
    const lines = ['id;age;city;score'];
    for (let i = 1; i <= 4000; i++) lines.push(`${i};${20 + (i % 50)};Paris;0.5`);
    await writeFile(join(dir, 'semicolons.csv'), `${lines.join('\n')}\n`);
    await writeFile(
      join(dir, 'four.yaml'),
      'fields:\n  - {name: id, type: integer}\n  - {name: age, type: integer}\n  - {name: city, type: string}\n  - {name: score, type: number}\n',
    );
    const wrong = await run('validate', '--data', 'semicolons.csv', '--schema', 'four.yaml');
    expect(wrong.code).toBe(1);
    const errors = wrong.stdout.split('\n').filter((line) => line.startsWith('error:'));
    expect(errors).toEqual([
      expect.stringMatching(
        /^error: \[validate-data\] The data file "semicolons\.csv" was read as comma-separated, .*semicolon-separated\. Set --delimiter ';' and run again\.$/,
      ),
    ]);
    const right = await run(
      'validate',
      '--data',
      'semicolons.csv',
      '--schema',
      'four.yaml',
      '--delimiter',
      ';',
    );
    expect(right.code, right.stdout).toBe(0);
    expect(right.stdout).toMatch(/^rows: 4000$/m);
  });

  it('names the mistakes of validate, infer-schema and merge-profiles: a bad value, no data, a ;-separated sample', async () => {
    expectUsage(
      await run(
        'validate',
        '--data',
        'semicolons.csv',
        '--schema',
        'four.yaml',
        '--fail-on',
        'sometimes',
      ),
      /^error: --fail-on must be one of error, warning, never; got "sometimes"/,
      'validate',
    );
    expectUsage(
      await run('infer-schema', '--out', 'x.yaml'),
      /^error: --data is required/,
      'infer-schema',
    );
    expectUsage(
      await run('infer-schema', '--data', 'semicolons.csv', '--sample-rows', '0'),
      /^error: --sample-rows takes a whole number of 1 or more; got "0"/,
      'infer-schema',
    );
    const sniffed = await run('infer-schema', '--data', 'semicolons.csv');
    expect(sniffed.code).toBe(1);
    expect(sniffed.stderr).toBe(
      `error: The data file "semicolons.csv" was read as comma-separated, but its header and nearly every row are one column, which the semicolon splits into 4: the file is semicolon-separated. Pass --delimiter ';' and run again.\n`,
    );
    const inferred = await run('infer-schema', '--data', 'semicolons.csv', '--delimiter', ';');
    expect(inferred.code, inferred.stderr).toBe(0);
    expect(inferred.stdout).toMatch(/name: score/);
    expectUsage(
      await run('merge-profiles', '--out', 'm.json'),
      /^error: Give the profile files to merge\./,
      'merge-profiles',
    );
  });

  it('ends quietly with status 0 when the reader closes the pipe (| head -1)', async () => {
    const lines = ['id,age,city,score'];
    for (let i = 1; i <= 3000; i++) lines.push(`${i},x${i},Paris,0.5`);
    await writeFile(join(dir, 'many-errors.csv'), `${lines.join('\n')}\n`);
    const { stdout } = await promisify(execFile)(
      'sh',
      [
        '-c',
        `{ "${process.execPath}" "${cli}" validate --data many-errors.csv --schema schema4.yaml --max-errors 3000 2>err.txt; echo "status=$?" >status.txt; } | head -1`,
      ],
      { cwd: dir, env: { PATH: process.env.PATH ?? '', RUNNER_TEMP: join(dir, 'tmp') } },
    );
    expect(stdout).toMatch(/^== Validating 1 file\(s\) against schema4\.yaml\n$/);
    expect(await readFile(join(dir, 'status.txt'), 'utf8')).toBe('status=0\n');
    expect(await readFile(join(dir, 'err.txt'), 'utf8')).toBe('');
  });

  it('reports a registry that cannot be reached in one line, with status 3', async () => {
    const port = await closedPort();
    const result = await runWith(
      { GITHUB_API_URL: `http://127.0.0.1:${port}`, GITHUB_TOKEN: 'token' },
      'registry',
      '--repo',
      'o/r',
    );
    expect(result.code).toBe(3);
    expect(result.stderr).toBe(
      `error: Could not reach 127.0.0.1:${port}: the connection was refused. Check the network connection (and a proxy, if one is needed), and GITHUB_API_URL if it is set (it names the GitHub API to use).\n`,
    );
  }, 60_000);
});

beforeAll(async () => {
  await writeFile(
    join(dir, 'schema4.yaml'),
    'fields:\n  - {name: id, type: integer}\n  - {name: age, type: integer}\n  - {name: city, type: string}\n  - {name: score, type: number}\n',
  );
});
afterAll(() => undefined);
