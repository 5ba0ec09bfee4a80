import { spawnSync } from 'node:child_process';
import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { readPaths } from '../../src/guard/files.js';
import { scanTargets } from '../../src/guard/scan.js';
import { scanRules } from '../../src/guard/scan-rules.js';
import { cleanEnv, tempDir } from './helpers.js';

// Private keys made at test time by the tools people use (ssh-keygen, openssl,
// gpg, puttygen: Debian packages openssh-client, openssl, gnupg, putty-tools),
// never committed. Each must be found whatever the file is called and whatever
// its first line looks like; the public half never is.

const dir = tempDir('ssot-keys-');
afterAll(() => {
  spawnSync('gpgconf', ['--kill', 'gpg-agent'], { env: cleanEnv({ GNUPGHOME: path.join(dir, 'gnupg') }) });
  rmSync(dir, { recursive: true, force: true });
});

function run(cmd: string, args: string[], opts: { input?: string; env?: NodeJS.ProcessEnv } = {}): string {
  const r = spawnSync(cmd, args, { cwd: dir, encoding: 'utf8', input: opts.input ?? '', env: cleanEnv(opts.env) });
  if (r.error || r.status !== 0) throw new Error(`${cmd} ${args.join(' ')}: ${r.error?.message ?? r.stderr}`);
  return r.stdout;
}
const read = (f: string): string => readFileSync(path.join(dir, f), 'utf8');

function sshKey(name: string, type: string[], passphrase = '', format: string[] = []): { priv: string; pub: string } {
  run('ssh-keygen', ['-q', ...type, ...format, '-N', passphrase, '-C', 'test@example.invalid', '-f', name]);
  return { priv: read(name), pub: read(`${name}.pub`) };
}

function opensslKey(name: string, args: string[], encrypt = false): { priv: string; pub: string } {
  run('openssl', ['genpkey', ...args, '-out', name, ...(encrypt ? ['-aes256', '-pass', 'pass:test-only-passphrase'] : [])]);
  const pub = run('openssl', ['pkey', '-in', name, '-pubout', ...(encrypt ? ['-passin', 'pass:test-only-passphrase'] : [])]);
  return { priv: read(name), pub };
}

const gnupg = { GNUPGHOME: path.join(dir, 'gnupg') };
function gpgKey(uid: string, passphrase: string): { priv: string; pub: string } {
  mkdirSync(gnupg.GNUPGHOME, { recursive: true, mode: 0o700 });
  const base = ['--batch', '--pinentry-mode', 'loopback', '--passphrase', passphrase];
  run('gpg', [...base, '--quick-generate-key', uid, 'ed25519', 'sign', 'never'], { env: gnupg });
  return { priv: run('gpg', [...base, '--armor', '--export-secret-keys', uid], { env: gnupg }), pub: run('gpg', ['--batch', '--armor', '--export', uid], { env: gnupg }) };
}

function puttyKey(from: string, name: string, extra: string[] = [], passphrase = ''): { priv: string; pub: string } {
  const pp = path.join(dir, `${name}.pp`);
  writeFileSync(pp, passphrase);
  run('puttygen', [from, '-O', 'private', '-o', name, ...(passphrase ? ['--new-passphrase', pp] : []), ...extra]);
  run('puttygen', [name, '-O', 'public', '-o', `${name}.pub`, ...(passphrase ? ['--old-passphrase', pp] : [])]);
  return { priv: read(name), pub: read(`${name}.pub`) };
}

const KEYS: [string, () => { priv: string; pub: string }][] = [
  ['OpenSSH ed25519 (ssh-keygen default)', () => sshKey('ed', ['-t', 'ed25519'])],
  ['OpenSSH ed25519 with a passphrase', () => sshKey('edp', ['-t', 'ed25519'], 'test only passphrase')],
  ['OpenSSH RSA', () => sshKey('rsa', ['-t', 'rsa', '-b', '2048'])],
  ['OpenSSH ECDSA P-256', () => sshKey('ec', ['-t', 'ecdsa', '-b', '256'])],
  ['OpenSSH ECDSA P-521 with a passphrase', () => sshKey('ecp', ['-t', 'ecdsa', '-b', '521'], 'test only passphrase')],
  ['PEM RSA (BEGIN RSA PRIVATE KEY)', () => sshKey('pemrsa', ['-t', 'rsa', '-b', '2048'], '', ['-m', 'PEM'])],
  ['PEM RSA, encrypted (Proc-Type, DEK-Info)', () => sshKey('pemrsap', ['-t', 'rsa', '-b', '2048'], 'test only passphrase', ['-m', 'PEM'])],
  ['PEM EC (BEGIN EC PRIVATE KEY)', () => sshKey('pemec', ['-t', 'ecdsa', '-b', '256'], '', ['-m', 'PEM'])],
  ['PKCS#8 RSA', () => opensslKey('p8rsa.pem', ['-algorithm', 'RSA', '-pkeyopt', 'rsa_keygen_bits:2048'])],
  ['PKCS#8 EC', () => opensslKey('p8ec.pem', ['-algorithm', 'EC', '-pkeyopt', 'ec_paramgen_curve:P-256'])],
  ['PKCS#8 Ed25519 (one short line)', () => opensslKey('p8ed.pem', ['-algorithm', 'ED25519'])],
  ['PKCS#8 encrypted (BEGIN ENCRYPTED PRIVATE KEY)', () => opensslKey('p8enc.pem', ['-algorithm', 'EC', '-pkeyopt', 'ec_paramgen_curve:P-384'], true)],
  [
    'PEM DSA (BEGIN DSA PRIVATE KEY)',
    () => {
      run('openssl', ['genpkey', '-genparam', '-algorithm', 'DSA', '-pkeyopt', 'dsa_paramgen_bits:1024', '-out', 'dsa.param']);
      run('openssl', ['genpkey', '-paramfile', 'dsa.param', '-out', 'dsa8.pem']);
      return { priv: run('openssl', ['pkey', '-in', 'dsa8.pem', '-traditional']), pub: run('openssl', ['pkey', '-in', 'dsa8.pem', '-pubout']) };
    },
  ],
  ['PGP private key block', () => gpgKey('Test One <one@example.invalid>', '')],
  ['PGP private key block, protected', () => gpgKey('Test Two <two@example.invalid>', 'test only passphrase')],
  ['PuTTY (PPK 3)', () => (key('OpenSSH ed25519 (ssh-keygen default)'), puttyKey('ed', 'k3.ppk'))],
  ['PuTTY (PPK 2, RSA)', () => (key('OpenSSH RSA'), puttyKey('rsa', 'k2.ppk', ['--ppk-param', 'version=2']))],
  ['PuTTY with a passphrase', () => (key('OpenSSH ECDSA P-256'), puttyKey('ec', 'kp.ppk', [], 'test only passphrase'))],
];

