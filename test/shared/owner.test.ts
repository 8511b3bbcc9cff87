import { mkdir, symlink, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { stepConfinement } from '../../shared/files/confine.js';
import { manifestSchema } from '../../shared/lineage/manifest.js';
import {
  compileCodeownersPattern,
  lastMatchingRule,
  MAX_CODEOWNERS_BYTES,
  parseCodeowners,
  readOwnerHandles,
  resolveOwner,
} from '../../shared/lineage/owner.js';
import { recordingRunner } from '../helpers/recording-runner.js';
import { tempDir } from '../helpers/temp-dir.js';

/**
 * GitHub's matching, case by case: the examples of GitHub's "About code owners" page and the
 * behaviour hmarr/codeowners checked against GitHub (testdata/patterns.json there). `true`: the
 * pattern matches the path.
 */
const PATTERNS: Record<string, Record<string, boolean>> = {
  foo: {
    foo: true,
    'foo.txt': false,
    'foo/bar': true,
    'bar/foo': true,
    'bar/foo.txt': false,
    'bar/baz': false,
    'bar/foo/baz': true,
  },
  '/foo': {
    foo: true,
    'fool.txt': false,
    'foo/bar': true,
    'bar/foo': false,
    'foo/bar/baz': true,
    'bar/foo/baz': false,
  },
  'foo/': {
    foo: false,
    'foo/bar': true,
    'foo/bar/baz': true,
    'bar/foo': false,
    'bar/foo/baz': true,
    'bar/foo/baz/qux': true,
  },
  '/foo/': { foo: false, 'foo/bar': true, 'foo/bar/baz': true, 'bar/foo/baz': false },
  'foo/bar': {
    'foo/bar': true,
    'foo/bart': false,
    'foo/bar/baz': true,
    'baz/foo/bar': false,
    'baz/foo/bar/qux': false,
  },
  'foo/bar/': { 'foo/bar': false, 'foo/bar/baz': true, 'baz/foo/bar/qux': false },
  '*': { foo: true, 'foo/bar': true, 'bar/foo/baz': true, xfoo: true },
  'f*': { foo: true, 'foo/bar': true, 'bar/foo/baz': true, 'bar/baz': false, xfoo: false },
  '/*': { foo: true, bar: true, 'foo/bar': false, 'foo/bar/baz': false },
  '/f*': { foo: true, 'foo/bar/baz': true, 'bar/foo': false, xfoo: false },
  'f*/': { foo: false, 'foo/bar': true, 'bar/foo': false, 'bar/foo/baz': true },
  '/*/': { foo: false, 'foo/bar': true, 'bar/foo/baz': true },
  'f\\*o': { foo: false, 'f*o': true },
  'f?o': { foo: true, fo: false, fooo: false },
  'f\\?o': { foo: false, 'f?o': true },
  // GitHub's example: `docs/*` owns docs/getting-started.md, not docs/build-app/troubleshooting.md.
  'docs/*': {
    docs: false,
    'docs/getting-started.md': true,
    'docs/build-app/troubleshooting.md': false,
    'x/docs/a.md': false,
  },
  'foo/*.txt': { 'foo/bar.txt': true, 'foo/bar/baz.txt': false, 'qux/foo/bar.txt': false },
  'foo/*/baz': { 'foo/bar': false, 'foo/baz': false, 'foo/bar/baz': true, 'foo/bar/baz/qux': true },
  '*.js': { 'a.js': true, 'src/deep/b.js': true, 'a.jsx': false, 'js/a.py': false },
  '**/foo/bar': {
    'foo/bar': true,
    'qux/foo/bar': true,
    'qux/foo/bar/baz': true,
    'foo/baz/bar': false,
  },
  '**/*bar*': { bar: true, 'foo/rebar': true, 'foo/barrio': true, 'foo/qux/bar': true },
  'foo/bar/**': {
    'foo/bar': false,
    'foo/bar/baz': true,
    'foo/bar/baz/qux': true,
    'qux/foo/bar/baz': false,
  },
  'foo/**/bar': {
    'foo/bar': true,
    'foo/bar/baz': true,
    'foo/qux/quux/bar/baz': true,
    'qux/foo/bar': false,
  },
  'foo/**/bar/b*': {
    'foo/bar': false,
    'foo/bar/baz': true,
    'foo/bar/qux': false,
    'foo/qux/bar/baz': true,
  },
  'my\\ file.txt': { 'my file.txt': true, 'my\\ file.txt': false },
  '/': { foo: false, 'foo/bar': false },
};

describe('CODEOWNERS patterns', () => {
  const cases = Object.entries(PATTERNS).flatMap(([pattern, paths]) =>
    Object.entries(paths).map(([path, expected]) => [pattern, path, expected] as const),
  );
  it.each(cases)('%s matches %s: %s', (pattern, path, expected) => {
    expect(compileCodeownersPattern(pattern)(path)).toBe(expected);
  });

  it('runs in time linear in the path: a backtracking pattern does not stall', () => {
    const match = compileCodeownersPattern(`${'*a'.repeat(40)}*b`);
    const started = performance.now();
    expect(match('a'.repeat(200))).toBe(false);
    expect(performance.now() - started).toBeLessThan(1000);
  });
});

describe('parseCodeowners', () => {
  const parse = (text: string) => {
    const warnings: string[] = [];
    const rules = parseCodeowners(text, (line, problem) => warnings.push(`${line}: ${problem}`));
    return { rules, warnings };
  };

  it('reads rules with users, teams and e-mail addresses; the last matching rule wins', () => {
    const { rules, warnings } = parse(
      [
        '# This is a comment.',
        '*       @global-owner1 @global-owner2',
        '',
        '*.js    @js-owner',
        '*.go docs@example.com',
        '*.txt @octo-org/octocats',
        '/apps/ @octocat',
        '/apps/github',
      ].join('\n'),
    );
    expect(warnings).toEqual([]);
    const owners = (path: string) => lastMatchingRule(rules, path)?.owners;
    expect(owners('README.md')).toEqual(['@global-owner1', '@global-owner2']);
    expect(owners('src/app.js')).toEqual(['@js-owner']);
    expect(owners('main.go')).toEqual(['docs@example.com']);
    expect(owners('notes.txt')).toEqual(['@octo-org/octocats']);
    expect(owners('apps/main/index.js')).toEqual(['@octocat']);
    // Matched by a rule without owners: unowned, not the broader rule's.
    expect(owners('apps/github/index.js')).toEqual([]);
    expect(lastMatchingRule(rules, 'apps/github/index.js')?.line).toBe(8);
  });

  it('skips what GitHub does not support, with the line: !, [ ], \\#, a bad owner; keeps the rest', () => {
    const { rules, warnings } = parse(
      [
        '* @everyone',
        '!*.md @nobody',
        '*.[ch] @c-owner',
        '\\#notes.md @hash-owner',
        '*.py @ml team',
        '*.rb @ruby-owner # owners of the Ruby code',
        'build/*** @x',
        `bad\u0001name @x`,
      ].join('\n'),
    );
    expect(warnings.map((w) => w.split(':')[0])).toEqual(['2', '3', '4', '5', '7', '8']);
    expect(warnings[0]).toMatch(/negation/);
    expect(warnings[1]).toMatch(/character ranges/);
    expect(warnings[2]).toMatch(/escapes a leading "#"/);
    expect(warnings[3]).toMatch(/owner "team" is not a GitHub handle/);
    expect(rules.map((rule) => rule.line)).toEqual([1, 6]);
    // A comment after the owners is not an owner.
    expect(rules[1]!.owners).toEqual(['@ruby-owner']);
    expect(lastMatchingRule(rules, 'notes.md')?.owners).toEqual(['@everyone']);
  });

  it('reads Windows line ends and a byte-order mark', () => {
    const { rules, warnings } = parse('\uFEFF*.py @py-owner\r\n/docs/ @writer\r\n');
    expect(warnings).toEqual([]);
    expect(lastMatchingRule(rules, 'src/train.py')?.owners).toEqual(['@py-owner']);
    expect(lastMatchingRule(rules, 'docs/a.md')?.owners).toEqual(['@writer']);
  });

  it('reads an escaped "[" as a literal, not a range', () => {
    const { rules, warnings } = parse('file\\[1\\].txt @literal');
    expect(warnings).toEqual([]);
    expect(rules[0]!.matches('file[1].txt')).toBe(true);
    expect(rules[0]!.matches('file1.txt')).toBe(false);
  });
});

describe('readOwnerHandles', () => {
  it('takes handles one per line, comma- or space-separated, each once', () => {
    expect(readOwnerHandles('@octocat\n@octo-org/ml-team, ml@example.com\n@octocat')).toEqual({
      handles: ['@octocat', '@octo-org/ml-team', 'ml@example.com'],
    });
  });

  it.each([
    ['octocat', /"octocat".*needs its leading "@"/],
    ['@-octocat', /"@-octocat"/],
    ['@octo cat!', /"cat!"/],
    ['@a/b/c', /"@a\/b\/c"/],
    ['<x@example.com>', /"<x@example.com>"/],
    ['@a-very-long-login-name-that-is-over-39-chars', /over-39/],
  ])('refuses %s, naming the value', (text, message) => {
    const { problem } = readOwnerHandles(text);
    expect(problem).toMatch(message);
    expect(problem).toMatch(/GitHub handle/);
  });
});

describe('resolveOwner', () => {
  async function workspace(files: Record<string, string | Buffer>) {
    const root = await tempDir('mlops-owner-');
    const dir = join(root, 'workspace');
    await mkdir(dir, { recursive: true });
    for (const [path, text] of Object.entries(files)) {
      await mkdir(dirname(join(dir, path)), { recursive: true });
      await writeFile(join(dir, path), text);
    }
    const confinement = await stepConfinement(dir, join(root, 'temp'));
    return { dir, root, confinement };
  }
  const CODEOWNERS = [
    '* @octo-org/platform',
    '/models/churn/ @alice',
    '/models/churn/*.py @ml-owner',
    '/models/churn/README.md',
  ].join('\n');

  it('prefers the input, which names its source', async () => {
    const { dir, confinement } = await workspace({ '.github/CODEOWNERS': CODEOWNERS });
    const log = recordingRunner();
    expect(await resolveOwner({ handles: ['@bob'], cwd: dir, confinement, log })).toEqual({
      handles: ['@bob'],
      source: 'input',
    });
  });

  it("gives the working directory the rule that owns any file in it, not a file's extension rule", async () => {
    const { dir, confinement } = await workspace({ '.github/CODEOWNERS': CODEOWNERS });
    const log = recordingRunner();
    expect(await resolveOwner({ cwd: join(dir, 'models/churn'), confinement, log })).toEqual({
      handles: ['@alice'],
      source: 'codeowners',
      file: '.github/CODEOWNERS',
      line: 2,
    });
    expect(await resolveOwner({ cwd: dir, confinement, log })).toMatchObject({
      handles: ['@octo-org/platform'],
      line: 1,
    });
  });

  it('gives `code` the rule owning the most of its files; an unowned file does not vote', async () => {
    const { dir, confinement } = await workspace({
      CODEOWNERS,
      'models/churn/train.py': 'x',
      'models/churn/features.py': 'x',
      'models/churn/config.json': '{}',
      'models/churn/README.md': '',
    });
    const log = recordingRunner();
    const cwd = join(dir, 'models/churn');
    expect(await resolveOwner({ code: ['.'], cwd, confinement, log })).toEqual({
      handles: ['@ml-owner'],
      source: 'codeowners',
      file: 'CODEOWNERS',
      line: 3,
    });
    // One file each: the tie goes to the rule further down.
    expect(
      await resolveOwner({ code: ['config.json', 'train.py'], cwd, confinement, log }),
    ).toMatchObject({ handles: ['@ml-owner'] });
    expect(await resolveOwner({ code: ['README.md'], cwd, confinement, log })).toBeUndefined();
  });

  it('reads the first of .github/CODEOWNERS, CODEOWNERS and docs/CODEOWNERS', async () => {
    const { dir, confinement } = await workspace({
      'docs/CODEOWNERS': '* @docs-owner',
      CODEOWNERS: '* @root-owner',
    });
    const log = recordingRunner();
    expect(await resolveOwner({ cwd: dir, confinement, log })).toMatchObject({
      handles: ['@root-owner'],
      file: 'CODEOWNERS',
    });
  });

  it('records no owner without input or CODEOWNERS, or when no rule with owners matches', async () => {
    const none = await workspace({});
    const log = recordingRunner();
    expect(
      await resolveOwner({ cwd: none.dir, confinement: none.confinement, log }),
    ).toBeUndefined();
    const unmatched = await workspace({ CODEOWNERS: '/docs/ @writer\n' });
    expect(
      await resolveOwner({ cwd: unmatched.dir, confinement: unmatched.confinement, log }),
    ).toBeUndefined();
    expect(log.log.some((entry) => /CODEOWNERS names no owner/.test(entry.message))).toBe(true);
  });

  it('warns about a malformed line with its file and line, and reads the rest', async () => {
    const { dir, confinement } = await workspace({
      '.github/CODEOWNERS': '* @team-a\n!secret @nobody\n',
    });
    const log = recordingRunner();
    expect(await resolveOwner({ cwd: dir, confinement, log })).toMatchObject({
      handles: ['@team-a'],
    });
    const warning = log.log.find((entry) => entry.level === 'warning');
    expect(warning?.message).toMatch(/^\.github\/CODEOWNERS line 2 is skipped: .*negation/);
    expect(warning?.where).toMatchObject({ file: '.github/CODEOWNERS', line: 2 });
  });

  it('warns of the first 10 skipped lines and counts the rest; records at most 50 owners', async () => {
    const owners = Array.from({ length: 60 }, (_, i) => `@user-${i}`).join(' ');
    const { dir, confinement } = await workspace({
      CODEOWNERS: `${'!x @a\n'.repeat(25)}* ${owners}\n`,
    });
    const log = recordingRunner();
    const owner = await resolveOwner({ cwd: dir, confinement, log });
    expect(owner?.handles).toHaveLength(50);
    expect(owner?.handles[49]).toBe('@user-49');
    expect(manifestSchema.shape.owner.safeParse(owner).success).toBe(true);
    const warnings = log.log.filter((entry) => entry.level === 'warning');
    expect(warnings.filter((w) => /is skipped/.test(w.message))).toHaveLength(10);
    expect(warnings.some((w) => /line 26 names 60 owners/.test(w.message))).toBe(true);
    expect(log.log.some((entry) => /15 more lines are skipped/.test(entry.message))).toBe(true);
  });

  it('does not load a CODEOWNERS file of 3 MB or more, as GitHub does not', async () => {
    const big = `* @big-owner\n${'# padding\n'.repeat(MAX_CODEOWNERS_BYTES / 10)}`;
    const { dir, confinement } = await workspace({ CODEOWNERS: big });
    const log = recordingRunner();
    expect(await resolveOwner({ cwd: dir, confinement, log })).toBeUndefined();
    expect(log.log.find((entry) => entry.level === 'warning')?.message).toMatch(/3 MB/);
    // Just under the limit, it is read.
    const under = await workspace({ CODEOWNERS: big.slice(0, MAX_CODEOWNERS_BYTES - 1) });
    expect(
      await resolveOwner({ cwd: under.dir, confinement: under.confinement, log }),
    ).toMatchObject({
      handles: ['@big-owner'],
    });
  });

  it('never reads a CODEOWNERS that leads outside the workspace', async () => {
    const { dir, root, confinement } = await workspace({});
    await writeFile(join(root, 'outside'), '* @attacker\n');
    await symlink(join(root, 'outside'), join(dir, 'CODEOWNERS'));
    const log = recordingRunner();
    expect(await resolveOwner({ cwd: dir, confinement, log })).toBeUndefined();
    expect(log.log.find((entry) => entry.level === 'warning')?.message).toMatch(
      /outside the workspace/,
    );
  });
});

describe('the owner in the manifest', () => {
  it('is checked when read back', () => {
    const owner = { handles: ['@octocat'], source: 'input' };
    const shape = manifestSchema.shape.owner;
    expect(shape.safeParse(owner).success).toBe(true);
    expect(shape.safeParse({ ...owner, handles: ['@octo cat'] }).success).toBe(false);
    expect(shape.safeParse({ ...owner, handles: ['<img src=x>'] }).success).toBe(false);
    expect(shape.safeParse({ ...owner, handles: [] }).success).toBe(false);
    const fromFile = { handles: ['@a'], source: 'codeowners', line: 1 };
    expect(shape.safeParse({ ...fromFile, file: '.github/CODEOWNERS' }).success).toBe(true);
    expect(shape.safeParse({ ...fromFile, file: '../etc/passwd' }).success).toBe(false);
  });
});
