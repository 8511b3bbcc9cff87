/**
 * pip's requirements format, as pip reads it: logical lines (a trailing "\" continues one,
 * "#" after a space starts a comment), options (`-r`/`--requirement` and `-c`/`--constraint`
 * include another file, `-e`/`--editable` installs a project or a VCS checkout, `--hash` pins
 * a file's digest) and PEP 508 requirements. Pure functions over text; following includes is
 * pins.ts's work.
 */

export type RequirementEntry =
  | { kind: 'include'; option: '-r' | '-c'; target: string; line: number }
  | { kind: 'editable'; target: string; line: number }
  | { kind: 'requirement'; spec: string; hashed: boolean; line: number };

const INCLUDE = /^(-r|--requirement|-c|--constraint)(?:\s*=\s*|\s+|(?=[^\s-]))(\S+)$/;
const EDITABLE = /^(-e|--editable)(?:\s*=\s*|\s+)(\S+)$/;

/** The entries of a requirements file, each with the line it starts on. */
export function parseRequirements(text: string): RequirementEntry[] {
  const entries: RequirementEntry[] = [];
  const lines = text.split(/\r?\n/);
  for (let index = 0; index < lines.length; index++) {
    let line = lines[index]!;
    const first = index + 1;
    while (line.endsWith('\\') && index + 1 < lines.length)
      line = line.slice(0, -1) + ' ' + lines[++index]!;
    const content = line.replace(/(^|\s)#.*$/, '').trim();
    if (content === '') continue;
    const include = INCLUDE.exec(content);
    if (include) {
      const option = include[1]!.startsWith('-c') || include[1] === '--constraint' ? '-c' : '-r';
      entries.push({ kind: 'include', option, target: include[2]!, line: first });
      continue;
    }
    const editable = EDITABLE.exec(content);
    if (editable) {
      entries.push({ kind: 'editable', target: editable[2]!, line: first });
      continue;
    }
    if (content.startsWith('-')) continue; // --index-url, --find-links, --pre, ...: not a requirement
    const hashed = /(^|\s)--hash[=\s]\S+/.test(content);
    const spec = content.replace(/\s+--[\w-]+(?:[=\s]\S+)?/g, '').trim();
    entries.push({ kind: 'requirement', spec, hashed, line: first });
  }
  return entries;
}

/** PEP 503's normalised name: `Scikit_Learn` and `scikit-learn` are one project. */
function normaliseName(name: string): string {
  return name.toLowerCase().replace(/[-_.]+/g, '-');
}

const NAME = /^[A-Za-z0-9](?:[\w.-]*[A-Za-z0-9])?/;

/** The normalised project name an exact `name==version` pin names, else undefined. */
export function exactPinName(spec: string): string | undefined {
  const bare = spec.split(';')[0]!.trim();
  const match = /^([A-Za-z0-9][\w.-]*)(\[[^\]]*\])?\s*\(?\s*===?\s*([^\s,<>=!~*()]+)\s*\)?$/.exec(
    bare,
  );
  return match ? normaliseName(match[1]!) : undefined;
}

/**
 * Why a PEP 508 requirement (`numpy>=1.2`, `lib @ git+https://…`) does not pin one version, with
 * the exact line that would, or undefined when it pins. `pinnedElsewhere`: names an included
 * constraints file (or a lock file) pins, which pin the requirement too.
 */
export function requirementProblem(
  spec: string,
  hashed: boolean,
  pinnedElsewhere: ReadonlySet<string> = new Set(),
): string | undefined {
  if (exactPinName(spec) !== undefined) return undefined;
  const bare = spec.split(';')[0]!.trim();
  if (/^(\.{1,2}(\/|$)|\/)/.test(bare)) return undefined; // a folder of this repository: its code
  const direct = /^([A-Za-z0-9][\w.-]*(?:\[[^\]]*\])?)\s*@\s*(\S+)$/.exec(bare);
  const url = direct ? direct[2]! : /^[a-z][\w+.-]*:\/\//i.test(bare) ? bare : undefined;
  if (url !== undefined) return urlProblem(url, hashed, direct ? `${direct[1]} @ ` : '');
  const name = NAME.exec(bare)?.[0] ?? bare;
  if (pinnedElsewhere.has(normaliseName(name))) return undefined;
  const rest = bare.slice(name.length).trim();
  const extras = /^\[[^\]]*\]/.exec(rest)?.[0] ?? '';
  const range = rest.slice(extras.length).trim();
  const how = range === '' ? 'has no version' : `allows a range (${range})`;
  return `"${name}" ${how}: write ${name}${extras}==<version> instead (pip freeze shows the version installed).`;
}

/**
 * A URL installs what it points to when the job runs: pinned when it is a VCS URL at a full
 * commit, a file with its sha256 (`#sha256=` or `--hash`), or a wheel (its name holds its version).
 */
function urlProblem(url: string, hashed: boolean, prefix: string): string | undefined {
  const vcs = /^(git|hg|svn|bzr)\+/i.exec(url)?.[1]?.toLowerCase();
  if (vcs) {
    if (vcsPinned(url, vcs)) return undefined;
    return `"${prefix}${url}" installs whatever that ${vcs} reference holds when the job runs: pin a commit, as in ${prefix}${withCommit(url, vcs)}`;
  }
  if (hashed || /#sha256=[0-9a-f]{64}\b/i.test(url) || /\.whl(#|$)/i.test(url)) return undefined;
  return `"${prefix}${url}" is a URL without a hash: what it serves can change. Add its digest: ${prefix}${url.replace(/#.*$/, '')}#sha256=<sha256 of the file> (or --hash=sha256:<sha256>).`;
}

function vcsPinned(url: string, vcs: string): boolean {
  const revision = revisionOf(url);
  if (revision === undefined) return false;
  return vcs === 'svn' || vcs === 'bzr' ? /^\d+$/.test(revision) : /^[0-9a-f]{40}$/i.test(revision);
}

/** The `@revision` of a VCS URL: after the path's last segment, before any `#fragment`. */
function revisionOf(url: string): string | undefined {
  const base = url.split('#')[0]!;
  return /\/[^/@]*@([^/@]+)$/.exec(base)?.[1];
}

/** The URL with its revision replaced by a placeholder for a full commit. */
function withCommit(url: string, vcs: string): string {
  const [base, ...fragment] = url.split('#');
  const placeholder = vcs === 'svn' || vcs === 'bzr' ? '<revision number>' : '<40-hex commit sha>';
  const pinned = `${base!.replace(/(\/[^/@]*)@[^/@]+$/, '$1')}@${placeholder}`;
  return fragment.length ? `${pinned}#${fragment.join('#')}` : pinned;
}

/** Why an editable install (`-e …`) does not pin, or undefined for a folder of this repository. */
export function editableProblem(target: string): string | undefined {
  const vcs = /^(git|hg|svn|bzr)\+/i.exec(target)?.[1]?.toLowerCase();
  if (!vcs) {
    if (/^[a-z][\w+.-]*:\/\//i.test(target) && !/^file:/i.test(target))
      return `"-e ${target}" installs from a URL that can change: point -e at a folder of this repository, or at a VCS URL with a commit.`;
    return undefined;
  }
  if (vcsPinned(target, vcs)) return undefined;
  return `"-e ${target}" installs whatever that ${vcs} reference holds when the job runs: pin a commit, as in -e ${withCommit(target, vcs)}`;
}
