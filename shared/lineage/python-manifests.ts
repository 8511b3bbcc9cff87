/**
 * The dependencies a Python project declares, each with its line: `install_requires` in
 * setup.py and setup.cfg, `[project] dependencies` and Poetry's `[tool.poetry.dependencies]` in
 * pyproject.toml. setup.py is a program, so it is read, never run, and only a literal list of
 * strings counts: anything else is reported as unreadable rather than guessed at.
 */
import { parse as parseToml } from 'smol-toml';

export interface DeclaredDependency {
  /** PEP 508, as pip would read it (Poetry's entries are translated). */
  spec: string;
  line: number;
  /** Set when the declaration pins by itself in a way PEP 508 does not say (a Poetry git rev). */
  pinned?: boolean;
  /** Set when the declaration cannot be judged: why, and what to do. */
  problem?: string;
}

function lineAt(text: string, offset: number): number {
  let line = 1;
  for (let at = text.indexOf('\n'); at !== -1 && at < offset; at = text.indexOf('\n', at + 1))
    line++;
  return line;
}

/**
 * `install_requires=[...]` in setup.py, when it is a list of string literals (comments and a
 * trailing comma allowed). A name, a call or a concatenation cannot be read without running the
 * file: one dependency with a problem on that line says so.
 */
export function setupPyDependencies(text: string): DeclaredDependency[] {
  const found: DeclaredDependency[] = [];
  const keyword = /\binstall_requires\s*=\s*/g;
  for (let match = keyword.exec(text); match; match = keyword.exec(text)) {
    const start = match.index + match[0].length;
    const line = lineAt(text, match.index);
    const list = literalStrings(text, start);
    // The list must be the whole value: `[...] + extra` is not.
    const after = list ? text.slice(list.end).replace(/^(\s|#[^\n]*)*/, '') : '';
    if (!list || !/^[,)]/.test(after)) {
      found.push({
        spec: 'install_requires',
        line,
        problem:
          'setup.py sets install_requires to something other than a literal list of strings, which cannot be read without running it: write the list out in setup.py (install_requires=["numpy==1.26.4", ...]), or pin every dependency in a requirements or constraints file.',
      });
      continue;
    }
    for (const { value, offset } of list.items)
      found.push({ spec: value, line: lineAt(text, offset) });
  }
  return found;
}

/** The string literals of a Python list starting at `start`, or undefined when it holds anything else. */
function literalStrings(
  text: string,
  start: number,
): { items: { value: string; offset: number }[]; end: number } | undefined {
  if (text[start] !== '[' && text[start] !== '(') return undefined;
  const close = text[start] === '[' ? ']' : ')';
  const items: { value: string; offset: number }[] = [];
  const token = /\s+|#[^\n]*|,|(['"])((?:\\.|(?!\1)[^\\\n])*)\1|([\])])/y;
  token.lastIndex = start + 1;
  for (;;) {
    const at = token.lastIndex;
    const match = token.exec(text);
    if (!match) return undefined;
    if (match[3]) return match[3] === close ? { items, end: token.lastIndex } : undefined;
    if (match[1]) {
      // A string prefix (f, r, b) right before the quote would have failed the match above.
      items.push({ value: match[2]!.replace(/\\(.)/g, '$1'), offset: at });
    }
  }
}

/** `install_requires` under `[options]` in setup.cfg: one requirement a line (or `;`-separated on the first). */
export function setupCfgDependencies(text: string): DeclaredDependency[] {
  const lines = text.split(/\r?\n/);
  const found: DeclaredDependency[] = [];
  let section = '';
  for (let index = 0; index < lines.length; index++) {
    const header = /^\s*\[([^\]]+)\]/.exec(lines[index]!);
    if (header) {
      section = header[1]!.trim();
      continue;
    }
    const key = /^install_requires\s*[=:]\s*(.*)$/.exec(lines[index]!);
    if (section !== 'options' || !key) continue;
    const add = (value: string, line: number) => {
      const spec = value.replace(/(^|\s)[#;].*$/, '').trim();
      if (spec.startsWith('file:'))
        found.push({
          spec,
          line,
          problem: `setup.cfg reads install_requires from ${spec.slice(5).trim()}: list the requirements in setup.cfg, or name that file in a requirements file (-r) so that it is checked.`,
        });
      else if (spec) found.push({ spec, line });
    };
    add(key[1]!, index + 1);
    while (index + 1 < lines.length && /^\s+\S/.test(lines[index + 1]!)) {
      index++;
      add(lines[index]!, index + 1);
    }
  }
  return found;
}

/** `[project] dependencies` and `[tool.poetry.dependencies]` (python itself left out). */
export function pyprojectDependencies(text: string): DeclaredDependency[] {
  const document = parseToml(text) as {
    project?: { dependencies?: unknown };
    tool?: { poetry?: { dependencies?: unknown } };
  };
  const found: DeclaredDependency[] = [];
  const projectLine = sectionLine(text, /^\s*\[project\]/m);
  const dependencies = document.project?.dependencies;
  if (Array.isArray(dependencies))
    for (const spec of dependencies)
      if (typeof spec === 'string') found.push({ spec, line: quotedLine(text, spec, projectLine) });
  const poetry = document.tool?.poetry?.dependencies;
  if (poetry && typeof poetry === 'object') {
    const poetryLine = sectionLine(text, /^\s*\[tool\.poetry\.dependencies\]/m);
    for (const [name, value] of Object.entries(poetry as Record<string, unknown>)) {
      if (name.toLowerCase() === 'python') continue;
      const line = keyLine(text, name, poetryLine);
      found.push({ ...poetryRequirement(name, value), line });
    }
  }
  return found;
}

/**
 * A Poetry dependency as PEP 508: a bare version is exact in Poetry (`"1.26.4"` means ==1.26.4),
 * `^`, `~`, `*` and comparisons are ranges; a git dependency pins with a 40-hex `rev`; a path
 * dependency is this repository's code.
 */
function poetryRequirement(name: string, value: unknown): Omit<DeclaredDependency, 'line'> {
  const table =
    value && typeof value === 'object' && !Array.isArray(value)
      ? (value as Record<string, unknown>)
      : undefined;
  if (table?.path !== undefined) return { spec: `${name} @ ./local`, pinned: true };
  if (typeof table?.git === 'string') {
    const rev = typeof table.rev === 'string' ? table.rev : undefined;
    if (rev && /^[0-9a-f]{40}$/i.test(rev)) return { spec: name, pinned: true };
    return {
      spec: name,
      problem: `Poetry dependency "${name}" follows ${rev ? `"${rev}"` : 'the default branch'} of ${table.git}: pin a commit, as in ${name} = { git = "${table.git}", rev = "<40-hex commit sha>" }.`,
    };
  }
  const version = typeof value === 'string' ? value : table?.version;
  if (typeof version !== 'string' || Array.isArray(value))
    return {
      spec: name,
      problem: `Poetry dependency "${name}" has no single version: write ${name} = "<version>" (an exact version), or commit poetry.lock.`,
    };
  const exact = /^\s*(==?)?\s*(\d[\w.+!-]*)\s*$/.exec(version);
  if (exact && !version.includes('*')) return { spec: `${name}==${exact[2]}` };
  return {
    spec: name,
    problem: `Poetry dependency "${name}" allows a range ("${version}"): write ${name} = "<version>" (an exact version), or commit poetry.lock.`,
  };
}

function sectionLine(text: string, header: RegExp): number {
  const match = header.exec(text);
  return match ? lineAt(text, match.index + match[0].search(/\S/)) : 1;
}

/** The line of `"spec"` (or `'spec'`) at or after `fromLine`, else `fromLine`. */
function quotedLine(text: string, spec: string, fromLine: number): number {
  const lines = text.split(/\r?\n/);
  for (let index = fromLine - 1; index < lines.length; index++)
    if (lines[index]!.includes(`"${spec}"`) || lines[index]!.includes(`'${spec}'`))
      return index + 1;
  return fromLine;
}

/** The line of the TOML key `key = …` (bare or quoted) at or after `fromLine`, else `fromLine`. */
function keyLine(text: string, key: string, fromLine: number): number {
  const lines = text.split(/\r?\n/);
  for (let index = fromLine - 1; index < lines.length; index++) {
    const line = lines[index]!.trim();
    for (const written of [key, `"${key}"`, `'${key}'`])
      if (line.startsWith(written) && /^\s*=/.test(line.slice(written.length))) return index + 1;
  }
  return fromLine;
}
