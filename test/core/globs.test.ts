import { spawnSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { pathMatcher } from '../../src/core/globs.js';
import { cleanEnv } from '../guard/helpers.js';
import { GLOB_TABLE, writeRow } from '../support/glob-table.js';
import { tmpDir } from '../support/tmp.js';

describe('path globs: the table', () => {
  it.each(GLOB_TABLE)('$glob', ({ glob, match, miss }) => {
    const m = pathMatcher([glob]);
    expect(match.filter((p) => m(p) !== glob)).toEqual([]);
    expect(miss.filter((p) => m(p) !== undefined)).toEqual([]);
  });
});

describe('path globs: as git reads a .gitignore', () => {
  // The semantics are gitignore's: the real git agrees on every row but the ones marked (a leading "./" or "!").
  const base = tmpDir('ssot-globs-git-');
  it.each(GLOB_TABLE.map((row, i) => ({ ...row, i })))('$glob', (row) => {
    const dir = path.join(base, String(row.i));
    writeRow(dir, row, 'x\n');
    writeFileSync(path.join(dir, '.gitignore'), `${row.glob}\n`);
    const git = (...args: string[]) => spawnSync('git', args, { cwd: dir, encoding: 'utf8', env: cleanEnv({ GIT_CONFIG_NOSYSTEM: '1', GIT_CONFIG_GLOBAL: '/dev/null' }), input: [...row.match, ...row.miss].join('\0') });
    expect(git('init', '-q').status).toBe(0);
    // Only this .gitignore: not the user's excludes file (~/.config/git/ignore), whatever HOME holds.
    const r = git('-c', 'core.ignorecase=false', '-c', `core.excludesFile=${path.join(dir, 'none')}`, 'check-ignore', '--no-index', '--stdin', '-z');
    expect(r.status, r.stderr).toBeLessThan(2);
    const ignored = r.stdout.split('\0').filter(Boolean).sort();
    if (row.notGit) expect(ignored).not.toEqual([...row.match].sort());
    else expect(ignored).toEqual([...row.match].sort());
  });
});

describe('path globs: folders', () => {
  it('a trailing slash matches a folder, never a file of that name', () => {
    const m = pathMatcher(['build/']);
    expect(m('build', true)).toBe('build/');
    expect(m('a/build', true)).toBe('build/');
    expect(m('build')).toBeUndefined();
    expect(m('a/build')).toBeUndefined();
    expect(m('a/build/x')).toBe('build/');
  });

  it('a name without a slash matches a folder as well as a file', () => {
    const m = pathMatcher(['secrets']);
    expect(m('secrets')).toBe('secrets');
    expect(m('a/secrets', true)).toBe('secrets');
    expect(m('a/secrets/deep/x.txt')).toBe('secrets');
  });

  it('`dir/**` matches what is inside the folder, not the folder itself (as in gitignore)', () => {
    const m = pathMatcher(['.secrets_tmp/**']);
    expect(m('.secrets_tmp/a')).toBe('.secrets_tmp/**');
    expect(m('.secrets_tmp/a/b/c')).toBe('.secrets_tmp/**');
    expect(m('.secrets_tmp', true)).toBeUndefined();
    expect(m('x/.secrets_tmp/a')).toBeUndefined();
  });
});

describe('path globs: the list', () => {
  it('returns the first glob that matches', () => {
    const m = pathMatcher(['*.md', 'docs/**']);
    expect(m('docs/a.md')).toBe('*.md');
    expect(m('docs/a.txt')).toBe('docs/**');
    expect(m('a.txt')).toBeUndefined();
  });

  it('matches nothing with no globs, and with globs that name no path ("/", "./")', () => {
    expect(pathMatcher([])('a')).toBeUndefined();
    const m = pathMatcher(['/', './', '  ']);
    expect(['a', 'a/b', '.x'].map((p) => m(p))).toEqual([undefined, undefined, undefined]);
  });

  it('trims spaces around a glob, and stars match dotfiles', () => {
    const m = pathMatcher(['  *.env  ']);
    expect(m('.env')).toBe('  *.env  ');
    expect(m('conf/.prod.env')).toBe('  *.env  ');
  });

  it('reads posix classes and escaped parentheses', () => {
    expect(pathMatcher(['[[:digit:]]*.log'])('logs/1.log')).toBe('[[:digit:]]*.log');
    expect(pathMatcher(['[[:digit:]]*.log'])('logs/a.log')).toBeUndefined();
    expect(pathMatcher(['a\\(b\\).txt'])('a(b).txt')).toBe('a\\(b\\).txt');
    expect(pathMatcher(['[(]x'])('(x')).toBe('[(]x');
    expect(pathMatcher(['[(]x'])('ax')).toBeUndefined();
    expect(pathMatcher(['a\\[b'])('a[b')).toBe('a\\[b');
  });
});
