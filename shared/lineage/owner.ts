/**
 * Who owns a model: the GitHub handles (`@login`, `@org/team-slug`) or e-mail addresses that
 * train-model's `owner` input names, or else the owners CODEOWNERS gives the training code. The
 * manifest records them and promote-model copies the handles into the deployment payload, so
 * that the fleet view can show an owner, and flag one who has left, without a manifest.
 *
 * CODEOWNERS is read as GitHub reads it (docs.github.com, "About code owners"): the first of
 * `.github/CODEOWNERS`, `CODEOWNERS` and `docs/CODEOWNERS` at the repository root (the
 * workspace); a file of 3 MB or more is not loaded; `#` starts a comment; each line is a pattern
 * and its owners, and the LAST rule whose pattern matches a path decides its owners (a rule
 * without owners leaves the path unowned). A malformed line is skipped, as GitHub skips it,
 * with a warning naming the file and the line.
 *
 * Patterns follow gitignore's with GitHub's documented exceptions, which make those lines
 * invalid: no `!` negation, no `[ ]` character ranges, and no `\#` escape of a leading `#`. The
 * matching is not gitignore's either: `docs/*` owns `docs/a.md` but not `docs/build/b.md`
 * (GitHub's own example), where a gitignore matcher such as the `ignore` package also matches
 * the nested file through its ignored parent folder (`ignore` 5.3.2 gets `docs/*` and `/*`
 * wrong on 3 of 56 cases drawn from hmarr/codeowners' GitHub-checked pattern table). So
 * patterns are translated here, after those semantics (test/shared/owner.test.ts holds the
 * cases), and run by re2js: the file may come from a pull request, and RE2's automaton cannot
 * be made to backtrack by a pattern such as `*a*a*a*a*a*b` as a JavaScript RegExp can. Patterns
 * without wildcards (most of them) are compared as text.
 */
import { stat } from 'node:fs/promises';
import { isAbsolute, relative, resolve, sep } from 'node:path';
import { RE2JS } from 're2js';
import { z } from 'zod';
import { isUserError } from '../action/errors.js';
import type { Logger } from '../action/runner.js';
import { confinePath, type Confinement } from '../files/confine.js';
import { expandPaths } from '../files/expand.js';
import { readUserFile } from '../files/read-file.js';
import { quoteValue } from '../identifiers.js';

/** Where GitHub looks for CODEOWNERS, in the order it looks (the first found is used). */
const CODEOWNERS_LOCATIONS = ['.github/CODEOWNERS', 'CODEOWNERS', 'docs/CODEOWNERS'] as const;
/** GitHub does not load a CODEOWNERS file of 3 MB or more. */
export const MAX_CODEOWNERS_BYTES = 3 * 1024 * 1024;
/** A longer pattern is no path of a repository: the line is skipped rather than compiled. */
const MAX_PATTERN_LENGTH = 4096;
/** How many of the `code` files vote on the owner (a code list is a few files, not a tree). */
const MAX_VOTING_FILES = 1000;
/** How many handles an owner may have (the deployment payload carries them). */
export const MAX_OWNER_HANDLES = 50;
/** GitHub shows at most 10 warning annotations of a step: the rest of the skipped lines are counted. */
const MAX_LINE_WARNINGS = 10;

/**
 * GitHub's login alphabet: letters, digits and "-", not starting with "-", at most 39
 * characters (older accounts may hold "--" or end in "-", so those are let through).
 */
const LOGIN = '[A-Za-z0-9][A-Za-z0-9-]{0,38}';
/** A team slug: GitHub derives it from the team's name, lower-case, with "-" (and "_", "."). */
const TEAM_SLUG = '[A-Za-z0-9_][A-Za-z0-9_.-]{0,99}';
/**
 * An e-mail address in a conservative alphabet: the local part's letters, digits and `._%+-`
 * and a dotted domain. No quote, space, `<`, `|` or backtick: a handle is shown in Markdown and
 * HTML by the fleet view, read back from a payload anyone who may deploy could have written.
 */
