import { spawnSync } from 'node:child_process';
import { rmSync } from 'node:fs';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { pathMatcher } from '../../src/core/globs.js';
import { DEFAULT_BLOCK_PATHS, detectExport, isKdbx } from '../../src/guard/blocked.js';
import { parseAddedLines, unquoteGitPath } from '../../src/guard/git.js';
import { tempDir } from './helpers.js';
import { runnerIsCI } from '../support/runner.js';

describe('blocked paths', () => {
  const blocked = pathMatcher(DEFAULT_BLOCK_PATHS);
  it.each([
    ['.secrets_tmp/a.txt', true],
    ['.secrets_tmp/deep/b.json', true],
    ['sub/.secrets_tmp/c', true],
    ['notes.secrets.md', true],
    ['docs/team/x.secrets.md', true],
    ['docs/secrets.md', false],
    ['secrets_tmp/a', false],
    ['vault/chronos.kdbx', false],
  ])('%s blocked: %s', (p, want) => {
    expect(blocked(p) !== undefined).toBe(want);
  });

  it('reads globs the gitignore way', () => {
    expect(pathMatcher(['*.csv'])('a/b/c.csv') !== undefined).toBe(true);
    expect(pathMatcher(['/root.env'])('root.env') !== undefined).toBe(true);
    expect(pathMatcher(['conf/*.env'])('conf/a.env') !== undefined).toBe(true);
    expect(pathMatcher(['conf/*.env'])('x/conf/a.env') !== undefined).toBe(false);
    expect(pathMatcher(['**/*.env'])('a.env') !== undefined).toBe(true);
    expect(pathMatcher(['build/'])('build/x/y') !== undefined).toBe(true);
    expect(pathMatcher(['file?.[ch]'])('src/file1.c') !== undefined).toBe(true);
    expect(pathMatcher(['a+b(c).txt'])('a+b(c).txt') !== undefined).toBe(true);
  });
});

describe('plaintext KeePass exports', () => {
  const dir = tempDir('ssot-kx-');
  afterAll(() => rmSync(dir, { recursive: true, force: true }));
  const cli = spawnSync('keepassxc-cli', ['--version'], { encoding: 'utf8' });
  const db = path.join(dir, 't.kdbx');
  const pw = 'test-only-pw-1';
  const have = cli.status === 0 || runnerIsCI(); // under CI a missing keepassxc-cli is a failure, not a skip
  if (have) {
    spawnSync('keepassxc-cli', ['db-create', '-p', db], { input: `${pw}\n${pw}\n` });
    spawnSync('keepassxc-cli', ['add', '-u', 'alice', '-p', db, 'Entry'], { input: `${pw}\nvalue-${Date.now()}\n` });
  }

  it.skipIf(!have).each(['csv', 'xml'])('recognises keepassxc-cli export -f %s', (format) => {
    const out = spawnSync('keepassxc-cli', ['export', '-q', '-f', format, db], { input: `${pw}\n`, encoding: 'utf8' });
    expect(out.status).toBe(0);
    expect(detectExport(out.stdout)).toBe(`keepass-${format}`);
  });

  it('recognises KeePass 1.x CSV and XML, and an HTML export', () => {
    expect(detectExport('"Account","Login Name","Password","Web Site","Comments"\n')).toBe('keepass-csv');
    expect(detectExport('<?xml version="1.0"?>\n<pwlist>\n<pwentry>\n')).toBe('keepass-xml');
    expect(detectExport('<!DOCTYPE html><html><head><meta name="generator" content="KeePassXC"></head><body><table><tr><th>Password</th>')).toBe('keepass-html');
  });

  it('leaves ordinary CSV, XML and HTML alone', () => {
    expect(detectExport('name,email,age\n')).toBeUndefined();
    expect(detectExport('id,password_hash,created\n')).toBeUndefined();
    expect(detectExport('<?xml version="1.0"?><project></project>')).toBeUndefined();
    expect(detectExport('<html><body>Reset your password</body></html>')).toBeUndefined();
    // code and docs that talk about the format are not exports (found by running the guard on this repository)
    expect(detectExport("if (/<KeePassFile>/.test(text) && /<(?:Root|Group|Meta)>/.test(text)) return 'keepass-xml';")).toBeUndefined();
  });

  it.skipIf(!have)('knows an encrypted .kdbx by its signature', () => {
    const bytes = spawnSync('cat', [db]).stdout;
    expect(isKdbx(bytes)).toBe(true);
    expect(isKdbx(Buffer.from('"Group","Title"'))).toBe(false);
  });
});

describe('diff parsing', () => {
  it('keeps added lines with their numbers across hunks, and ignores headers and removed lines', () => {
    const diff = [
      'diff --git a/x.txt b/x.txt',
      'index 1..2 100644',
      '--- a/x.txt',
      '+++ b/x.txt',
      '@@ -2,0 +3,2 @@ ctx',
      '+three',
      '++++ a line that starts with pluses',
      '@@ -10 +11 @@',
      '-old',
      '+eleven',
      'diff --git a/new b/new',
      'new file mode 100644',
      '--- /dev/null',
      '+++ "b/sp ace\\tx\\303\\251"',
      '@@ -0,0 +1 @@',
      '+first',
      '\\ No newline at end of file',
      '',
    ].join('\n');
    const m = parseAddedLines(Buffer.from(diff));
    const x = m.get('x.txt')!;
    expect(x.bytes.toString()).toBe('+three\n++++ a line that starts with pluses\n+eleven\n');
    expect([...x.lineNumbers]).toEqual([3, 4, 11]);
    expect(x.fromStart).toBe(false);
    const n = m.get('sp ace\txé')!;
    expect(n.bytes.toString()).toBe('+first\n');
    expect(n.fromStart).toBe(true);
  });

  it('unquotes git paths', () => {
    expect(unquoteGitPath('"a\\"b\\\\c"')).toBe('a"b\\c');
    expect(unquoteGitPath('plain')).toBe('plain');
  });
});
