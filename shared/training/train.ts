/**
 * train-model's training of a model, from its inputs to the manifest: the paths confined to the
 * workspace, the fingerprint over everything that decides the model (config, data, code, lock
 * files, command, seed, platform), the command run with its pins (or its outputs restored from
 * the cache), and the manifest that records all of it, written and uploaded as an artifact.
 */
import { stat, writeFile } from 'node:fs/promises';
import { arch } from 'node:os';
import { dirname, join } from 'node:path';
import { createStepDir, type StepEnvironment } from '../action/context.js';
import { UserError } from '../action/errors.js';
import type { Logger, Runner } from '../action/runner.js';
import { ACTION_VERSION } from '../action/version.js';
import {
  artifactServiceAvailable,
  MANIFEST_FILE,
  uploadModelArtifact,
  type UploadedArtifact,
} from '../artifacts/model-artifact.js';
import {
  cachedTrainingExists,
  restoreTrainingOutputs,
  saveTrainingOutputs,
  trainingCacheKey,
} from '../cache/training-cache.js';
import { confinePath, confinePaths, stepConfinement, type Confinement } from '../files/confine.js';
import { expandPaths } from '../files/expand.js';
import { sha256File, sha256Text } from '../files/hash.js';
import { readUserFile } from '../files/read-file.js';
import { validateStructured } from '../files/structured.js';
import { canonicalConfigLeaves } from '../lineage/canonical-config.js';
import { hashCodeTree, type CodeTree } from '../lineage/code-tree.js';
import { hidePatterns, recordConfigValues } from '../lineage/config-diff.js';
import {
  canonicalConfigSha256,
  computeFingerprint,
  hashFiles,
  portablePath,
  versionOf,
} from '../lineage/fingerprint.js';
import { MANIFEST_FORMAT, manifestSchema, type Manifest } from '../lineage/manifest.js';
import { describeOutputs } from '../lineage/outputs.js';
import { resolveOwner } from '../lineage/owner.js';
import { findDependencyFiles, inspectDependencies, type PinFinding } from '../lineage/pins.js';
import { runShellCommand } from '../lineage/run-command.js';
import { readRuntime, type Runtime } from '../lineage/runtime.js';
import { runStepEnvironment, trainingPins } from './environment.js';

type StrictPins = 'error' | 'warn' | 'off';

export interface TrainingRequest {
  model: string;
  command: string;
  config: string;
  data: readonly string[];
  code?: readonly string[];
  outputs: readonly string[];
  seed: number;
  cache: boolean;
  strictPins: StrictPins;
  workingDirectory: string;
  /** `hide-config-keys`: dotted keys or globs whose values the manifest must not record. */
  hideConfigKeys?: readonly string[];
  /** `owner`: the model's owners as handles; empty or absent: from CODEOWNERS (owner.ts). */
  owner?: readonly string[];
}

export interface TrainingOutcome {
  manifest: Manifest;
  manifestPath: string;
  /** The first output, resolved: the model file. */
  modelPath: string;
  cacheHit: boolean;
  artifact?: UploadedArtifact;
}

type Inside = (
  what: string,
  input: string,
  kind?: 'any',
) => (paths: readonly string[]) => Promise<string[]>;

/** The paths confined and everything that decides the model hashed: what a run would be, before it runs. */
async function prepareTraining(request: TrainingRequest, step: StepEnvironment, runner: Runner) {
  const context = step.context();
  const confinement = await stepConfinement(context.workspace, context.tempDir);
  const cwd = await confinePath(request.workingDirectory, confinement, {
    what: 'working directory',
    input: 'working-directory',
    baseDir: process.cwd(),
    kind: 'folder',
  });
  await requireDirectory(cwd);
  if (request.outputs.length === 0)
    throw new UserError(
      'Input "outputs" lists no files: name the model file the command writes (one path per line).',
    );
  const inside = confinedTo(confinement, cwd);
  const lineage = await fingerprintInputs(request, cwd, inside, confinement, runner);
  const cacheArgs = {
    model: request.model,
    fingerprint: lineage.fingerprint,
    outputs: lineage.outputPaths,
    baseDir: cwd,
    workspace: context.workspace,
    log: runner,
  };
  return { context, cwd, inside, lineage, cacheArgs, confinement };
}