const EMAIL = '[A-Za-z0-9._%+-]{1,64}@[A-Za-z0-9-]{1,63}(?:\\.[A-Za-z0-9-]{1,63})+';
const HANDLE = new RegExp(`^(?:@${LOGIN}(?:/${TEAM_SLUG})?|${EMAIL})$`);

const HANDLE_RULE =
  'a GitHub handle ("@login" or "@org/team-slug", letters, digits and "-" in the login) or an e-mail address ("name@example.com")';

function isOwnerHandle(value: string): boolean {
  return value.length <= 254 && HANDLE.test(value);
}

/** A handle read back from a manifest or a deployment payload: hostile until it passes. */
export const ownerHandleSchema = z
  .string()
  .refine(isOwnerHandle, { message: `must be ${HANDLE_RULE}` });

export const ownerSchema = z.object({
  handles: z.array(ownerHandleSchema).min(1).max(MAX_OWNER_HANDLES),
  /** `input`: train-model's `owner`; `codeowners`: the rule of `file` at `line`. */
  source: z.enum(['input', 'codeowners']),
  file: z.enum(CODEOWNERS_LOCATIONS).optional(),
  line: z.number().int().positive().optional(),
});

export type ModelOwner = z.output<typeof ownerSchema>;

/**
 * The `owner` input's handles: one per line, or separated by commas or spaces; each once, in
 * the order given. `problem` completes `input "owner" …` when a value is no handle.
 */
export function readOwnerHandles(text: string): { handles: string[]; problem?: string } {
  const handles = [...new Set(text.split(/[\s,]+/).filter((value) => value !== ''))];
  const bad = handles.filter((value) => !isOwnerHandle(value));
  if (bad.length) {
    const hint = bad.some((value) => /^[A-Za-z0-9][A-Za-z0-9-]*(?:\/\S+)?$/.test(value))
      ? ' A login or a team needs its leading "@" ("@octocat", "@octo-org/ml-team").'
      : '';
    return {
      handles,
      problem: `has ${bad
        .slice(0, 5)
        .map((value) => quoteValue(value))
        .join(
          ', ',
        )}${bad.length > 5 ? ` and ${bad.length - 5} more` : ''}, which ${bad.length === 1 ? 'is' : 'are'} not ${HANDLE_RULE}.${hint} Give one owner per line or separate them with commas`,
    };
  }
  if (handles.length > MAX_OWNER_HANDLES)
    return {
      handles,
      problem: `names ${handles.length} owners; at most ${MAX_OWNER_HANDLES} are recorded. Name a team ("@org/team-slug") instead of its members`,
    };
  return { handles };
}

/** One rule of a CODEOWNERS file. */
export interface CodeownersRule {
  pattern: string;
  owners: string[];
  /** 1-based line number in the file. */
  line: number;
  matches(path: string): boolean;
}

/**
 * The rules of a CODEOWNERS file, in file order. `warn` hears of each malformed line (which is
 * skipped, as GitHub skips it) with its line number; the text is never an error.
 */
export function parseCodeowners(
  text: string,
  warn: (line: number, problem: string) => void = () => undefined,
): CodeownersRule[] {
  const rules: CodeownersRule[] = [];
  // A byte-order mark is no part of the first pattern.
  const lines = text.replace(/^\uFEFF/, '').split(/\r?\n/);
  for (const [index, raw] of lines.entries()) {
    const line = raw.trim();
    if (line === '' || line.startsWith('#')) continue;
    const parsed = parseRule(line);
    if (typeof parsed === 'string') warn(index + 1, parsed);
    else rules.push({ ...parsed, line: index + 1 });
  }
  return rules;
}

