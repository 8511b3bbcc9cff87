import { stat, writeFile } from 'node:fs/promises';
import { arch } from 'node:os';
import { dirname, join } from 'node:path';
import { createStepDir, type StepEnvironment } from '../../../shared/action/context.js';
import { UserError } from '../../../shared/action/errors.js';
import type { ActionDefinition } from '../../../shared/action/run-action.js';
import type { Runner } from '../../../shared/action/runner.js';
import { artifactServiceAvailable, MANIFEST_FILE, uploadModelArtifact } from '../../../shared/artifacts/model-artifact.js';
import { restoreTrainingOutputs, saveTrainingOutputs, trainingCacheKey } from '../../../shared/cache/training-cache.js';
import { ACTION_VERSION } from '../../../shared/action/version.js';
import { confinePath, confinePaths, stepConfinement } from '../../../shared/files/confine.js';
import { expandPaths } from '../../../shared/files/expand.js';
import { sha256File } from '../../../shared/files/hash.js';
import { hashCodeTree, type CodeTree } from '../../../shared/lineage/code-tree.js';
import { findDependencyFiles, unpinnedDependencies, type PinFinding } from '../../../shared/lineage/pins.js';
import { canonicalConfigSha256, computeFingerprint, hashFiles, portablePath, versionOf } from '../../../shared/lineage/fingerprint.js';
import { MANIFEST_FORMAT, manifestSchema, type Manifest } from '../../../shared/lineage/manifest.js';
import { validateStructured } from '../../../shared/files/structured.js';
import { describeOutputs } from '../../../shared/lineage/outputs.js';
import { runShellCommand } from '../../../shared/lineage/run-command.js';
import { escapeMarkdown, inlineCode } from '../../../shared/markdown/escape.js';
import { inputs, type Inputs } from './inputs.js';
import type { OUTPUTS } from './outputs.js';

