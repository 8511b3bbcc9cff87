import { execFileSync } from 'node:child_process';
import { mkdtemp, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { UserError } from '../../shared/action/errors.js';
import { validateStructured } from '../../shared/files/structured.js';
import { manifestPathProblem, manifestSchema } from '../../shared/lineage/manifest.js';
import { readRuntime, summariseRuntime } from '../../shared/lineage/runtime.js';
import { METRICS_REPORT_FORMAT, metricsReportSchema } from '../../shared/metrics/report.js';
import { tempDir } from '../helpers/temp-dir.js';
import { validManifest } from './manifest-template.js';
import { BOUNDED_CHILD } from '../../harness/runner/bounded-child.js';

const sha = 'a'.repeat(64);

async function refusal(
  change: (manifest: ReturnType<typeof validManifest>) => void,
): Promise<string> {
  const manifest = validManifest();
  change(manifest);
  const text = JSON.stringify(manifest, null, 2);
  const error = await validateStructured(JSON.parse(text), manifestSchema, {
    path: 'model-manifest.json',
    what: 'manifest',
    text,
  }).then(
    () => undefined,
    (caught: unknown) => caught,
  );
  expect(error).toBeInstanceOf(UserError);
  return (error as Error).message;
}

describe('manifest paths', () => {
  it('takes the paths train-model records', () => {
    expect(manifestSchema.parse(validManifest()).outputs).toHaveLength(2);
    for (const path of [
      'model.pkl',
      'model/sub dir/weights.bin',
      'a/.hidden',
      'a/..b/c',
      'é/ü.bin',
    ])
      expect(manifestPathProblem(path), path).toBeUndefined();
  });

  it.each([
    ['/etc/passwd', 'it is absolute'],
    ['C:/x', 'it is absolute'],
    ['../secrets', 'it has a ".." segment'],
    ['model/../../x', 'it has a ".." segment'],
    ['model\\..\\x', 'it holds a "\\"'],
    ['model/x\u0000.bin', 'it holds a control character'],
    ['model/x\n.bin', 'it holds a control character'],
    ['model//x', 'it has an empty segment'],
    ['model/', 'it has an empty segment'],
    ['./model', 'it has a "." segment'],
    ['', 'it is empty'],
    ['a/'.repeat(2100) + 'b', 'it is longer than 4096 characters'],
  ])('refuses the output path %j: %s', async (path, problem) => {
    expect(manifestPathProblem(path)).toContain(problem);
    const message = await refusal((m) => (m.outputs[1]!.path = path));
    expect(message).toMatch(
      /^The manifest "model-manifest\.json" is not valid: "outputs\[1\]\.path" \(line \d+\): must be a relative path inside the working directory, with "\/" separators, but /,
    );
    expect(message).toContain(problem);
    expect(message).not.toContain('\n');
  });

  it('refuses the same paths in data and config, and lets only lock files start with ".."', async () => {
    expect(await refusal((m) => (m.data[0]!.path = '/data/train.csv'))).toMatch(
      /"data\[0\]\.path" \(line \d+\): must be a relative path with "\/" separators, but it is absolute; got "\/data\/train\.csv"/,
    );
    expect(await refusal((m) => (m.config.path = '../../config.json'))).toMatch(
      /"config\.path" \(line \d+\): .*it has a "\.\." segment; got "\.\.\/\.\.\/config\.json"/,
    );
    expect(await refusal((m) => (m.lockFiles[0]!.path = '../a/../b.lock'))).toMatch(
      /"lockFiles\[0\]\.path" \(line \d+\): must be a relative path with "\/" separators, but it has a "\.\." segment after its start/,
    );
    expect(await refusal((m) => (m.lockFiles[0]!.path = '/b.lock'))).toMatch(
      /"lockFiles\[0\]\.path".*it is absolute/,
    );
  });

  it('refuses an output listed twice, or inside another output', async () => {
    expect(await refusal((m) => (m.outputs[1]!.path = 'model/model.json'))).toMatch(
      /"outputs\[1\]\.path" \(line \d+\): lists "model\/model\.json" a second time \(also at outputs\[0\]\)/,
    );
    expect(
      await refusal((m) => m.outputs.push({ path: 'model/model.json/x', sha256: sha, bytes: 1 })),
    ).toMatch(
      /"outputs\[2\]\.path" \(line \d+\): puts "model\/model\.json\/x" inside "model\/model\.json", which is listed as a file/,
    );
    expect(
      await refusal((m) => m.outputs.push({ path: 'model/model.json/x/y', sha256: sha, bytes: 1 })),
    ).toMatch(/puts "model\/model\.json\/x\/y" inside "model\/model\.json"/);
    // A sibling whose name merely starts with a listed file's name is fine.
    expect(
      manifestSchema.safeParse({
        ...validManifest(),
        outputs: [...validManifest().outputs, { path: 'model/model.json-b/x', sha256: sha }],
      }).success,
    ).toBe(true);
  });
});

describe('identifiers in files', () => {
  it.each(['../../x', '$(id)', 'a b', 'v1;rm -rf /', '1\n2', 'x'.repeat(300)])(
    'refuses the manifest version %j, naming the field and the rule',
    async (version) => {
      const message = await refusal((m) => (m.model.version = version));
      expect(message).toMatch(
        /^The manifest "model-manifest\.json" is not valid: "model\.version" \(line 5\): must start and end with a letter or digit .*; got "/,
      );
      expect(message).not.toContain('\n');
    },
  );

  it('refuses a manifest model name outside the alphabet', async () => {
    expect(await refusal((m) => (m.model.name = 'churn`id`'))).toMatch(
      /"model\.name" \(line 4\): must start with a letter or digit and use only letters.*; got "churn`id`"/,
    );
  });

  it('refuses a metrics report whose model or version is not an identifier', () => {
    const report = {
      format: METRICS_REPORT_FORMAT,
      model: 'churn',
      version: 'aaaaaaaaaaaa',
      metrics: { accuracy: { value: 0.9 } },
    };
    expect(metricsReportSchema.safeParse(report).success).toBe(true);
    expect(
      metricsReportSchema.safeParse({ ...report, version: '$(id)' }).error?.issues[0],
    ).toMatchObject({ path: ['version'], message: expect.stringMatching(/; got "\$\(id\)"$/) });
    expect(
      metricsReportSchema.safeParse({ ...report, model: '../x' }).error?.issues[0],
    ).toMatchObject({ path: ['model'] });
  });
});

describe('manifest runtime', () => {
  const runtime = {
    python: {
      version: '3.11.7',
      implementation: 'CPython',
      packages: [
        { name: 'numpy', version: '1.26.4' },
        { name: 'scikit-learn', version: '1.4.2' },
      ],
    },
    image: { os: 'ubuntu24', version: '20250105.1.0' },
    osRelease: { id: 'ubuntu', versionId: '24.04', prettyName: 'Ubuntu 24.04.1 LTS' },
  };

  it('reads a manifest written before the runtime was recorded, and one with it', () => {
    const old = validManifest();
    expect('runtime' in old).toBe(false);
    expect(manifestSchema.parse(old).runtime).toBeUndefined();
    expect(manifestSchema.parse({ ...old, runtime }).runtime).toEqual(runtime);
  });

  it('refuses a runtime past its bounds', async () => {
    const many = Array.from({ length: 20_001 }, (_, i) => ({ name: `p${i}`, version: '1' }));
    expect(
      await refusal((m) =>
        Object.assign(m, { runtime: { python: { version: '3', packages: many } } }),
      ),
    ).toMatch(/runtime\.python\.packages/);
    expect(
      await refusal((m) => Object.assign(m, { runtime: { r: { version: 'x'.repeat(501) } } })),
    ).toMatch(/runtime\.r\.version/);
  });

  it('summarises to versions, image, OS and a digest of the packages that changes with any of them', () => {
    const summary = summariseRuntime(runtime)!;
    expect(summary).toMatchObject({
      python: '3.11.7',
      image: 'ubuntu24 20250105.1.0',
      os: 'Ubuntu 24.04.1 LTS',
      packages: { count: 2 },
    });
    const bumped = structuredClone(runtime);
    bumped.python.packages[1]!.version = '1.5.0';
    expect(summariseRuntime(bumped)!.packages!.sha256).not.toBe(summary.packages!.sha256);
    expect(summariseRuntime(structuredClone(runtime))).toEqual(summary);
    expect(summariseRuntime(undefined)).toBeUndefined();
  });
});

describe('readRuntime', () => {
  const scratch = tempDir('mlops-runtime-');
  /** A folder with executables `name` that run `script` (bash), for PATH. */
  async function binWith(programs: Record<string, string>): Promise<string> {
    const dir = await mkdtemp(join(await scratch, 'bin-'));
    for (const [name, script] of Object.entries(programs))
      await writeFile(join(dir, name), `#!/bin/bash\n${script}\n`, { mode: 0o755 });
    return dir;
  }

  it('reads the Python on PATH with every installed distribution, the image variables and /etc/os-release', async () => {
    const runtime = await readRuntime(
      { PATH: process.env.PATH, ImageOS: 'ubuntu24', ImageVersion: '20250105.1' },
      process.cwd(),
    );
    const expected = execFileSync(
      'python3',
      ['-c', 'import platform; print(platform.python_version())'],
      {
        encoding: 'utf8',
        ...BOUNDED_CHILD,
      },
    ).trim();
    expect(runtime.python?.version).toBe(expected);
    const listed = JSON.parse(
      execFileSync(
        'python3',
        [
          '-c',
          'import json; from importlib import metadata; print(json.dumps(sorted({d.metadata["Name"].lower() for d in metadata.distributions() if d.metadata["Name"]})))',
        ],
        { encoding: 'utf8', ...BOUNDED_CHILD },
      ),
    ) as string[];
    expect(runtime.python?.packages?.map((p) => p.name.toLowerCase()).sort()).toEqual(listed);
    expect(runtime.image).toEqual({ os: 'ubuntu24', version: '20250105.1' });
    const release = await readFile('/etc/os-release', 'utf8').catch(() => '');
    const pretty = /^PRETTY_NAME="?([^"\n]*)"?$/m.exec(release)?.[1];
    expect(runtime.osRelease?.prettyName).toBe(pretty);
  });

  it('takes R when Rscript is there, and leaves out an interpreter that fails, is missing or talks nonsense', async () => {
    const bin = await binWith({
      python3: 'echo "not json"',
      python: 'exit 3',
      Rscript: 'printf 4.3.2',
    });
    const runtime = await readRuntime({ PATH: bin }, process.cwd());
    expect(runtime.python).toBeUndefined();
    expect(runtime.r).toEqual({ version: '4.3.2' });
    expect(runtime.image).toBeUndefined();
    const none = await readRuntime({ PATH: await binWith({}) }, process.cwd());
    expect(none.python).toBeUndefined();
    expect(none.r).toBeUndefined();
  });

  it('runs the interpreter with an argument list: nothing in the environment is interpreted by a shell', async () => {
    const bin = await binWith({ python3: 'printf "%s\\n" "$@" > "$OUT"; exit 1' });
    const out = join(await scratch, 'args.txt');
    await readRuntime({ PATH: bin, OUT: out }, process.cwd());
    const args = (await readFile(out, 'utf8')).split('\n');
    expect(args[0]).toBe('-c');
    expect(args.join('\n')).toContain('importlib');
  });
});