function parseRule(line: string): Omit<CodeownersRule, 'line'> | string {
  // eslint-disable-next-line no-control-regex -- control characters are what is refused here
  if (/[\u0000-\u0008\u000b-\u001f\u007f]/.test(line)) return 'it holds a control character';
  const patternEnd = patternLength(line);
  const pattern = line.slice(0, patternEnd);
  const problem = patternProblem(pattern);
  if (problem) return problem;
  const owners: string[] = [];
  for (const token of line.slice(patternEnd).split(/\s+/)) {
    if (token === '') continue;
    if (token.startsWith('#')) break; // a comment after the owners
    if (!isOwnerHandle(token))
      return `the owner ${quoteValue(token)} is not ${HANDLE_RULE}, so GitHub skips the line`;
    owners.push(token);
  }
  return { pattern, owners: [...new Set(owners)], matches: compileCodeownersPattern(pattern) };
}

/** Where the pattern ends: at the first whitespace that no "\\" escapes (`my\\ file.txt`). */
function patternLength(line: string): number {
  for (let at = 0; at < line.length; at++) {
    if (line[at] === '\\') at++;
    else if (/\s/.test(line[at]!)) return at;
  }
  return line.length;
}

/** Why GitHub would not read `pattern` as a CODEOWNERS pattern, or undefined when it would. */
function patternProblem(pattern: string): string | undefined {
  if (pattern.length > MAX_PATTERN_LENGTH)
    return `its pattern is longer than ${MAX_PATTERN_LENGTH} characters`;
  if (pattern.startsWith('\\#'))
    return 'its pattern escapes a leading "#" with "\\", which GitHub does not support in CODEOWNERS';
  if (pattern.startsWith('!'))
    return 'its pattern starts with "!": GitHub does not support negation in CODEOWNERS (give the files their own rule, with or without owners, below the broader one)';
  if (/(?<!\\)(?:\\\\)*[[\]]/.test(pattern))
    return 'its pattern has "[ ]": GitHub does not support character ranges in CODEOWNERS';
  if (pattern.includes('***')) return 'its pattern has "***"';
  if (/.\/\/./.test(pattern)) return 'its pattern has an empty path segment ("//")';
  return undefined;
}

/**
 * A matcher of repository-relative "/"-separated paths for a valid pattern, with GitHub's
 * semantics: a pattern without a "/" but at its end matches at any depth; a leading "/" or a
 * "/" inside anchors it at the root; a trailing "/" matches only what is inside the folder;
 * otherwise the pattern matches the path and everything below it, except that a last segment
 * of a lone `*` matches one level only (`docs/*`). `*` and `?` never cross a "/"; `**` does.
 */
export function compileCodeownersPattern(pattern: string): (path: string) => boolean {
  if (pattern === '/') return () => false; // "/" names nothing (GitHub says so too)
  let segments = pattern.split('/');
  if (segments[0] === '') segments = segments.slice(1);
  else if (
    (segments.length === 1 || (segments.length === 2 && segments[1] === '')) &&
    segments[0] !== '**'
  )
    segments = ['**', ...segments];
  if (segments.length > 1 && segments.at(-1) === '') segments[segments.length - 1] = '**';
  const literal = literalMatcher(segments);
  if (literal) return literal;
  // The text between wildcards must be in the path: a substring test turns most paths away
  // before the automaton (compiled on first use) runs, so thousands of rules cost milliseconds.
  const pieces = segments.flatMap(literalPieces);
  let compiled: RE2JS | undefined;
  const source = patternSource(segments);
  return (path) =>
    pieces.every((piece) => path.includes(piece)) &&
    (compiled ??= RE2JS.compile(source)).testExact(path);
}

/** The runs of literal text in a segment, between its wildcards, escapes undone. */
function literalPieces(segment: string): string[] {
  const pieces: string[] = [];
  let piece = '';
  for (let at = 0; at < segment.length; at++) {
    const char = segment[at]!;
    if (char === '\\' && at + 1 < segment.length) piece += segment[++at];
    else if (char === '*' || char === '?') {
      pieces.push(piece);
      piece = '';
    } else piece += char;
  }
  return [...pieces, piece].filter((text) => text !== '');
}