export const trainModel: ActionDefinition<typeof inputs> = {
  name: 'train-model',
  inputs,
  async run(input: Inputs, runner: Runner, step: StepEnvironment) {
    const context = step.context();
    const confinement = await stepConfinement(context.workspace, context.tempDir);
    const cwd = await confinePath(input['working-directory'], confinement, { what: 'working directory', input: 'working-directory', baseDir: process.cwd(), kind: 'folder' });
    await requireDirectory(cwd);
    if (input.outputs.length === 0) throw new UserError('Input "outputs" lists no files: name the model file the command writes (one path per line).');
    const inside = (what: string, name: string, kind?: 'any') => (paths: readonly string[]) => confinePaths(paths, confinement, { what, input: name, baseDir: cwd, kind });

    const configPath = (await inside('config file', 'config')([input.config]))[0]!;
    const configCanonical = await canonicalConfigSha256(input.config, cwd);
    const dataPaths = await expandPaths(input.data ?? [], cwd, 'data file');
    await inside('data file', 'data')(dataPaths);
    const data = await hashFiles(dataPaths, cwd, 'data file');
    const outputPaths = await inside('output', 'outputs', 'any')(input.outputs);
    const code = await hashCodeTree(input.code, cwd, outputPaths, inside('code file', 'code'));
    if (code.source === 'none') {
      const why = code.problem ?? 'The working directory is not in a git repository';
      runner.warning(`${why} and input "code" is empty, so no code is part of the fingerprint: list the code that trains the model in "code".`);
    }
    const dependencyFiles = await findDependencyFiles([cwd, dirname(configPath), ...(code.root ? [code.root] : [])]);
    await inside('dependency file', 'working-directory')([...dependencyFiles.locks, ...dependencyFiles.manifests]);
    const lockFiles = await hashFiles(dependencyFiles.locks, cwd, 'lock file');
    const unpinned = input['strict-pins'] === 'off' ? [] : await unpinnedDependencies(dependencyFiles, (path) => portablePath(path, context.workspace));
    reportUnpinned(unpinned, input['strict-pins'], runner);
    const platform = { os: process.platform, arch: arch() };
    const fingerprint = computeFingerprint({ configSha256: configCanonical, data, codeSha256: code.sha256, lockFiles, command: input.run, seed: input.seed, platform, actionVersion: ACTION_VERSION });
    const version = versionOf(fingerprint);
    runner.info(
      `Fingerprint ${fingerprint} (version ${version}) over the config, ${data.length} data file(s), the code (${describeCode(code)}), ${lockFiles.length} lock file(s)${lockFiles.length ? ` (${lockFiles.map((l) => l.path).join(', ')})` : ''}, the command, seed ${input.seed}, ${platform.os}/${platform.arch} and mlops-actions ${ACTION_VERSION}.`,
    );

    const cacheArgs = { model: input['model-name'], fingerprint, outputs: outputPaths, baseDir: cwd, workspace: context.workspace, log: runner };
    const cached = input.cache ? await restoreTrainingOutputs(cacheArgs) : undefined;
    const environment = trainingPins(input, configPath);
    let training: Manifest['training'];
    if (cached) {
      training = { ...cached.training, restoredFrom: { runUrl: cached.git.runUrl, startedAt: cached.training.startedAt } };
      runner.info(`Restored the outputs of fingerprint ${fingerprint.slice(0, 12)} from the cache; skipped training that took ${cached.training.durationSeconds.toFixed(1)} s.`);
    } else {
      const startedAt = new Date().toISOString();
      const { durationSeconds } = await runner.group(`Training ${input['model-name']}`, () =>
        runShellCommand(input.run, { cwd, env: { ...runnerEnvironment(step.env), ...environment }, tempDir: context.tempDir }),
      );
      training = { startedAt, durationSeconds };
      runner.info(`Training took ${durationSeconds.toFixed(1)} s.`);
    }
    const outputs = await describeOutputs(input.outputs, cwd, inside('output', 'outputs'));
    if (cached && !sameOutputs(cached.outputs, outputs)) throw new UserError(`The outputs restored from the cache for fingerprint ${fingerprint.slice(0, 12)} do not match the manifest they were saved with. Delete the cache entry ${trainingCacheKey(input['model-name'], fingerprint)} and run again.`);

    const manifest: Manifest = {
      format: MANIFEST_FORMAT,
      model: { name: input['model-name'], version },
      fingerprint,
      config: { path: portablePath(input.config, cwd), sha256: await sha256File(input.config, 'config file', cwd), canonicalSha256: configCanonical },
      data,
      code: { source: code.source, sha256: code.sha256, files: code.files },
      lockFiles,
      unpinned: unpinned.map((f) => `${f.file}:${f.line}: ${f.message}`),
      command: input.run,
      environment: { ...environment, MLOPS_CONFIG: portablePath(input.config, cwd) },
      seed: input.seed,
      workingDirectory: input['working-directory'],
      outputs,
      runner: { os: context.runnerOs, arch: platform.arch, node: process.version, platform: platform.os },
      actionVersion: ACTION_VERSION,
      git: { repository: context.repository, sha: context.sha, ref: context.ref, runId: context.runId, runUrl: context.runUrl },
      training,
    };
    // The steps that read the manifest refuse paths that leave the working directory: say so here.
    await validateStructured(manifest, manifestSchema, { path: MANIFEST_FILE, what: 'manifest train-model writes' });
    const dir = await createStepDir(context.tempDir, 'train-model', input['model-name']);
    const manifestPath = join(dir, MANIFEST_FILE);
    await writeFile(manifestPath, JSON.stringify(manifest, null, 2) + '\n');
    if (input.cache && !cached) await saveTrainingOutputs({ ...cacheArgs, manifest });
    const artifact = artifactServiceAvailable(step.env)
      ? await uploadModelArtifact({ manifest, manifestPath, baseDir: cwd, stagingDir: join(dir, 'artifact'), log: runner })
      : undefined;
    if (!artifact) runner.info('No artifact service here (not a GitHub runner), so the model was not uploaded as an artifact.');

    runner.appendSummary(renderTrainingSummary(manifest));
    const set = (name: (typeof OUTPUTS)[number], value: string) => runner.setOutput(name, value);
    set('fingerprint', fingerprint);
    set('version', version);
    set('manifest', manifestPath);
    set('model-path', outputPaths[0]!);
    set('cache-hit', String(Boolean(cached)));
    set('artifact-name', artifact?.name ?? '');
    set('artifact-id', artifact ? String(artifact.id) : '');
  },
};

function sameOutputs(a: Manifest['outputs'], b: Manifest['outputs']): boolean {
  return JSON.stringify(a.map((o) => [o.path, o.sha256])) === JSON.stringify(b.map((o) => [o.path, o.sha256]));
}

