import { describe, expect, it } from 'vitest';
import { pathMatcher } from '../../src/core/globs.js';
import { GLOB_TABLE } from '../support/glob-table.js';

describe('path globs: the table', () => {
  it.each(GLOB_TABLE)('$glob', ({ glob, match, miss }) => {
    const m = pathMatcher([glob]);
    expect(match.filter((p) => m(p) !== glob)).toEqual([]);
    expect(miss.filter((p) => m(p) !== undefined)).toEqual([]);
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
  });
});
