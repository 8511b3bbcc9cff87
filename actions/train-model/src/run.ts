import { stat, writeFile } from 'node:fs/promises';
import { arch } from 'node:os';
import { join, resolve } from 'node:path';
import { createStepDir, readRunContext } from '../../../shared/action/context.js';
import { UserError } from '../../../shared/action/errors.js';
import type { ActionDefinition } from '../../../shared/action/run-action.js';
import type { Runner } from '../../../shared/action/runner.js';
import { artifactServiceAvailable, MANIFEST_FILE, uploadModelArtifact } from '../../../shared/artifacts/model-artifact.js';
import { restoreTrainingOutputs, saveTrainingOutputs, trainingCacheKey } from '../../../shared/cache/training-cache.js';
import { sha256File } from '../../../shared/files/hash.js';
import { canonicalConfigSha256, computeFingerprint, hashFiles, portablePath, versionOf } from '../../../shared/lineage/fingerprint.js';
import { MANIFEST_FORMAT, type Manifest } from '../../../shared/lineage/manifest.js';
import { describeOutputs } from '../../../shared/lineage/outputs.js';
import { runShellCommand } from '../../../shared/lineage/run-command.js';
import { escapeMarkdown, inlineCode } from '../../../shared/markdown/escape.js';
import { inputs, type Inputs } from './inputs.js';
import type { OUTPUTS } from './outputs.js';

export const trainModel: ActionDefinition<typeof inputs> = {
  name: 'train-model',
  inputs,
  async run(input: Inputs, runner: Runner) {
    const context = readRunContext();
    const cwd = resolve(input['working-directory']);
    await requireDirectory(cwd);
    if (input.outputs.length === 0) throw new UserError('Input "outputs" lists no files: name the model file the command writes (one path per line).');

    const configPath = resolve(cwd, input.config);
    const configCanonical = await canonicalConfigSha256(input.config, cwd);
    const data = await hashFiles(input.data ?? [], cwd, 'data file');
    const fingerprint = computeFingerprint({ configSha256: configCanonical, data, command: input.run, seed: input.seed });
    const version = versionOf(fingerprint);
    runner.info(`Fingerprint ${fingerprint} (version ${version}) over the config, ${data.length} data file(s), the command and seed ${input.seed}.`);

    const outputPaths = input.outputs.map((path) => resolve(cwd, path));
    const cacheArgs = { model: input['model-name'], fingerprint, outputs: outputPaths, baseDir: cwd, workspace: context.workspace, log: runner };
    const cached = input.cache ? await restoreTrainingOutputs(cacheArgs) : undefined;
    let training: Manifest['training'];
    if (cached) {
      training = { ...cached.training, restoredFrom: { runUrl: cached.git.runUrl, startedAt: cached.training.startedAt } };
      runner.info(`Restored the outputs of fingerprint ${fingerprint.slice(0, 12)} from the cache; skipped training that took ${cached.training.durationSeconds.toFixed(1)} s.`);
    } else {
      const startedAt = new Date().toISOString();
      const { durationSeconds } = await runner.group(`Training ${input['model-name']}`, () =>
        runShellCommand(input.run, { cwd, env: trainingEnvironment(input, configPath), tempDir: context.tempDir }),
      );
      training = { startedAt, durationSeconds };
      runner.info(`Training took ${durationSeconds.toFixed(1)} s.`);
    }
    const outputs = await describeOutputs(input.outputs, cwd);
    if (cached && !sameOutputs(cached.outputs, outputs)) throw new UserError(`The outputs restored from the cache for fingerprint ${fingerprint.slice(0, 12)} do not match the manifest they were saved with. Delete the cache entry ${trainingCacheKey(input['model-name'], fingerprint)} and run again.`);

    const manifest: Manifest = {
      format: MANIFEST_FORMAT,
      model: { name: input['model-name'], version },
      fingerprint,
      config: { path: portablePath(input.config, cwd), sha256: await sha256File(input.config, 'config file', cwd), canonicalSha256: configCanonical },
      data,
      command: input.run,
      seed: input.seed,
      workingDirectory: input['working-directory'],
      outputs,
      runner: { os: context.runnerOs, arch: arch(), node: process.version },
      git: { repository: context.repository, sha: context.sha, ref: context.ref, runId: context.runId, runUrl: context.runUrl },
      training,
    };
    const dir = await createStepDir(context.tempDir, 'train-model', input['model-name']);
    const manifestPath = join(dir, MANIFEST_FILE);
    await writeFile(manifestPath, JSON.stringify(manifest, null, 2) + '\n');
    if (input.cache && !cached) await saveTrainingOutputs({ ...cacheArgs, manifest });
    const artifact = artifactServiceAvailable()
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

/** The command's environment: the runner's, less this action's inputs, plus the pins. */
function trainingEnvironment(input: Inputs, configPath: string): NodeJS.ProcessEnv {
  const env = Object.fromEntries(Object.entries(process.env).filter(([name]) => !name.startsWith('INPUT_')));
  const seed = String(input.seed);
  return { ...env, MLOPS_MODEL_NAME: input['model-name'], MLOPS_CONFIG: configPath, MLOPS_SEED: seed, PYTHONHASHSEED: seed };
}

async function requireDirectory(path: string) {
  const info = await stat(path).catch(() => undefined);
  if (!info?.isDirectory()) throw new UserError(`Input "working-directory" is "${path}", which is not a directory.`);
}

function renderTrainingSummary(manifest: Manifest): string {
  const rows = manifest.outputs.map((o) => `| ${inlineCode(o.path)} | ${o.bytes ?? ''} | \`${o.sha256.slice(0, 16)}…\` |`).join('\n');
  return [
    `### 🧪 Trained ${escapeMarkdown(manifest.model.name)} version \`${manifest.model.version}\``,
    `Fingerprint \`${manifest.fingerprint}\` over the config, ${manifest.data.length} data file(s), the command and seed ${manifest.seed}; training took ${manifest.training.durationSeconds.toFixed(1)} s.`,
    '| Output | Bytes | sha256 |\n| --- | --- | --- |\n' + rows,
  ].join('\n\n');
}