/**
 * The environment a `run:` step would have: the runner's, less this action's inputs and the
 * tokens the runner gives only to actions (the artifact and cache service's ACTIONS_RUNTIME_TOKEN,
 * the OIDC request token). The command is the pull request's code.
 */
function runnerEnvironment(env: StepEnvironment['env']): NodeJS.ProcessEnv {
  return Object.fromEntries(Object.entries(env).filter(([name]) => !name.startsWith('INPUT_') && !ACTION_ONLY_VARIABLES.has(name)));
}

const ACTION_ONLY_VARIABLES = new Set([
  'ACTIONS_RUNTIME_TOKEN',
  'ACTIONS_RUNTIME_URL',
  'ACTIONS_RESULTS_URL',
  'ACTIONS_CACHE_URL',
  'ACTIONS_CACHE_SERVICE_V2',
  'ACTIONS_ID_TOKEN_REQUEST_TOKEN',
  'ACTIONS_ID_TOKEN_REQUEST_URL',
]);

/**
 * What the command gets in its environment beside the runner's: the config and the seed, and
 * the switches that make common frameworks deterministic (cuBLAS workspace for PyTorch on
 * GPUs, TensorFlow's deterministic ops, Lightning's global seed, Python's hash seed).
 */
function trainingPins(input: Inputs, configPath: string): Record<string, string> {
  const seed = String(input.seed);
  return {
    MLOPS_MODEL_NAME: input['model-name'],
    MLOPS_CONFIG: configPath,
    MLOPS_SEED: seed,
    PYTHONHASHSEED: seed,
    PL_GLOBAL_SEED: seed,
    CUBLAS_WORKSPACE_CONFIG: ':4096:8',
    TF_DETERMINISTIC_OPS: '1',
    TF_CUDNN_DETERMINISTIC: '1',
  };
}

const MAX_PIN_ANNOTATIONS = 10;

/** Unpinned dependencies: an error naming each (strict-pins: error), or a warning annotation on each line. */
function reportUnpinned(findings: readonly PinFinding[], mode: Inputs['strict-pins'], runner: Runner) {
  if (findings.length === 0 || mode === 'off') return;
  const located = findings.map((f) => `${f.file}:${f.line}: ${f.message}`);
  if (mode === 'error') {
    throw new UserError(`strict-pins is "error" and ${findings.length} dependenc${findings.length === 1 ? 'y is' : 'ies are'} not pinned: ${located.join(' ')} Pin them, or set strict-pins to warn.`);
  }
  // GitHub shows at most 10 annotations per level per step: the rest go to the log.
  findings.slice(0, MAX_PIN_ANNOTATIONS).forEach((f) => runner.warning(`Unpinned dependency: ${f.message}`, { file: f.file, line: f.line, title: 'strict-pins' }));
  if (findings.length > MAX_PIN_ANNOTATIONS) runner.info(`More unpinned dependencies:\n${located.slice(MAX_PIN_ANNOTATIONS).join('\n')}`);
}

function describeCode(code: CodeTree): string {
  if (code.source === 'git') return `${code.files} tracked file(s) of the git repository`;
  if (code.source === 'paths') return `${code.files} file(s) named in "code"`;
  return 'none';
}

async function requireDirectory(path: string) {
  const info = await stat(path).catch(() => undefined);
  if (!info?.isDirectory()) throw new UserError(`Input "working-directory" is "${path}", which is not a directory.`);
}

function renderTrainingSummary(manifest: Manifest): string {
  const rows = manifest.outputs.map((o) => `| ${inlineCode(o.path)} | ${o.bytes ?? ''} | \`${o.sha256.slice(0, 16)}…\` |`).join('\n');
  return [
    `### 🧪 Trained ${escapeMarkdown(manifest.model.name)} version \`${manifest.model.version}\``,
    `Fingerprint \`${manifest.fingerprint}\` over the config, ${manifest.data.length} data file(s), the code, ${manifest.lockFiles?.length ?? 0} lock file(s), the command and seed ${manifest.seed}; training took ${manifest.training.durationSeconds.toFixed(1)} s.`,
    ...(manifest.unpinned?.length ? [`⚠️ ${manifest.unpinned.length} unpinned dependenc${manifest.unpinned.length === 1 ? 'y' : 'ies'}: ${manifest.unpinned.map((u) => inlineCode(u)).join(', ')}`] : []),
    '| Output | Bytes | sha256 |\n| --- | --- | --- |\n' + rows,
  ].join('\n\n');
}
