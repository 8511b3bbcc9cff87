/**
 * The lineage manifest (`model-manifest.json`): what a model was built from and what it is.
 *
 * A manifest may come from a pull request's run, so it is hostile until validated: its model
 * name and version must be identifiers (they become tags, deployments and outputs), and the
 * paths it names must be relative paths inside the working directory, as train-model writes
 * them, since promote-model reads and publishes the files they name.
 */
import { z } from 'zod';
import { identifier, quoteValue } from '../identifiers.js';
import { MAX_CONFIG_LEAVES, MAX_CONFIG_TEXT } from './config-diff.js';
import { ownerSchema } from './owner.js';
import { runtimeSchema } from './runtime.js';

export const MANIFEST_FORMAT = 'mlops-actions/model-manifest@1';
/** Linux's PATH_MAX: no file a training command writes has a longer path. */
const MAX_PATH_LENGTH = 4096;

/**
 * Why `path` is not a relative, "/"-separated path that stays inside its base folder, or
 * undefined when it is one. `leadingParents` lets it start with ".." segments (a lock file of the
 * repository root or a shared data file, recorded from a working directory below it).
 */
export function manifestPathProblem(path: string, leadingParents = false): string | undefined {
  if (path === '') return 'it is empty';
  if (path.length > MAX_PATH_LENGTH) return `it is longer than ${MAX_PATH_LENGTH} characters`;
  // eslint-disable-next-line no-control-regex -- control characters are what is refused here
  if (/[\u0000-\u001f\u007f]/.test(path)) return 'it holds a control character';
  if (path.includes('\\')) return 'it holds a "\\" (paths are recorded with "/")';
  if (path.startsWith('/') || /^[A-Za-z]:/.test(path)) return 'it is absolute';
  const segments = path.split('/');
  const firstOwn = leadingParents ? segments.findIndex((segment) => segment !== '..') : 0;
  for (const [index, segment] of segments.entries()) {
    if (segment === '') return 'it has an empty segment ("//" or a "/" at either end)';
    if (segment === '.') return 'it has a "." segment';
    if (segment === '..' && index >= firstOwn)
      return leadingParents ? 'it has a ".." segment after its start' : 'it has a ".." segment';
  }
  return undefined;
}

const relativePath = (leadingParents = false) =>
  z.string().superRefine((value, ctx) => {
    const problem = manifestPathProblem(value, leadingParents);
    if (problem) {
      const rule = leadingParents
        ? 'a relative path with "/" separators'
        : 'a relative path inside the working directory, with "/" separators';
      ctx.addIssue({
        code: 'custom',
        input: value,
        message: `must be ${rule}, but ${problem}; got ${quoteValue(value)}`,
      });
    }
  });

const sha256 = z.string().regex(/^[0-9a-f]{64}$/);
const hashedFile = (path: z.ZodType<string>) =>
  z.object({ path, sha256, bytes: z.number().int().nonnegative().optional() });

/**
 * Output files: each path once, and none inside another that is listed as a file (a release is
 * restored to these paths). With "/" sorting first, a path's descendants follow it directly, so
 * comparing neighbours finds every clash in O(n log n).
 */
const outputFiles = z
  .array(hashedFile(relativePath()))
  .min(1)
  .superRefine((outputs, ctx) => {
    const keys = outputs.map((output) => output.path.replaceAll('/', '\u0000'));
    const order = keys
      .map((_, index) => index)
      .sort((a, b) => (keys[a]! < keys[b]! ? -1 : keys[a]! > keys[b]! ? 1 : a - b));
    for (let at = 1; at < order.length; at++) {
      const [before, index] = [order[at - 1]!, order[at]!];
      const [earlier, path] = [outputs[before]!.path, outputs[index]!.path];
      if (keys[index] === keys[before])
        ctx.addIssue({
          code: 'custom',
          path: [index, 'path'],
          input: path,
          message: `lists ${quoteValue(path)} a second time (also at outputs[${before}])`,
        });
      else if (keys[index]!.startsWith(`${keys[before]}\u0000`))
        ctx.addIssue({
          code: 'custom',
          path: [index, 'path'],
          input: path,
          message: `puts ${quoteValue(path)} inside ${quoteValue(earlier)}, which is listed as a file`,
        });
    }
  });

export const manifestSchema = z.object({
  format: z.literal(MANIFEST_FORMAT),
  model: z.object({ name: identifier('model name'), version: identifier('model version') }),
  fingerprint: sha256,
  config: z.object({
    path: relativePath(),
    sha256: z.string(),
    canonicalSha256: z.string(),
    /**
     * The canonical config's values by dotted key, credentials hidden (config-diff.ts), for the
     * comment's "Config changes"; absent in manifests written before it was recorded.
     */
    values: z
      .record(z.string().max(MAX_CONFIG_TEXT), z.string().max(MAX_CONFIG_TEXT))
      .refine((values) => Object.keys(values).length <= MAX_CONFIG_LEAVES, {
        message: `must hold at most ${MAX_CONFIG_LEAVES} keys`,
      })
      .optional(),
    /** How many of the config's values were not recorded (past MAX_CONFIG_LEAVES). */
    valuesOmitted: z.number().int().nonnegative().optional(),
  }),
  // Data may live beside the working directory (a monorepo's shared data/ folder): promotion
  // lists these files in the model card and never opens them.
  data: z.array(hashedFile(relativePath(true))),
  /** The code tree (see code-tree.ts): its sha256, where it came from and how many files. */
  code: z
    .object({
      source: z.enum(['git', 'paths', 'none']),
      sha256: z.string(),
      files: z.number().int().nonnegative(),
    })
    .optional(),
  /** Dependency lock files, each with its sha256. */
  lockFiles: z.array(hashedFile(relativePath(true))).optional(),
  /** Unpinned dependencies found (`strict-pins`), as `file:line: message`. */
  unpinned: z.array(z.string()).optional(),
  command: z.string(),
  /** The pins the command got in its environment (config path, seed, determinism settings). */
  environment: z.record(z.string(), z.string()).optional(),
  seed: z.number().int(),
  workingDirectory: z.string(),
  outputs: outputFiles,
  runner: z.object({
    os: z.string(),
    arch: z.string(),
    node: z.string(),
    platform: z.string().optional(),
  }),
  /** What the command ran on: Python and its packages, R, the runner image, the OS (runtime.ts). */
  runtime: runtimeSchema.optional(),
  /**
   * Who owns the model (owner.ts): train-model's `owner` input, or the CODEOWNERS rule of the
   * training code. Not a training input, so not part of the fingerprint. Absent when neither
   * names one.
   */
  owner: ownerSchema.optional(),
  /** The mlops-actions version that trained (part of the fingerprint). */
  actionVersion: z.string().optional(),
  git: z.object({
    repository: z.string().optional(),
    sha: z.string().optional(),
    ref: z.string().optional(),
    runId: z.string().optional(),
    runUrl: z.string().optional(),
  }),
  training: z.object({
    startedAt: z.string(),
    durationSeconds: z.number().nonnegative(),
    /** Set when the outputs came from the run cache: the run that trained them. */
    restoredFrom: z
      .object({
        runUrl: z.string().optional(),
        startedAt: z.string(),
        /** How long restoring the outputs took; `durationSeconds` is the training it saved. */
        restoreSeconds: z.number().nonnegative().optional(),
      })
      .optional(),
  }),
});

export type Manifest = z.output<typeof manifestSchema>;
