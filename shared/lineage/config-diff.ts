/**
 * A training config's values as the manifest records them, and what changed between two of
 * them, as `dvc params diff` shows it: flattened dotted keys (`model.max_depth`), each value
 * changed, added or removed.
 *
 * Secrets must not leak into a manifest, an artifact, a Release or a comment, so a value is
 * replaced by HIDDEN when any segment of its key looks like a credential (SECRET_WORDS, matched
 * on the words of a segment: `db_password`, `apiKey`, `auth.user`), when the value itself looks
 * like one (a token prefix, a private key, a URL with a password), or when a pattern of the
 * train-model input `hide-config-keys` matches its key. Masking happens when the manifest is
 * written and again when two manifests are compared (an older or a pull request's manifest
 * may hold raw values).
 */

/** What a hidden value reads as; real string values are recorded quoted, so it cannot clash. */
export const HIDDEN = '(hidden)';
/** At most this many leaves are recorded; a larger config is recorded in part and says so. */
export const MAX_CONFIG_LEAVES = 2000;
/** Keys and values longer than this are cut and marked with a hash of the whole (see clipText). */
export const MAX_CONFIG_TEXT = 200;

/**
 * Words that make a key segment a credential's. A segment is split into words at anything but
 * letters and digits and at camelCase humps, so `max_depth` is not hidden and `dbPassword` is.
 * `key` alone hides too much (`sort_key`) on purpose: a hidden value costs a line of the diff,
 * a leaked one costs a rotation.
 */
const SECRET_WORDS: ReadonlySet<string> = new Set([
  'password',
  'passwd',
  'pwd',
  'passphrase',
  'secret',
  'secrets',
  'token',
  'tokens',
  'key',
  'keys',
  'apikey',
  'credential',
  'credentials',
  'creds',
  'auth',
  'authorization',
  'bearer',
  'cookie',
  'session',
  'private',
  'privatekey',
  'signature',
  'salt',
  'dsn',
  'sas',
]);

/**
 * Values that are credentials whatever their key: GitHub, AWS, Slack, OpenAI-style and JWT
 * tokens, PEM private keys, and URLs carrying a password (`postgres://user:pass@host`).
 * Anchored or bounded, linear-time: values are hostile text.
 */
const SECRET_VALUES: readonly RegExp[] = [
  /^"?(?:gh[pousr]_|github_pat_|glpat-|xox[abprs]-|sk-|AKIA|ASIA|eyJ[A-Za-z0-9_-]{8,}\.)/,
  /-----BEGIN [A-Z ]{0,40}PRIVATE KEY/,
  /[a-z][a-z0-9+.-]{0,30}:\/\/[^\s/:@]{0,200}:[^\s/@]{1,200}@/i,
];

/** The words of a key segment: `dbPassword` → db, password; `API_KEY` → api, key, apikey. */
function wordsOf(segment: string): string[] {
  const words = segment
    .replace(/([a-z0-9])([A-Z])/g, '$1 $2')
    .toLowerCase()
    .split(/[^a-z0-9]+/)
    .filter(Boolean);
  // `api_key`, `private-key` read as one word as well.
  const joined = words.slice(1).map((word, index) => words[index]! + word);
  return [...words, ...joined];
}

/** True when a segment of the key names a credential. */
export function looksSecretKey(path: readonly string[]): boolean {
  return path.some((segment) => wordsOf(segment).some((word) => SECRET_WORDS.has(word)));
}

export function looksSecretValue(value: string): boolean {
  return SECRET_VALUES.some((pattern) => pattern.test(value));
}

/**
 * The dotted key of a path: segments joined with ".", a segment that holds ".", "[", "]", a
 * quote, white space or nothing written as `["…"]`, so that two paths never print alike.
 */
