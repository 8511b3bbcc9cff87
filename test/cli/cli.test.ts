import { execFile, execFileSync } from 'node:child_process';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { load } from 'js-yaml';
import { describe, expect, it } from 'vitest';
import { createGitHubClient } from '../../shared/github/client.js';
import { DEPLOYMENT_PAYLOAD_FORMAT } from '../../shared/registry/github-registry.js';
import { recordingRunner } from '../helpers/recording-runner.js';
import { GitHubApiStandIn, OWNER, REPO } from '../../harness/stand-ins/github-api.js';
import { StandIns } from '../../harness/stand-ins/index.js';
import { REPOSITORY_ROOT } from '../../harness/runner/run-bundle.js';
import { writeJsonl } from '../helpers/data-files.js';
import { MONEY_ROWS, writeDecimalParquet } from '../helpers/decimal-parquet.js';
import { tempDir } from '../helpers/temp-dir.js';
import { BOUNDED_CHILD } from '../../harness/runner/bounded-child.js';

const dir = await tempDir('mlops-cli-');
const cli = join(REPOSITORY_ROOT, 'cli', 'dist', 'index.js');

async function run(...args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  return runWith({}, ...args);
}

async function runWith(
  env: Record<string, string>,
  ...args: string[]
): Promise<{ code: number; stdout: string; stderr: string }> {
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

await writeFile(
  join(dir, 'train.csv'),
  'id,age,city,score\n1,30,Paris,0.5\n2,40,Rome,0.25\n3,50,Paris,0.75\n4,60,Paris,1.5\n',
);
await writeFile(join(dir, 'more.csv'), 'id,age,city,score\n5,70,Oslo,0.5\n6,x,Rome,0.5\n');
// The schema the validation tests check against: a reviewed one, with the enum and keys a reviewer adds.
await writeFile(
  join(dir, 'schema.yaml'),
  [
    'fields:',
    '  - {name: id, type: integer, constraints: {required: true, unique: true}}',
    '  - {name: age, type: integer, constraints: {required: true, unique: true}}',
    '  - {name: city, type: string, constraints: {required: true, enum: [Paris, Rome]}}',
    '  - {name: score, type: number, constraints: {required: true, minimum: 0.25, maximum: 1.5}}',
    '',
  ].join('\n'),
);

describe('mlops-actions (the command-line entry)', () => {
  it('infers a schema that its own sample passes, with no key, enum or range a 4-row sample cannot support', async () => {
    const inferred = await run('infer-schema', '--data', 'train.csv', '--out', 'inferred.yaml');
    expect(inferred.code, inferred.stderr).toBe(0);
    const schema = load(await readFile(join(dir, 'inferred.yaml'), 'utf8')) as {
      fields: { name: string; type: string; constraints?: unknown; ml?: unknown }[];
    };
    expect(schema.fields.map((f) => [f.name, f.type, f.constraints, f.ml])).toEqual([
      [
        'id',
        'integer',
        undefined,
        { stats: { min: { min: 1 }, max: { max: 4 }, severity: 'warning' } },
      ],
      [
        'age',
        'integer',
        undefined,
        { stats: { min: { min: 30 }, max: { max: 60 }, severity: 'warning' } },
      ],
      ['city', 'string', undefined, undefined],
      [
        'score',
        'number',
        undefined,
        { stats: { min: { min: 0.25 }, max: { max: 1.5 }, severity: 'warning' } },
      ],
    ]);
    const valid = await run('validate', '--data', 'train.csv', '--schema', 'inferred.yaml');
    expect(valid.code, valid.stdout).toBe(0);
    expect(valid.stdout).toMatch(/^valid: true$/m);
  });

  it('infers from the churn example train.csv a schema that its eval.csv passes, with a real key unique and an empty column without enum (issue 14)', async () => {
    execFileSync(
      process.execPath,
      [join(REPOSITORY_ROOT, 'examples/churn/generate-data.mjs'), '--out', join(dir, 'churn')],
      BOUNDED_CHILD,
    );
    const inferred = await run(
      'infer-schema',
      '--data',
      'churn/train.csv',
      '--out',
      'churn/schema.json',
    );
    expect(inferred.code, inferred.stderr).toBe(0);
    const churn = await run(
      'validate',
      '--data',
      'churn/eval.csv',
      '--schema',
      'churn/schema.json',
    );
    expect(churn.code, churn.stdout).toBe(0);
    expect(churn.stdout).toMatch(/^errors: 0$/m);
    await mkdir(join(dir, 'keys'), { recursive: true });
    const ids = (from: number) =>
      Array.from({ length: 3000 }, (_, i) => `${from + i},,${['gold', 'silver'][i % 2]}`).join(
        '\n',
      );
    await writeFile(join(dir, 'keys', 'keys.csv'), `id,note,tier\n${ids(1)}\n`);
    await writeFile(join(dir, 'keys', 'next.csv'), `id,note,tier\n${ids(3001)}\n`);
    expect(
      (await run('infer-schema', '--data', 'keys/keys.csv', '--out', 'keys/schema.json')).code,
    ).toBe(0);
    const schema = JSON.parse(await readFile(join(dir, 'keys', 'schema.json'), 'utf8')) as {
      fields: { name: string; type: string; constraints?: Record<string, unknown> }[];
    };
    expect(schema.fields.map((f) => [f.name, f.type, f.constraints])).toEqual([
      ['id', 'integer', { required: true, unique: true }],
      ['note', 'string', undefined],
      ['tier', 'string', { required: true, enum: ['gold', 'silver'] }],
    ]);
    const next = await run('validate', '--data', 'keys/next.csv', '--schema', 'keys/schema.json');
    expect(next.code, next.stdout).toBe(0);
    expect(next.stdout).toMatch(/^warning: .*\[stat-out-of-range \(max\): id\]/m);
  });

  it("reports rows at frictionless' granularity and reads a Parquet DECIMAL as the decimal it is (issue 14)", async () => {
    await mkdir(join(dir, 'rows'), { recursive: true });
    await writeFile(
      join(dir, 'rows', 'schema.yaml'),
      'fields:\n  - {name: a, type: integer}\n  - {name: b, type: integer}\n  - {name: c, type: integer, constraints: {required: true}}\n',
    );
    await writeFile(join(dir, 'rows', 'data.csv'), 'a,b\n1,2\n,\n1,2,3\n4,5\n');
    const rows = await run('validate', '--data', 'rows/data.csv', '--schema', 'rows/schema.yaml');
    expect(rows.code).toBe(1);
    for (const expected of [
      /^error: rows\/data\.csv:1: \[missing-label: c\]/m,
      /^error: rows\/data\.csv:2: \[missing-cell: c\] .*\(\+1 more like this\)$/m,
      /^error: rows\/data\.csv:3: \[blank-row\]/m,
    ])
      expect(rows.stdout).toMatch(expected);
    writeDecimalParquet(join(dir, 'money.parquet'), MONEY_ROWS);
    await writeFile(
      join(dir, 'money.yaml'),
      'fields:\n  - {name: amount, type: number, constraints: {maximum: 99.99}}\n  - {name: wide, type: number, constraints: {maximum: 99.99}}\n',
    );
    const money = await run(
      'validate',
      '--data',
      'money.parquet',
      '--schema',
      'money.yaml',
      '--profile',
      'money-profile.json',
    );
    expect(money.code, money.stdout).toBe(0);
    const profile = JSON.parse(await readFile(join(dir, 'money-profile.json'), 'utf8'));
    expect([profile.columns[0].max, profile.columns[0].quantiles.values.at(-1)]).toEqual([
      99.99, 99.99,
    ]);
  });

  it("validates through the action's own code path, with its defaults, and fails as it does", async () => {
    const result = await run(
      'validate',
      '--data',
      '*.csv',
      '--schema',
      'schema.yaml',
      '--summary',
      'summary.md',
      '--profile',
      'out/profile.json',
    );
    expect(result.code).toBe(1);
    expect(result.stdout).toMatch(
      /^error: more\.csv:2: \[constraint-error \(enum\): city\] Row 1: field "city" breaks enum/m,
    );
    expect(result.stdout).toMatch(/^error: more\.csv:3: \[type-error: age\]/m);
    expect(result.stdout).toMatch(/^rows: 6$/m);
    expect(result.stdout).toMatch(
      /^error: \[validate-data\] Data validation found 2 error\(s\) \(--fail-on error\)/m,
    );
    expect(await readFile(join(dir, 'summary.md'), 'utf8')).toContain(
      '### ❌ Data invalid: 2 error(s) in 6 rows',
    );
    expect(JSON.parse(await readFile(join(dir, 'out/profile.json'), 'utf8')).rows).toBe(6);
    expect(
      (await run('validate', '--data', 'more.csv', '--schema', 'schema.yaml', '--fail-on', 'never'))
        .code,
    ).toBe(0);
  });

  it("checks a file of 16 MiB and more in shards on worker threads that run the command's own bundle", async () => {
    const rows = ['id,age,city,score'];
    for (let i = 1; i <= 700_000; i++)
      rows.push(
        `${i},${i},${i === 650_000 ? 'Oslo' : i % 2 ? 'Paris' : 'Rome'},${(25 + (i % 125)) / 100}`,
      );
    await writeFile(join(dir, 'big.csv'), rows.join('\n') + '\n');
    const result = await run('validate', '--data', 'big.csv', '--schema', 'schema.yaml');
    expect(result.code, result.stderr).toBe(1);
    expect(result.stdout).toMatch(
      /^error: big\.csv:650001: \[constraint-error \(enum\): city\] Row 650000: field "city" breaks enum/m,
    );
    expect(result.stdout).toMatch(/^rows: 700000$/m);
    const report = JSON.parse(await readFile(/^report: (.+)$/m.exec(result.stdout)![1]!, 'utf8'));
    expect(report.files[0].shards).toBeGreaterThan(3);
  });

  it('merges the profiles of shards', async () => {
    await run(
      'validate',
      '--data',
      'train.csv',
      '--schema',
      'schema.yaml',
      '--profile',
      'p/a.json',
    );
    await writeJsonl(join(dir, 'shard.jsonl'), {
      columns: ['id', 'age', 'city', 'score'],
      rows: [[7, 80, 'Rome', 0.5]],
    });
    await run(
      'validate',
      '--data',
      'shard.jsonl',
      '--schema',
      'schema.yaml',
      '--profile',
      'p/b.json',
      '--fail-on',
      'never',
    );
    const merged = await run('merge-profiles', '--out', 'merged.json', 'p/*.json');
    expect(merged.code, merged.stderr).toBe(0);
    expect(merged.stderr).toContain('Merged 2 profile(s): 5 rows, 4 columns.');
    const profile = JSON.parse(await readFile(join(dir, 'merged.json'), 'utf8'));
    expect(profile.columns.find((c: { name: string }) => c.name === 'age')).toMatchObject({
      count: 5,
      min: 30,
      max: 80,
      mean: 52,
    });
  });

  it('explains its usage, and user mistakes without a stack trace', async () => {
    expect(await run('frobnicate')).toMatchObject({
      code: 2,
      stderr: expect.stringContaining('Unknown command "frobnicate".\n\nUsage: mlops-actions'),
    });
    expect(await run('merge-profiles', 'p/a.json')).toMatchObject({
      code: 2,
      stderr: expect.stringContaining('--out is required'),
    });
    const notProfile = await run('merge-profiles', '--out', 'x.json', 'train.csv');
    expect(notProfile).toMatchObject({
      code: 1,
      stderr: expect.stringMatching(/^error: The profile file "train.csv" is not valid/),
    });
    const missing = await run('validate', '--data', 'nope.csv', '--schema', 'schema.yaml');
    expect(missing.code).toBe(1);
    expect(missing.stdout).toMatch(/data file "nope.csv" does not exist/);
    expect(missing.stdout + missing.stderr).not.toMatch(/\n\s+at .+:\d+:\d+/);
  });

  it('reads the schemas and cells of issue 14 as the action does: open-world keys, jsonSchema, arrayItem, strptime, decimalChar, geopoint object', async () => {
    await mkdir(join(dir, 'issue14'), { recursive: true });
    await writeFile(
      join(dir, 'issue14', 'schema.yaml'),
      [
        'fields:',
        '  - {name: weight, type: number, unit: kg, decimalChar: ","}',
        '  - name: day',
        '    type: date',
        '    format: "%d/%m/%Y"',
        '    constraints: {requird: true}',
        '  - name: meta',
        '    type: object',
        '    constraints:',
        '      jsonSchema: {type: object, required: [a]}',
        '  - {name: tags, type: array, arrayItem: {type: integer}}',
        '  - {name: place, type: geopoint, format: object}',
        '',
      ].join('\n'),
    );
    await writeFile(
      join(dir, 'issue14', 'data.csv'),
      [
        'weight,day,meta,tags,place',
        '"1,5",31/12/2020,"{""a"": 1}","[1, ""2""]","{""lon"": 180, ""lat"": -90}"',
        '1.234,2020-12-31,"{""b"": 1}","[""x""]","[180, -90]"',
        '',
      ].join('\n'),
    );
    const result = await run(
      'validate',
      '--data',
      'issue14/data.csv',
      '--schema',
      'issue14/schema.yaml',
    );
    expect(result.code).toBe(1);
    expect(result.stdout).toMatch(
      /^warning: issue14\/schema\.yaml:6: .*"requird" is not a Table Schema key, so it is ignored; did you mean "required"\?/m,
    );
    for (const expected of [
      /^error: issue14\/data\.csv:3: \[type-error: weight\]/m,
      /^error: issue14\/data\.csv:3: \[type-error: day\]/m,
      /^error: issue14\/data\.csv:3: \[constraint-error \(jsonSchema\): meta\]/m,
      /^error: issue14\/data\.csv:3: \[type-error: tags\]/m,
      /^error: issue14\/data\.csv:3: \[type-error: place\]/m,
    ])
      expect(result.stdout).toMatch(expected);
    expect(result.stdout).toMatch(/Data validation found 5 error\(s\)/);
  });

  it('takes a Data Package as --schema and checks its foreign keys', async () => {
    await mkdir(join(dir, 'pkg'), { recursive: true });
    await writeFile(
      join(dir, 'pkg', 'datapackage.yaml'),
      [
        'resources:',
        '  - name: people',
        '    path: people.csv',
        '    schema:',
        '      fields: [{name: id, type: integer}, {name: parent, type: integer}]',
        '      foreignKeys:',
        '        - {fields: parent, reference: {resource: "", fields: id}}',
        '',
      ].join('\n'),
    );
    await writeFile(join(dir, 'pkg', 'people.csv'), 'id,parent\n1,\n2,3\n3,1\n4,7\n');
    const result = await run(
      'validate',
      '--data',
      'pkg/people.csv',
      '--schema',
      'pkg/datapackage.yaml',
    );
    expect(result.code).toBe(1);
    expect(result.stdout).toMatch(
      /^error: pkg\/people\.csv:5: \[foreign-key: parent\] Row 4: the foreign key \(parent\) = \(7\) has no match in id of this table\./m,
    );
    expect(result.stdout).toMatch(/Data validation found 1 error\(s\)/);
  });
});

describe('mlops-actions registry', () => {
  it("lists the model in each environment from the repository's deployments", async () => {
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
        task: 'model:churn',
        environment: 'production',
        auto_merge: false,
        required_contexts: [],
        payload: {
          format: DEPLOYMENT_PAYLOAD_FORMAT,
          model: 'churn',
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
      const env = {
        GITHUB_API_URL: standIns.github.url,
        GITHUB_TOKEN: GitHubApiStandIn.READ_WRITE_TOKEN,
      };
      const listed = await runWith(env, 'registry', '--repo', `${OWNER}/${REPO}`);
      expect(listed.code, listed.stderr).toBe(0);
      expect(listed.stdout).toMatch(/^MODEL\s+ENVIRONMENT\s+VERSION/);
      expect(listed.stdout).toMatch(/\nchurn\s+production\s+v7\s+\d{4}-\d\d-\d\d/);
      expect(standIns.violations()).toEqual([]);

      const noToken = await runWith(
        { GITHUB_API_URL: standIns.github.url },
        'registry',
        '--repo',
        `${OWNER}/${REPO}`,
      );
      expect(noToken.code).toBe(1);
      expect(noToken.stderr).toMatch(/^error: Reading the registry needs a GitHub token/);
      expect((await runWith(env, 'registry')).code).toBe(2);
    } finally {
      await standIns.stop();
    }
  });
});