export interface TrainingPlan {
  fingerprint: string;
  version: string;
  cacheKey: string;
  /** Whether the run cache holds this fingerprint's outputs; undefined where no cache service is reachable. */
  cacheHit: boolean | undefined;
}

/**
 * What a training run would be, without running it (the command line's `train --dry-run`): the
 * same confinement, fingerprint and cache key as trainAndRecord, and a look-up of the cache.
 */
export async function planTraining(
  request: TrainingRequest,
  step: StepEnvironment,
  runner: Runner,
): Promise<TrainingPlan> {
  const { lineage, cacheArgs } = await prepareTraining(request, step, runner);
  return {
    fingerprint: lineage.fingerprint,
    version: lineage.version,
    cacheKey: trainingCacheKey(request.model, lineage.fingerprint),
    cacheHit: await cachedTrainingExists(cacheArgs),
  };
}

export async function trainAndRecord(
  request: TrainingRequest,
  step: StepEnvironment,
  runner: Runner,
): Promise<TrainingOutcome> {
  const { context, cwd, inside, lineage, cacheArgs, confinement } = await prepareTraining(
    request,
    step,
    runner,
  );
  const { fingerprint } = lineage;
  const restoreStarted = performance.now();
  const cached = request.cache ? await restoreTrainingOutputs(cacheArgs) : undefined;
  const restoreSeconds = (performance.now() - restoreStarted) / 1000;
  const environment = trainingPins(request.model, lineage.configPath, request.seed);
  const commandEnv = { ...runStepEnvironment(step.env), ...environment };
  let training: Manifest['training'];
  let runtime: Runtime | undefined;
  if (cached) {
    // The outputs are the earlier run's: so is what they were trained on.
    runtime = cached.runtime;
    training = {
      ...cached.training,
      restoredFrom: {
        runUrl: cached.git.runUrl,
        startedAt: cached.training.startedAt,
        restoreSeconds,
      },
    };
    runner.info(
      `Restored the outputs of fingerprint ${fingerprint.slice(0, 12)} from the cache in ${restoreSeconds.toFixed(1)} s; skipped training that took ${cached.training.durationSeconds.toFixed(1)} s.`,
    );
  } else {
    const startedAt = new Date().toISOString();
    const { durationSeconds } = await runner.group(`Training ${request.model}`, () =>
      runShellCommand(request.command, { cwd, env: commandEnv, tempDir: context.tempDir }),
    );
    training = { startedAt, durationSeconds };
    runtime = await readRuntime(commandEnv, cwd);
    runner.info(`Training took ${durationSeconds.toFixed(1)} s.`);
  }
  const outputs = await describeOutputs(request.outputs, cwd, inside('output', 'outputs'));
  if (cached && !sameOutputs(cached.outputs, outputs))
    throw new UserError(
      `The outputs restored from the cache for fingerprint ${fingerprint.slice(0, 12)} do not match the manifest they were saved with. Delete the cache entry ${trainingCacheKey(request.model, fingerprint)} and run again.`,
    );
  // Read now, not from a cached manifest: ownership may have changed since that run.
  const owner = await resolveOwner({
    handles: request.owner,
    code: request.code,
    cwd,
    confinement,
    log: runner,
  });

  const manifest: Manifest = {
    format: MANIFEST_FORMAT,
    model: { name: request.model, version: lineage.version },
    fingerprint,
    config: {
      path: portablePath(request.config, cwd),
      sha256: await sha256File(request.config, 'config file', cwd),
      canonicalSha256: lineage.configCanonical,
      ...(await configValues(request, cwd)),
    },
    data: lineage.data,
    code: { source: lineage.code.source, sha256: lineage.code.sha256, files: lineage.code.files },
    lockFiles: lineage.lockFiles,
    unpinned: lineage.unpinned.map((f) => `${f.file}:${f.line}: ${f.message}`),
    command: request.command,
    environment: { ...environment, MLOPS_CONFIG: portablePath(request.config, cwd) },
    seed: request.seed,
    workingDirectory: request.workingDirectory,
    outputs,
    runner: {
      os: context.runnerOs,
      arch: lineage.platform.arch,
      node: process.version,
      platform: lineage.platform.os,
    },
    ...(runtime ? { runtime } : {}),
    ...(owner ? { owner } : {}),
    actionVersion: ACTION_VERSION,
    git: {
      repository: context.repository,
      sha: context.sha,
      ref: context.ref,
      runId: context.runId,
      runUrl: context.runUrl,
    },
    training,
  };
  // The steps that read the manifest refuse paths that leave the working directory: say so here.
  await validateStructured(manifest, manifestSchema, {
    path: MANIFEST_FILE,
    what: 'manifest train-model writes',
  });
  const dir = await createStepDir(context.tempDir, 'train-model', request.model);
  const manifestPath = join(dir, MANIFEST_FILE);
  await writeFile(manifestPath, JSON.stringify(manifest, null, 2) + '\n');
  if (request.cache && !cached) await saveTrainingOutputs({ ...cacheArgs, manifest });
  const artifact = artifactServiceAvailable(step.env)
    ? await uploadModelArtifact({
        manifest,
        manifestPath,
        baseDir: cwd,
        stagingDir: join(dir, 'artifact'),
        log: runner,
      })
    : undefined;
  if (!artifact)
    runner.info(
      'No artifact service here (not a GitHub runner), so the model was not uploaded as an artifact.',
    );
  return {
    manifest,
    manifestPath,
    modelPath: lineage.outputPaths[0]!,
    cacheHit: Boolean(cached),
    artifact,
  };
}