export function dottedKey(path: readonly string[]): string {
  return path
    .map((segment, index) =>
      /^[^.[\]"'\s]+$/.test(segment)
        ? `${index ? '.' : ''}${segment}`
        : `[${JSON.stringify(segment)}]`,
    )
    .join('');
}

/**
 * A compiled `hide-config-keys` list: each line a dotted key or a glob over dotted keys (`*`
 * within one segment, `**` any number of segments). A pattern hides the key it matches and
 * everything below it (`db` hides `db.host`). Matching is segment by segment, by dynamic
 * programming (never a backtracking regular expression), since keys come from a pull request.
 */
export function hidePatterns(lines: readonly string[]): (path: readonly string[]) => boolean {
  const patterns = lines
    .map((line) => line.trim())
    .filter((line) => line && !line.startsWith('#'))
    .map((line) => line.split('.'));
  return (path) =>
    patterns.some((pattern) => {
      for (let length = 1; length <= path.length; length++)
        if (matchSegments(pattern, path.slice(0, length))) return true;
      return false;
    });
}

/** Glob over segments: `**` matches any number of whole segments. */
function matchSegments(pattern: readonly string[], path: readonly string[]): boolean {
  // can[i][j]: pattern[i..] matches path[j..]
  const can: boolean[][] = Array.from({ length: pattern.length + 1 }, () =>
    new Array<boolean>(path.length + 1).fill(false),
  );
  can[pattern.length]![path.length] = true;
  for (let i = pattern.length - 1; i >= 0; i--)
    for (let j = path.length; j >= 0; j--) {
      if (pattern[i] === '**') can[i]![j] = can[i + 1]![j]! || (j < path.length && can[i]![j + 1]!);
      else
        can[i]![j] = j < path.length && matchWildcard(pattern[i]!, path[j]!) && can[i + 1]![j + 1]!;
    }
  return can[0]![0]!;
}

/** `*` (any run of characters) and `?` (one) within a segment; the two-pointer match, O(n·m). */
export function matchWildcard(pattern: string, text: string): boolean {
  let [p, t, star, mark] = [0, 0, -1, 0];
  while (t < text.length) {
    if (p < pattern.length && (pattern[p] === '?' || pattern[p] === text[t])) {
      p++;
      t++;
    } else if (p < pattern.length && pattern[p] === '*') {
      star = p++;
      mark = t;
    } else if (star >= 0) {
      p = star + 1;
      t = ++mark;
    } else return false;
  }
  while (p < pattern.length && pattern[p] === '*') p++;
  return p === pattern.length;
}

/** Text cut to MAX_CONFIG_TEXT characters; a cut one ends with a hash of the whole, so a change past the cut still shows. */
function clipText(text: string, hash: (text: string) => string): string {
  if (text.length <= MAX_CONFIG_TEXT) return text;
  // Cut in UTF-16 units (what the manifest's schema counts), never inside a surrogate pair.
  const head = text.slice(0, MAX_CONFIG_TEXT - 30).replace(/[\uD800-\uDBFF]$/, '');
  return `${head}… (sha256 ${hash(text).slice(0, 12)})`;
}

/** The manifest's record of a config's values: dotted key → typed text, secrets hidden. */
export interface ConfigValues {
  values: Record<string, string>;
  /** How many leaves were left out past MAX_CONFIG_LEAVES. */
  omitted?: number;
}

export function recordConfigValues(
  leaves: readonly { path: readonly string[]; value: string }[],
  hide: (path: readonly string[]) => boolean,
  hash: (text: string) => string,
): ConfigValues {
  const values = new Map<string, string>();
  const kept = leaves.slice(0, MAX_CONFIG_LEAVES);
  for (const leaf of kept) {
    const secret = looksSecretKey(leaf.path) || hide(leaf.path) || looksSecretValue(leaf.value);
    values.set(clipText(dottedKey(leaf.path), hash), secret ? HIDDEN : clipText(leaf.value, hash));
  }
  const omitted = leaves.length - kept.length;
  return { values: Object.fromEntries(values), ...(omitted > 0 ? { omitted } : {}) };
}

/** Masks again what a recorded map may still hold (an older manifest, or one a pull request wrote). */
function maskRecorded(values: Readonly<Record<string, string>>): Map<string, string> {
  // A Map: keys come from a pull request, and `__proto__` is a key like any other here.
  const masked = new Map<string, string>();
  for (const [key, value] of Object.entries(values))
    masked.set(key, looksSecretKey(splitDotted(key)) || looksSecretValue(value) ? HIDDEN : value);
  return masked;
}

/** The segments of a dotted key, for the key-word check (`["a.b"]` stays one segment). */
function splitDotted(key: string): string[] {
  const segments: string[] = [];
  const pattern = /\["((?:[^"\\]|\\.)*)"\]|([^.[]+)/g;
  for (const match of key.matchAll(pattern)) segments.push(match[1] ?? match[2] ?? '');
  return segments;
}

export interface ConfigDiff {
  changed: { key: string; from: string; to: string }[];
  added: { key: string; value: string }[];
  removed: { key: string; value: string }[];
  /** Keys hidden on either side: whether their values changed is not known. */
  hidden: number;
  unchanged: number;
}

/** What changed from `before` (production's config) to `after` (the candidate's), keys sorted. */
export function diffConfigValues(
  before: Readonly<Record<string, string>>,
  after: Readonly<Record<string, string>>,
): ConfigDiff {
  const [old, now] = [maskRecorded(before), maskRecorded(after)];
  const diff: ConfigDiff = { changed: [], added: [], removed: [], hidden: 0, unchanged: 0 };
  const keys = [...new Set([...old.keys(), ...now.keys()])].sort();
  for (const key of keys) {
    const [from, to] = [old.get(key), now.get(key)];
    if (from === undefined) diff.added.push({ key, value: to! });
    else if (to === undefined) diff.removed.push({ key, value: from });
    else if (from === HIDDEN || to === HIDDEN) diff.hidden++;
    else if (from !== to) diff.changed.push({ key, from, to });
    else diff.unchanged++;
  }
  return diff;
}
