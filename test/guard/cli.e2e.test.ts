import { existsSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { buildFingerprintIndex, indexPath } from '../../src/guard/fingerprint.js';
import { join, makeRepo, rand, ssot, tempDir, UPPER_DIGITS, type Repo } from './helpers.js';
import { stringMatching } from '../support/matchers.js';

// `ssot guard` end to end: the built CLI against real git repositories in temp folders.

const awsKey = (): string => join('AK', 'IA', rand(16, UPPER_DIGITS, 3));
const ghToken = (seed = 1): string => join('gh', 'p_', rand(36, undefined, seed));

let repo: Repo;
let home: string;
const cleanups: (() => void)[] = [];
afterEach(() => {
  for (const c of cleanups.splice(0)) c();
});
function fresh(opts: { commit?: boolean } = {}): Repo {
  repo = makeRepo(opts);
  home = tempDir('ssot-guard-home-');
  cleanups.push(() => repo.cleanup(), () => rmSync(home, { recursive: true, force: true }));
  return repo;
}
const guard = (...args: string[]) => ssot(['guard', ...args], { cwd: repo.dir, home });
const json = (stdout: string): Record<string, unknown>[] =>
  stdout
    .split('\n')
    .filter((l) => l.startsWith('{'))
    .map((l) => JSON.parse(l) as Record<string, unknown>);
const findings = (stdout: string) => json(stdout).filter((r) => r['type'] === 'finding');

beforeAll(() => {
  if (!existsSync(path.join(import.meta.dirname, '../../dist/cli/main.js'))) throw new Error('run `npm run build` first');
});

describe('ssot guard: what is staged', () => {
  it('scans the index, not the working tree', () => {
    fresh();
    const key = awsKey();
    repo.write('a.ts', `export const k = "${key}";\n`);
    repo.git('add', 'a.ts');
    repo.write('a.ts', 'export const k = process.env.KEY;\n'); // fixed on disk, not staged
    const staged = guard('--json');
    expect(staged.status).toBe(1);
    expect(findings(staged.stdout)).toMatchObject([{ file: 'a.ts', line: 1, rule: 'aws-access-key-id' }]);

    repo.git('add', 'a.ts');
    repo.write('a.ts', `export const k = "${key}";\n`); // on disk only
    expect(guard().status).toBe(0);
  });

  it('reports added lines only, with their line numbers, and --all reports what is already committed', () => {
    fresh();
    const old = ghToken(2);
    repo.write('cfg/app.env', `A=1\nGITHUB_TOKEN=${old}\nB=2\nC=3\n`);
    repo.git('add', '.');
    repo.git('commit', '-qm', 'old');
    repo.write('cfg/app.env', `A=1\nGITHUB_TOKEN=${old}\nB=2\nNEW_TOKEN=${ghToken(3)}\nC=3\n`);
    repo.git('add', '.');
    const r = guard('--json');
    expect(r.status).toBe(1);
    expect(findings(r.stdout).map((f) => `${String(f['file'])}:${String(f['line'])}`)).toEqual(['cfg/app.env:4']);
    const all = guard('--all', '--json');
    expect(findings(all.stdout).map((f) => f['line'])).toEqual([2, 4]);
  });

  it('finds secrets in added files, and nothing in renames or deletions of committed ones', () => {
    fresh();
    repo.write('keep.txt', `token: ${ghToken(4)}\n`);
    repo.git('add', '.');
    repo.git('commit', '-qm', 'c');
    repo.git('mv', 'keep.txt', 'moved.txt');
    expect(guard().status).toBe(0);
    repo.git('commit', '-qm', 'mv');
    repo.git('rm', '-q', 'moved.txt');
    expect(guard().status).toBe(0);
    repo.write('deep/new/file.py', `x = 1\nSTRIPE = "${join('sk', '_live_', rand(24))}"\n`);
    repo.git('add', '.');
    const r = guard('--json');
    expect(findings(r.stdout)).toMatchObject([{ file: 'deep/new/file.py', line: 2, rule: 'stripe-key' }]);
  });

  it('never prints more of a secret than a short prefix', () => {
    fresh();
    const token = ghToken(5);
    repo.write('x.txt', `t=${token}\n`);
    repo.git('add', '.');
    for (const args of [[], ['--json'], ['--verbose']]) {
      const r = guard(...args);
      expect(r.stdout + r.stderr).not.toContain(token);
      expect(r.stdout + r.stderr).not.toContain(token.slice(0, 12));
    }
  });

  it('works in a repository with no commit yet', () => {
    fresh({ commit: false });
    repo.write('first.txt', `key = ${awsKey()}\n`);
    repo.git('add', '.');
    const r = guard('--json');
    expect(r.status).toBe(1);
    expect(findings(r.stdout)).toHaveLength(1);
  });

  it('works during a merge: scans the merge result, names unmerged files', () => {
    fresh();
    repo.write('c.txt', 'base\n');
    repo.git('add', '.');
    repo.git('commit', '-qm', 'base');
    repo.git('checkout', '-qb', 'other');
    repo.write('c.txt', 'other side\n');
    repo.write('o.txt', `pw: ${ghToken(6)}\n`);
    repo.git('add', '.');
    repo.git('commit', '-qm', 'other');
    repo.git('checkout', '-q', 'main');
    repo.write('c.txt', 'main side\n');
    repo.git('commit', '-qam', 'main');
    try {
      repo.git('merge', '-q', 'other');
    } catch {
      /* conflict expected */
    }
    const during = guard('--json');
    expect(during.status).toBe(1); // o.txt's secret comes in with the merge
    const recs = json(during.stdout);
    expect(recs.filter((r) => r['type'] === 'skipped').map((r) => r['file'])).toEqual(['c.txt']);
    expect(findings(during.stdout).map((f) => f['file'])).toEqual(['o.txt']);
    repo.write('c.txt', 'resolved\n');
    repo.git('add', 'c.txt');
    expect(guard().status).toBe(1);
  });

  it('reads binary files from the index, allows encrypted .kdbx, says when text is not UTF-8', () => {
    fresh();
    const pem = `${join('-----BEGIN ', 'EC PRIVATE', ' KEY-----')}\n${rand(64)}\n${rand(40)}\n-----END EC PRIVATE KEY-----\n`;
    repo.write('blob.bin', Buffer.concat([Buffer.from([0, 1, 2, 0, 255]), Buffer.from(pem), Buffer.from([0, 0, 7])]));
    repo.write('vault.kdbx', Buffer.concat([Buffer.from([0x03, 0xd9, 0xa2, 0x9a, 0x67, 0xfb, 0x4b, 0xb5]), Buffer.from(pem)]));
    repo.write('latin.txt', Buffer.concat([Buffer.from('caf\xe9 = 1\n', 'latin1'), Buffer.from(`password = "${rand(18)}"\n`)]));
    repo.git('add', '.');
    const r = ssot(['guard', '--json', '--verbose'], { cwd: repo.dir, home });
    expect(r.status).toBe(1);
    const f = findings(r.stdout);
    expect(f.map((x) => `${String(x['file'])}:${String(x['rule'])}`).sort()).toEqual(['blob.bin:private-key', 'latin.txt:generic-secret']);
    expect(json(r.stdout).some((x) => x['type'] === 'note' && String(x['message']).includes('latin.txt: not UTF-8'))).toBe(true);
  });

  it('says which files were too large to scan, and still scans the rest', () => {
    fresh();
    repo.write('ssot.config.yaml', 'guard:\n  maxFileBytes: 1000\n');
    repo.write('big.txt', `${'a'.repeat(2000)}\ntoken=${ghToken(7)}\n`);
    repo.write('small.txt', `token=${ghToken(8)}\n`);
    repo.git('add', '.');
    const r = guard('--json');
    expect(r.status).toBe(1);
    const recs = json(r.stdout);
    expect(recs.filter((x) => x['type'] === 'skipped')).toMatchObject([{ file: 'big.txt', reason: stringMatching(/larger than guard.maxFileBytes/) }]);
    expect(findings(r.stdout).map((x) => x['file'])).toEqual(['small.txt']);
    const text = guard();
    expect(text.stderr).toMatch(/not scanned: big\.txt/);
  });
});

describe('ssot guard: blocked files', () => {
  it('blocks .secrets_tmp/**, *.secrets.md, guard.blockPaths and plaintext KeePass exports', () => {
    fresh();
    repo.write('ssot.config.yaml', 'guard:\n  blockPaths: ["**/*.env"]\n');
    repo.write('.secrets_tmp/notes.txt', 'nothing secret-looking\n');
    repo.write('docs/team.secrets.md', '# notes\n');
    repo.write('deploy/prod.env', 'A=1\n');
    repo.write('export.csv', '"Group","Title","Username","Password","URL","Notes","TOTP","Icon","Last Modified","Created"\n"Root","x","y","z","","","","0","",""\n');
    repo.write('export.xml', '<?xml version="1.0"?>\n<KeePassFile>\n<Meta><Generator>KeePassXC</Generator></Meta>\n<Root><Group></Group></Root>\n</KeePassFile>\n');
    repo.write('fine.csv', 'a,b,c\n1,2,3\n');
    repo.git('add', '.');
    const r = guard('--json');
    expect(r.status).toBe(1);
    expect(findings(r.stdout).map((f) => `${String(f['file'])}:${String(f['rule'])}`).sort()).toEqual([
      '.secrets_tmp/notes.txt:blocked-path',
      'deploy/prod.env:blocked-path',
      'docs/team.secrets.md:blocked-path',
      'export.csv:keepass-csv',
      'export.xml:keepass-xml',
    ]);
  });

  it('blocks a file renamed to a blocked path even though no line is added', () => {
    fresh();
    repo.write('notes.md', '# plain\n');
    repo.git('add', '.');
    repo.git('commit', '-qm', 'n');
    repo.git('mv', 'notes.md', 'notes.secrets.md');
    const r = guard('--json');
    expect(findings(r.stdout)).toMatchObject([{ file: 'notes.secrets.md', rule: 'blocked-path' }]);
  });
});

describe('ssot guard: accepting findings', () => {
  it('honours an inline ssot:allow comment', () => {
    fresh();
    repo.write('t.py', `KEY = "${awsKey()}"  # ssot:allow test fixture\n`);
    repo.git('add', '.');
    const r = guard('--json');
    expect(r.status).toBe(0);
    expect(json(r.stdout).find((x) => x['type'] === 'summary')).toMatchObject({ findings: 0, allowedInline: 1 });
  });

  it('writes a baseline of fingerprints (never values), then passes; a new secret still fails', () => {
    fresh();
    const token = ghToken(9);
    repo.write('a.txt', `token=${token}\n`);
    repo.git('add', '.');
    expect(guard().status).toBe(1);
    const w = guard('--write-baseline');
    expect(w.status).toBe(0);
    const file = path.join(repo.dir, '.ssot-guard-baseline.json');
    const text = readFileSync(file, 'utf8');
    expect(text).not.toContain(token);
    expect(text).not.toContain(token.slice(4, 16));
    expect(JSON.parse(text)).toMatchObject({ version: 1, findings: [{ rule: 'github-token', file: 'a.txt', line: 1 }] });
    expect(guard().status).toBe(0);
    repo.write('b.txt', `token=${ghToken(10)}\n`);
    repo.git('add', '.');
    const r = guard('--json');
    expect(r.status).toBe(1);
    expect(findings(r.stdout).map((f) => f['file'])).toEqual(['b.txt']);
  });

  it('gives a finding the same fingerprint staged and with --all (multi-line keys too)', () => {
    fresh();
    repo.write('k.pem', `${join('-----BEGIN ', 'EC PRIVATE', ' KEY-----')}\n${rand(64)}\n${rand(30)}\n-----END EC PRIVATE KEY-----\n`);
    repo.write('a.txt', `x\ntoken=${ghToken(13)}\n`);
    repo.git('add', '.');
    const staged = findings(guard('--json').stdout).map((f) => f['fingerprint']);
    const all = findings(guard('--all', '--json').stdout).map((f) => f['fingerprint']);
    expect(staged).toHaveLength(2);
    expect(all).toEqual(staged);
    expect(guard('--all', '--write-baseline').status).toBe(0);
    expect(guard().status).toBe(0);
  });

  it('uses guard.baseline from the config, relative to the config file', () => {
    fresh();
    repo.write('ssot.config.yaml', 'guard:\n  baseline: security/accepted.json\n');
    repo.write('a.txt', `token=${ghToken(11)}\n`);
    repo.git('add', '.');
    expect(guard('--write-baseline').status).toBe(0);
    expect(existsSync(path.join(repo.dir, 'security/accepted.json'))).toBe(true);
    expect(guard().status).toBe(0);
  });

  it('rejects a damaged baseline with exit 2 and the file named', () => {
    fresh();
    repo.write('.ssot-guard-baseline.json', '{ not json');
    repo.write('a.txt', 'hello\n');
    repo.git('add', '.');
    const r = guard();
    expect(r.status).toBe(2);
    expect(r.stderr).toMatch(/\.ssot-guard-baseline\.json.*not valid JSON/);
  });
});

describe('ssot guard: vault values', () => {
  const value = `Zq8${rand(10)}@/:%${rand(4)}`;
  async function withIndex(): Promise<void> {
    const r = await buildFingerprintIndex([{ vault: 'chronos', entryPath: 'Prod/DB', field: 'Password', value }], { stateDir: path.join(home, 'state', 'ssot') });
    expect(r.indexed).toBe(1);
  }

  it('finds a vault value inside a connection string, with no master password, and never prints it', async () => {
    fresh();
    await withIndex();
    repo.write('.env.example', `DATABASE_URL=postgres://app:${encodeURIComponent(value)}@db.internal/app\n`);
    repo.git('add', '.');
    const r = guard('--json');
    expect(r.status).toBe(1);
    expect(findings(r.stdout)).toMatchObject([{ file: '.env.example', line: 1, rule: 'vault-value', entry: 'chronos: Prod/DB › Password', variant: 'url' }]);
    for (const out of [r.stdout, guard().stdout]) {
      expect(out).not.toContain(value);
      expect(out).not.toContain(encodeURIComponent(value));
    }
    expect(guard('--no-vault-index', '--json').stdout).not.toContain('vault-value');
  });

  it('reports a vault value once, and another secret on the same line as well', async () => {
    fresh();
    await withIndex();
    repo.write('c.env', `DB_PASSWORD="${value}" AWS=${awsKey()}\n`);
    repo.git('add', '.');
    const r = guard('--json');
    expect(findings(r.stdout).map((f) => f['rule'])).toEqual(['vault-value', 'aws-access-key-id']);
  });

  it('warns about a damaged index and still runs the rules', async () => {
    fresh();
    await withIndex();
    writeFileSync(indexPath(path.join(home, 'state', 'ssot')), 'damaged');
    repo.write('a.txt', `token=${ghToken(12)}\n`);
    repo.git('add', '.');
    const r = guard();
    expect(r.status).toBe(1);
    expect(r.stderr).toMatch(/vault values not checked: the index is damaged/);
    expect(r.stdout).toContain('github-token');
  });
});

describe('ssot guard: usage and config', () => {
  it('runs its rules with no config at all, and is clean on a clean change', () => {
    fresh();
    repo.write('ok.txt', 'nothing here\n');
    repo.git('add', '.');
    const r = guard();
    expect(r).toMatchObject({ status: 0, stderr: '' });
  });

  it('exit 2 for a bad guard config, conflicting options, or no repository', () => {
    fresh();
    repo.write('ssot.config.yaml', 'guard:\n  blockPath: ["x"]\n');
    const bad = guard();
    expect(bad.status).toBe(2);
    expect(bad.stderr).toMatch(/ssot\.config\.yaml.*unknown key guard\.blockPath/);
    repo.write('ssot.config.yaml', 'guard:\n  maxFileBytes: -1\n');
    expect(guard().stderr).toMatch(/ssot\.config\.yaml:2.*guard\.maxFileBytes must be a positive integer/);
    rmSync(path.join(repo.dir, 'ssot.config.yaml'));
    expect(guard('--all', 'x.txt').status).toBe(2);
    const outside = tempDir('ssot-guard-norepo-');
    cleanups.push(() => rmSync(outside, { recursive: true, force: true }));
    const r = ssot(['guard'], { cwd: outside, home });
    expect(r.status).toBe(2);
    expect(r.stderr).toMatch(/not inside a git repository/);
  });

  it('scans given paths from the disk, inside or outside a repository', () => {
    fresh();
    const dir = tempDir('ssot-guard-paths-');
    cleanups.push(() => rmSync(dir, { recursive: true, force: true }));
    writeFileSync(path.join(dir, 'one.txt'), `k=${awsKey()}\n`);
    writeFileSync(path.join(dir, 'two.txt'), 'fine\n');
    const r = ssot(['guard', '.', '--json'], { cwd: dir, home });
    expect(r.status).toBe(1);
    expect(findings(r.stdout).map((f) => f['file'])).toEqual(['one.txt']);
    const missing = ssot(['guard', 'nope.txt', '--json'], { cwd: dir, home });
    expect(json(missing.stdout).filter((x) => x['type'] === 'skipped')).toMatchObject([{ file: 'nope.txt' }]);
  });
});

describe('ssot guard: import budget', () => {
  const HEAVY = ['kdbxweb', 'remark', 'unified', 'micromark', 'mdast', 'confluence.js', 'jira.js', '@googleapis', 'google-auth-library', 'googleapis-common', 'gaxios', 'zod', 'simple-git', 'chokidar', 'gray-matter', 'argon2', '@napi-rs/keyring', 'yaml'];
  const loaded = (args: string[], cwd: string): string[] => {
    const log = path.join(home, 'imports.log');
    rmSync(log, { force: true });
    const r = ssot(args, { cwd, home, env: { SSOT_IMPORT_LOG: log }, nodeArgs: ['--import', path.join(import.meta.dirname, 'support/record-imports.mjs')] });
    expect(r.status).toBeLessThan(2);
    return readFileSync(log, 'utf8').split('\n').filter(Boolean);
  };
  const heavy = (urls: string[]): string[] => urls.filter((u) => HEAVY.some((h) => u.includes(`/node_modules/${h}`)));

  it('loads none of the heavy modules for --help or a staged scan with no config', () => {
    fresh();
    repo.write('a.txt', `k=${awsKey()}\n`);
    repo.git('add', '.');
    const help = loaded(['guard', '--help'], repo.dir);
    const run = loaded(['guard'], repo.dir);
    expect(run.some((u) => u.includes('/dist/guard/scan.js'))).toBe(true); // the recorder works
    expect(heavy(help)).toEqual([]);
    expect(heavy(run)).toEqual([]);
  });

  it("runs the hook's exact call without the command-line parser, with the same verdict and output", () => {
    fresh();
    repo.write('a.txt', `k=${awsKey()}\n`);
    repo.git('add', '.');
    const urls = loaded(['guard', '--hook', 'pre-commit'], repo.dir);
    expect(urls.some((u) => u.includes('/dist/guard/scan.js'))).toBe(true);
    expect(urls.filter((u) => u.includes('/node_modules/commander/') || u.endsWith('/dist/cli/main.js'))).toEqual([]);
    const hook = guard('--hook', 'pre-commit');
    expect(hook.status).toBe(1);
    expect(hook.stdout).toMatch(/a\.txt:1:3\s+aws-access-key-id/);
    expect(hook.stdout).toContain('git commit --no-verify');
    repo.git('rm', '-q', '--cached', 'a.txt');
    expect(guard('--hook', 'pre-commit').status).toBe(0);
  });

  it('loads yaml (only) when a config exists, and not even that while the config stays as it was read', async () => {
    fresh();
    repo.write('ssot.config.yaml', 'guard:\n  blockPaths: ["*.pem"]\n');
    repo.git('add', '.');
    const yaml = (urls: string[]): boolean => urls.some((u) => u.includes('/node_modules/yaml/'));
    const first = loaded(['guard', '--hook', 'pre-commit'], repo.dir);
    expect(heavy(first).every((u) => u.includes('/node_modules/yaml/'))).toBe(true);
    expect(yaml(first)).toBe(true);
    // A config written a moment ago is not remembered (the racy rule); one older than that is.
    await new Promise((r) => setTimeout(r, 2100));
    expect(yaml(loaded(['guard', '--hook', 'pre-commit'], repo.dir))).toBe(true);
    expect(yaml(loaded(['guard', '--hook', 'pre-commit'], repo.dir))).toBe(false);
    // The remembered settings are the config's: a staged key file is still blocked.
    repo.write('id.pem', 'not a key\n');
    repo.git('add', 'id.pem');
    const blocked = guard('--hook', 'pre-commit');
    expect(blocked.status).toBe(1);
    expect(blocked.stdout).toContain('id.pem');
    // An edit is read again.
    repo.write('ssot.config.yaml', 'guard:\n  blockPaths: []\n');
    expect(yaml(loaded(['guard', '--hook', 'pre-commit'], repo.dir))).toBe(true);
    expect(guard('--hook', 'pre-commit').status).toBe(0);
  }, 30_000);
});