/** The config's values for the comment's "Config changes", credentials and `hide-config-keys` hidden. */
async function configValues(request: TrainingRequest, cwd: string): Promise<ConfigValueFields> {
  const text = await readUserFile(request.config, 'config file', cwd);
  const recorded = recordConfigValues(
    await canonicalConfigLeaves(text, request.config),
    hidePatterns(request.hideConfigKeys ?? []),
    sha256Text,
  );
  return {
    values: recorded.values,
    ...(recorded.omitted ? { valuesOmitted: recorded.omitted } : {}),
  };
}

type ConfigValueFields = Pick<Manifest['config'], 'values' | 'valuesOmitted'>;

function confinedTo(confinement: Confinement, cwd: string): Inside {
  return (what, input, kind) => (paths) =>
    confinePaths(paths, confinement, { what, input, baseDir: cwd, kind });
}

/** Hashes everything that decides the model, and reports what it could not pin. */
async function fingerprintInputs(
  request: TrainingRequest,
  cwd: string,
  inside: Inside,
  confinement: Confinement,
  log: Logger,
) {
  const configPath = (await inside('config file', 'config')([request.config]))[0]!;
  const configCanonical = await canonicalConfigSha256(request.config, cwd);
  const dataPaths = await expandPaths(request.data, cwd, 'data file');
  await inside('data file', 'data')(dataPaths);
  const data = await hashFiles(dataPaths, cwd, 'data file');
  const outputPaths = await inside('output', 'outputs', 'any')(request.outputs);
  const code = await hashCodeTree(
    request.code,
    cwd,
    [...outputPaths, configPath],
    inside('code file', 'code'),
  );
  if (code.source === 'none') {
    const why = code.problem ?? 'The working directory is not in a git repository';
    log.warning(
      `${why} and input "code" is empty, so no code is part of the fingerprint: list the code that trains the model in "code".`,
    );
  }
  const dependencyFiles = await findDependencyFiles(
    [cwd, dirname(configPath), ...(code.root ? [code.root] : [])],
    cwd,
    outputPaths,
  );
  await inside(
    'dependency file',
    'working-directory',
  )([...dependencyFiles.locks, ...dependencyFiles.manifests]);
  // Always read: the files that `-r` and `-c` include pin too, so they are part of the fingerprint.
  const dependencies = await inspectDependencies(dependencyFiles, {
    show: (path) => portablePath(path, confinement.workspace),
    confine: (target, from) =>
      confinePath(target, confinement, {
        what: `requirements file included by ${portablePath(from, confinement.workspace)}`,
        baseDir: dirname(from),
        kind: 'any',
      }),
  });
  const lockFiles = await hashFiles(
    [...dependencyFiles.locks, ...dependencies.included],
    cwd,
    'lock file',
  );
  const unpinned = request.strictPins === 'off' ? [] : dependencies.findings;
  reportUnpinned(unpinned, request.strictPins, log);
  const platform = { os: process.platform, arch: arch() };
  const fingerprint = computeFingerprint({
    configSha256: configCanonical,
    data,
    codeSha256: code.sha256,
    lockFiles,
    command: request.command,
    seed: request.seed,
    platform,
    actionVersion: ACTION_VERSION,
  });
  const version = versionOf(fingerprint);
  log.info(
    `Fingerprint ${fingerprint} (version ${version}) over the config, ${data.length} data file(s), the code (${describeCode(code)}), ${lockFiles.length} lock file(s)${lockFiles.length ? ` (${lockFiles.map((l) => l.path).join(', ')})` : ''}, the command, seed ${request.seed}, ${platform.os}/${platform.arch} and mlops-actions ${ACTION_VERSION}.`,
  );
  return {
    configPath,
    configCanonical,
    data,
    outputPaths,
    code,
    lockFiles,
    unpinned,
    platform,
    fingerprint,
    version,
  };
}