/** A text comparison for a pattern without wildcards (an optional leading and trailing `**`). */
function literalMatcher(segments: readonly string[]): ((path: string) => boolean) | undefined {
  const anywhere = segments[0] === '**' && segments.length > 1;
  const inside = segments.at(-1) === '**' && segments.length > 1;
  const middle = segments.slice(anywhere ? 1 : 0, inside ? -1 : undefined);
  if (middle.length === 0 || middle.some((segment) => /[*?]/.test(segment.replace(/\\./g, ''))))
    return undefined;
  const text = middle.map((segment) => segment.replace(/\\(.)/g, '$1')).join('/');
  return (path) => {
    const candidates = anywhere ? suffixes(path) : [path];
    return candidates.some((at) =>
      inside ? at.startsWith(`${text}/`) : at === text || at.startsWith(`${text}/`),
    );
  };
}

/** `a/b/c`, `b/c` and `c`: where a pattern that may start at any depth can start. */
function suffixes(path: string): string[] {
  const found = [path];
  for (let at = path.indexOf('/'); at !== -1; at = path.indexOf('/', at + 1))
    found.push(path.slice(at + 1));
  return found;
}

/** The RE2 expression of a pattern's segments (after the anchoring rules above). */
function patternSource(segments: readonly string[]): string {
  const last = segments.length - 1;
  let source = '';
  let needSlash = false;
  for (const [index, segment] of segments.entries()) {
    if (segment === '**') {
      if (index === 0 && index === last) source += '.+';
      else if (index === 0) source += '(?:.+/)?';
      else if (index === last) source += '/.*';
      else source += '(?:/.+)?';
      needSlash = index !== 0;
      continue;
    }
    if (needSlash) source += '/';
    if (segment === '*') source += '[^/]+';
    else {
      source += segmentSource(segment);
      if (index === last) source += '(?:/.*)?';
    }
    needSlash = true;
  }
  return `(?s)^${source}$`;
}

function segmentSource(segment: string): string {
  let source = '';
  for (let at = 0; at < segment.length; at++) {
    const char = segment[at]!;
    if (char === '\\' && at + 1 < segment.length) source += RE2JS.quote(segment[++at]!);
    else if (char === '*') source += '[^/]*';
    else if (char === '?') source += '[^/]';
    else source += RE2JS.quote(char);
  }
  return source;
}

/** The last rule that matches `path` (GitHub's precedence), or undefined when none does. */
export function lastMatchingRule(
  rules: readonly CodeownersRule[],
  path: string,
): CodeownersRule | undefined {
  for (let index = rules.length - 1; index >= 0; index--)
    if (rules[index]!.matches(path)) return rules[index];
  return undefined;
}

/**
 * A name no file can have (NUL), for "any file directly in this folder": only rules that own
 * the folder whatever a file in it is called match it (`/models/churn/`, `models/`, `*`,
 * `/models/*`), not rules that single files out by name or extension (`*.py`, `README.md`).
 */
const ANY_FILE = '\u0000';

export interface OwnerRequest {
  /** The `owner` input's handles (readOwnerHandles); empty or absent: from CODEOWNERS. */
  handles?: readonly string[];
  /** The `code` input as written; empty or absent: the working directory stands for the code. */
  code?: readonly string[];
  /** The working directory, absolute. */
  cwd: string;
  confinement: Confinement;
  log: Logger;
}

/**
 * The model's owner: the `owner` input's handles, or the owners CODEOWNERS gives the training
 * code. Which code: with `code` set, its files, and the owners are those of the rule owning the
 * most of them (a tie goes to the rule further down, which GitHub ranks higher); with `code`
 * empty, the working directory, and the owners are those of the last rule that owns any file
 * directly in it, as GitHub would request their review for a new file there. Undefined when
 * neither says (no input and no CODEOWNERS, or no rule with owners matches).
 */