const made = new Map<string, { priv: string; pub: string }>();
const key = (name: string): { priv: string; pub: string } => {
  let k = made.get(name);
  if (!k) {
    k = KEYS.find(([n]) => n === name)![1]();
    made.set(name, k);
  }
  return k;
};

/** Scan files as `ssot guard PATH...` does; the findings' rules. */
async function scanFiles(files: Record<string, string>): Promise<string[]> {
  const root = tempDir('ssot-keys-scan-');
  try {
    for (const [name, text] of Object.entries(files)) {
      mkdirSync(path.dirname(path.join(root, name)), { recursive: true });
      writeFileSync(path.join(root, name), text);
    }
    const report = scanTargets(await readPaths(root, ['.'], { maxFileBytes: 1 << 24 }));
    return report.findings.map((f) => `${f.file}:${f.rule}`);
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
}

describe('private keys made by ssh-keygen, openssl, gpg and puttygen', () => {
  it.each(KEYS.map(([n]) => [n]))('finds %s, whatever the file is called, and never its public key', async (name) => {
    const { priv, pub } = key(name);
    const rule = /PuTTY/.test(name) ? 'putty-private-key' : 'private-key';
    expect(await scanFiles({ 'notes.txt': priv, 'deploy/id': priv, 'key.pub': pub })).toEqual([`deploy/id:${rule}`, `notes.txt:${rule}`]);
  });

  it('says which kind of key it found', () => {
    const kinds = ['OpenSSH ed25519 (ssh-keygen default)', 'PEM RSA (BEGIN RSA PRIVATE KEY)', 'PKCS#8 encrypted (BEGIN ENCRYPTED PRIVATE KEY)', 'PGP private key block'].map(
      (n) => scanRules(key(n).priv)[0]?.description,
    );
    expect(kinds).toEqual(['OpenSSH private key', 'RSA private key (PEM)', 'encrypted private key (PKCS#8)', 'PGP private key block']);
  });

  it('finds a key JSON-escaped, in a YAML block, in string literals, and in the added lines of a diff', () => {
    const pem = key('OpenSSH ed25519 (ssh-keygen default)').priv;
    const p8 = key('PKCS#8 RSA').priv;
    const forms = [
      JSON.stringify({ type: 'service_account', private_key: p8 }),
      `deploy:\n  ssh_key: |\n${pem.replace(/^/gm, '    ')}`,
      `const key = ${pem.trimEnd().split('\n').map((l) => JSON.stringify(l + '\n')).join(' +\n  ')};`,
      'key := `' + p8 + '`',
      `KEY = """\n${pem}"""`,
    ];
    for (const text of forms) expect(scanRules(text).map((h) => h.rule)).toEqual(['private-key']);
    const diff = pem.split('\n').map((l) => `+${l}`).join('\n');
    expect(scanRules(diff, undefined, { diffLines: true }).map((h) => h.rule)).toEqual(['private-key']);
  });

  it('leaves public keys alone: authorized_keys, known_hosts, SPKI PEM, SSH2 and PGP public blocks', async () => {
    const files: Record<string, string> = {
      '.ssh/authorized_keys': ['OpenSSH ed25519 (ssh-keygen default)', 'OpenSSH RSA', 'OpenSSH ECDSA P-256'].map((n) => key(n).pub).join(''),
      'known_hosts': `github.com ${key('OpenSSH ECDSA P-256').pub.split(' ').slice(0, 2).join(' ')}\n`,
      'config.yaml': `host_key: ${key('OpenSSH ECDSA P-521 with a passphrase').pub.split(' ')[1]!}\npublic: "${key('PKCS#8 EC').pub.replace(/\n/g, '\\n')}"\n`,
      'ec.pub.pem': key('PKCS#8 EC').pub,
      'signing.asc': key('PGP private key block').pub,
      'putty.pub': key('PuTTY (PPK 3)').pub,
    };
    expect(await scanFiles(files)).toEqual([]);
  });

  it('leaves key placeholders in docs alone', () => {
    for (const text of [
      '-----BEGIN RSA PRIVATE KEY-----\nMIIE...\n-----END RSA PRIVATE KEY-----',
      '-----BEGIN OPENSSH PRIVATE KEY-----\n<paste your key here>\n-----END OPENSSH PRIVATE KEY-----',
      'private_key: "-----BEGIN PRIVATE KEY-----\\nxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx\\n-----END PRIVATE KEY-----"',
      'if (text.startsWith("-----BEGIN OPENSSH PRIVATE KEY-----")) return parseOpenSsh(text);',
    ]) {
      expect(scanRules(text)).toEqual([]);
    }
  });
});