/** The same files with the same content, in any order (`outputs` may list them in another). */
function sameOutputs(a: Manifest['outputs'], b: Manifest['outputs']): boolean {
  const key = (outputs: Manifest['outputs']) =>
    JSON.stringify(outputs.map((o) => [o.path, o.sha256]).sort());
  return key(a) === key(b);
}

const MAX_PIN_ANNOTATIONS = 10;

/** Unpinned dependencies: an error naming each (strict-pins: error), or a warning annotation on each line. */
function reportUnpinned(findings: readonly PinFinding[], mode: StrictPins, log: Logger) {
  if (findings.length === 0 || mode === 'off') return;
  const located = findings.map((f) => `${f.file}:${f.line}: ${f.message}`);
  if (mode === 'error') {
    throw new UserError(
      `strict-pins is "error" and ${findings.length} dependenc${findings.length === 1 ? 'y is' : 'ies are'} not pinned: ${located.join(' ')} Pin them, or set strict-pins to warn.`,
    );
  }
  // GitHub shows at most 10 annotations per level per step: the rest go to the log.
  findings.slice(0, MAX_PIN_ANNOTATIONS).forEach((f) =>
    log.warning(`Unpinned dependency: ${f.message}`, {
      file: f.file,
      line: f.line,
      title: 'strict-pins',
    }),
  );
  if (findings.length > MAX_PIN_ANNOTATIONS)
    log.info(`More unpinned dependencies:\n${located.slice(MAX_PIN_ANNOTATIONS).join('\n')}`);
}

function describeCode(code: CodeTree): string {
  if (code.source === 'git') return `${code.files} tracked file(s) of the git repository`;
  if (code.source === 'paths') return `${code.files} file(s) named in "code"`;
  return 'none';
}

async function requireDirectory(path: string) {
  const info = await stat(path).catch(() => undefined);
  if (!info?.isDirectory())
    throw new UserError(`Input "working-directory" is "${path}", which is not a directory.`);
}