export async function resolveOwner(request: OwnerRequest): Promise<ModelOwner | undefined> {
  if (request.handles?.length) return { handles: [...request.handles], source: 'input' };
  const found = await readCodeowners(request.confinement, request.log);
  if (!found) return undefined;
  let skipped = 0;
  const rules = parseCodeowners(found.text, (line, problem) => {
    if (++skipped <= MAX_LINE_WARNINGS)
      request.log.warning(`${found.file} line ${line} is skipped: ${problem}.`, {
        file: found.file,
        line,
        title: 'CODEOWNERS',
      });
  });
  if (skipped > MAX_LINE_WARNINGS)
    request.log.info(
      `${found.file}: ${skipped - MAX_LINE_WARNINGS} more lines are skipped, as GitHub skips them.`,
    );
  const workspace = request.confinement.workspace;
  const rule = request.code?.length
    ? await ruleOfMostFiles(rules, request.code, request.cwd, workspace)
    : lastMatchingRule(rules, folderPath(request.cwd, workspace));
  if (!rule?.owners.length) {
    request.log.info(
      `${found.file} names no owner for the training code, so the manifest records none (set input "owner" to name one).`,
    );
    return undefined;
  }
  if (rule.owners.length > MAX_OWNER_HANDLES)
    request.log.warning(
      `${found.file} line ${rule.line} names ${rule.owners.length} owners; the manifest records the first ${MAX_OWNER_HANDLES}. Name a team ("@org/team-slug") instead of its members.`,
    );
  return {
    handles: rule.owners.slice(0, MAX_OWNER_HANDLES),
    source: 'codeowners',
    file: found.file,
    line: rule.line,
  };
}

/** `<folder>/<ANY_FILE>`, relative to the workspace with "/" separators. */
function folderPath(folder: string, workspace: string): string {
  const inside = relative(workspace, folder).split(sep).join('/');
  return inside && !inside.startsWith('..') && !isAbsolute(inside)
    ? `${inside}/${ANY_FILE}`
    : ANY_FILE;
}

async function ruleOfMostFiles(
  rules: readonly CodeownersRule[],
  code: readonly string[],
  cwd: string,
  workspace: string,
): Promise<CodeownersRule | undefined> {
  const files = (await expandPaths(code, cwd, 'code path')).slice(0, MAX_VOTING_FILES);
  const votes = new Map<CodeownersRule, number>();
  for (const file of files) {
    const path = relative(workspace, resolve(cwd, file)).split(sep).join('/');
    if (path.startsWith('..') || isAbsolute(path)) continue;
    const rule = lastMatchingRule(rules, path);
    if (rule?.owners.length) votes.set(rule, (votes.get(rule) ?? 0) + 1);
  }
  let best: CodeownersRule | undefined;
  for (const [rule, count] of votes) {
    const bestCount = best ? votes.get(best)! : 0;
    if (count > bestCount || (count === bestCount && rule.line > best!.line)) best = rule;
  }
  return best;
}

/**
 * The first CODEOWNERS file GitHub would use, read inside the workspace. A file that leads
 * outside it (a symbolic link), is no regular file, or is too large for GitHub is warned
 * about and not read: ownership is recorded, never a reason to fail training.
 */
async function readCodeowners(
  confinement: Confinement,
  log: Logger,
): Promise<{ file: (typeof CODEOWNERS_LOCATIONS)[number]; text: string } | undefined> {
  for (const file of CODEOWNERS_LOCATIONS) {
    let path: string;
    try {
      path = await confinePath(file, confinement, {
        what: 'CODEOWNERS file',
        baseDir: confinement.workspace,
        kind: 'any',
      });
    } catch (error) {
      if (!isUserError(error)) throw error;
      log.warning(`${error.message} The model's owner is not read from it.`);
      return undefined;
    }
    const info = await stat(path).catch(() => undefined);
    if (!info) continue;
    if (!info.isFile()) {
      log.warning(
        `${file} is not a regular file, so the model's owner is not read from CODEOWNERS.`,
      );
      return undefined;
    }
    if (info.size >= MAX_CODEOWNERS_BYTES) {
      log.warning(
        `${file} is ${info.size} bytes; GitHub does not load a CODEOWNERS file of 3 MB or more, so neither does train-model: the model's owner is not read from it.`,
      );
      return undefined;
    }
    return { file, text: await readUserFile(path, 'CODEOWNERS file') };
  }
  return undefined;
}
