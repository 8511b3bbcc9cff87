import { execFile } from 'node:child_process';
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
import { tempDir } from '../helpers/temp-dir.js';

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

describe('mlops-actions (the command-line entry)', () => {
  it('infers a schema that its own sample passes', async () => {
    const inferred = await run('infer-schema', '--data', 'train.csv', '--out', 'schema.yaml');
    expect(inferred.code, inferred.stderr).toBe(0);
    const schema = load(await readFile(join(dir, 'schema.yaml'), 'utf8')) as {
      fields: { name: string; type: string; constraints: Record<string, unknown> }[];
    };
    expect(schema.fields.map((f) => [f.name, f.type, f.constraints])).toEqual([
      ['id', 'integer', { required: true, unique: true }],
      ['age', 'integer', { required: true, unique: true }],
      ['city', 'string', { required: true, enum: ['Paris', 'Rome'] }],
      ['score', 'number', { required: true, minimum: 0.25, maximum: 1.5 }],
    ]);
    const valid = await run('validate', '--data', 'train.csv', '--schema', 'schema.yaml');
    expect(valid.code, valid.stdout).toBe(0);
    expect(valid.stdout).toMatch(/^valid: true$/m);
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
      /^error: \[validate-data\] Data validation found 2 error\(s\) \(fail-on: error\)/m,
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
