/**
 * The identifiers the suite records and hands on: model names, model versions, environment
 * names, artifact names, release tags (`<model>@<version>`) and deployment tasks
 * (`model:<model>`). They become Git tags, deployment payloads, file and artifact names, and
 * step outputs that later `run:` steps interpolate into a shell, so each has a safe alphabet,
 * checked where the value enters: an action input, a field of a manifest, a metrics report or a
 * deployment payload, a name read from the GitHub API. None of these alphabets holds a shell
 * metacharacter, a space, a quote, a path separator or a control character.
 *
 * The checks are plain character classes and substring tests, so they run in linear time on any
 * value. The README ("Identifiers") states the same rules; keep the two in step.
 */
import { z } from 'zod';
import { UserError } from './action/errors.js';
import { escapeInvisible } from './markdown/escape.js';

export type IdentifierKind =
  'model name' | 'model version' | 'environment name' | 'artifact name' | 'release tag';

interface Alphabet {
  /** Completes "must …", e.g. in `input "version" must …; got "x"`. */
  rule: string;
  test(value: string): boolean;
}

/** Letters, digits, ".", "_" and "-", starting with a letter or digit: no shell, path or Markdown syntax. */
const safeWord = (max: number) => new RegExp(`^[A-Za-z0-9][A-Za-z0-9._-]{0,${max - 1}}$`);

/** The model name pattern (at most 100 characters); see MODEL_NAME for the whole rule. */
export const MODEL_NAME_PATTERN = safeWord(100);
const VERSION_PATTERN = safeWord(64);
const ENVIRONMENT_PATTERN = safeWord(100);
const ARTIFACT_PATTERN = safeWord(200);

const MODEL_NAME: Alphabet = {
  rule: 'start with a letter or digit and use only letters, digits, ".", "_" and "-", without ".." (at most 100 characters)',
  // ".." is refused because `<model>@<version>` must be a valid Git tag name.
  test: (value) => MODEL_NAME_PATTERN.test(value) && !value.includes('..'),
};

/**
 * versionOf() gives 12 hex digits; the alphabet leaves room for versions of the user's own
 * (`1.4.0`, `2024-06-01_rc1`) while keeping the release tag a valid Git tag name: no "..", and
 * not ending in "." or ".lock".
 */
const MODEL_VERSION: Alphabet = {
  rule: 'start and end with a letter or digit and use only letters, digits, ".", "_" and "-", without ".." and not ending in ".lock" (at most 64 characters)',
  test: (value) =>
    VERSION_PATTERN.test(value) &&
    /[A-Za-z0-9]$/.test(value) &&
    !value.includes('..') &&
    !value.endsWith('.lock'),
};

/**
 * GitHub allows almost any character in an environment name; this is the subset that is safe
 * in a shell, a file name and a URL, and that covers the names people use (`production`,
 * `staging`, `eu-west-1`, `prod_2`, `qa.eu`). Names with spaces or "/" are refused.
 */
const ENVIRONMENT_NAME: Alphabet = {
  rule: 'start with a letter or digit and use only letters, digits, ".", "_" and "-" (at most 100 characters; spaces and "/" are not allowed)',
  test: (value) => ENVIRONMENT_PATTERN.test(value),
};

/** The suite's artifact names are `model-<model>-<version>` and `metrics-<model>-<version>`. */
const ARTIFACT_NAME: Alphabet = {
  rule: 'start with a letter or digit and use only letters, digits, ".", "_" and "-" (at most 200 characters)',
  test: (value) => ARTIFACT_PATTERN.test(value),
};

const RELEASE_TAG: Alphabet = {
  rule: 'be "<model>@<version>": a model name, "@" and a model version',
  test: (value) => {
    const at = value.indexOf('@');
    return at > 0 && MODEL_NAME.test(value.slice(0, at)) && MODEL_VERSION.test(value.slice(at + 1));
  },
};

const ALPHABETS: Record<IdentifierKind, Alphabet> = {
  'model name': MODEL_NAME,
  'model version': MODEL_VERSION,
  'environment name': ENVIRONMENT_NAME,
  'artifact name': ARTIFACT_NAME,
  'release tag': RELEASE_TAG,
};

export function isIdentifier(kind: IdentifierKind, value: unknown): value is string {
  return typeof value === 'string' && ALPHABETS[kind].test(value);
}

/** Why `value` is not a `kind`, as "must …; got "…"", or undefined when it is one. */
export function identifierProblem(kind: IdentifierKind, value: unknown): string | undefined {
  return isIdentifier(kind, value)
    ? undefined
    : `must ${ALPHABETS[kind].rule}; got ${quoteValue(value)}`;
}

/**
 * A zod string that must be a `kind`: for action inputs and for the fields of files and payloads,
 * whose errors then name the input, or the file, field and line (see validateStructured).
 */
export function identifier(kind: IdentifierKind) {
  return z.string().refine((value) => isIdentifier(kind, value), {
    error: (issue) => identifierProblem(kind, issue.input),
  });
}

/** `value` when it is a `kind`; otherwise a UserError that starts with `where` ("The artifact name", "Input \"version\""). */
export function requireIdentifier(
  kind: IdentifierKind,
  value: string,
  where: string,
  advice = '',
): string {
  const problem = identifierProblem(kind, value);
  if (problem) throw new UserError(`${where} ${problem}.${advice ? ` ${advice}` : ''}`);
  return value;
}

export function releaseTag(model: string, version: string): string {
  return requireIdentifier('release tag', `${model}@${version}`, 'The release tag');
}

export function modelArtifactName(model: string, version: string): string {
  return requireIdentifier('artifact name', `model-${model}-${version}`, 'The artifact name');
}

export function metricsArtifactName(model: string, version: string): string {
  return requireIdentifier('artifact name', `metrics-${model}-${version}`, 'The artifact name');
}

/** Where promote-model keeps a non-production model's training data profile (the drift reference). */
export function profileArtifactName(model: string, version: string): string {
  return requireIdentifier('artifact name', `profile-${model}-${version}`, 'The artifact name');
}

/** The deployment task of a model's promotions. */
export function modelTask(model: string): string {
  return `model:${requireIdentifier('model name', model, 'The model name')}`;
}

const SHOWN_CHARACTERS = 60;

/**
 * A value as an error message may show it: JSON-quoted (so control characters are escaped),
 * at most 60 characters of it, with line and paragraph separators and bidirectional controls
 * escaped too, since they would reorder or break the annotation line.
 */
export function quoteValue(value: unknown): string {
  if (typeof value !== 'string')
    return String(JSON.stringify(value) ?? value).slice(0, SHOWN_CHARACTERS);
  const characters = [...value];
  // JSON escapes the C0 controls; the rest of the invisible characters are escaped after it.
  const shown = escapeInvisible(JSON.stringify(characters.slice(0, SHOWN_CHARACTERS).join('')));
  return characters.length > SHOWN_CHARACTERS
    ? `${shown}… (${characters.length} characters)`
    : shown;
}
