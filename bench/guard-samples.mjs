// Real-format secrets made at bench time, for bench/guard-recall.mjs: private keys from
// the tools that make them (ssh-keygen, openssl, gpg, puttygen), random tokens in each
// provider's documented format, connection strings and assignments in the styles people
// write them. Nothing here is a real credential; nothing is written into this repository.
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';

/** A seeded generator (mulberry32): the same seed gives the same tokens. */
export function generator(seed) {
  let a = seed >>> 0;
  const next = () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  const str = (n, alphabet) => Array.from({ length: n }, () => alphabet[Math.floor(next() * alphabet.length)]).join('');
  return { next, str };
}

const UP = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ';
const LO = 'abcdefghijklmnopqrstuvwxyz';
const DI = '0123456789';
const AN = UP + LO + DI;
const HEX = '0123456789abcdef';
const B64 = AN + '+/';
const URLSAFE = AN + '-_';
const SYMBOLS = AN + '!@#$%^&*()-_=+[]{}|;:,.<>?~';

/** Provider tokens in their documented formats: [kind, variable name, value]. */
export function providerTokens(g) {
  const s = g.str;
  const b64url = (o) => Buffer.from(JSON.stringify(o)).toString('base64url');
  return [
    ['AWS access key id', 'AWS_ACCESS_KEY_ID', 'AKIA' + s(16, 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567')],
    ['AWS secret access key', 'AWS_SECRET_ACCESS_KEY', s(40, B64)],
    ['Google API key', 'GOOGLE_API_KEY', 'AIza' + s(35, URLSAFE)],
    ['Google OAuth client secret', 'GOOGLE_CLIENT_SECRET', 'GOCSPX-' + s(28, URLSAFE)],
    ['Azure storage account key', 'AZURE_STORAGE_CONNECTION_STRING', `DefaultEndpointsProtocol=https;AccountName=${s(10, LO)};AccountKey=${s(86, B64)}==;EndpointSuffix=core.windows.net`],
    ['GitHub personal access token', 'GITHUB_TOKEN', 'ghp_' + s(36, AN)],
    ['GitHub fine-grained token', 'GH_TOKEN', 'github_pat_' + s(22, AN) + '_' + s(59, AN)],
    ['GitLab personal access token', 'GITLAB_TOKEN', 'glpat-' + s(20, URLSAFE)],
    ['Atlassian API token', 'JIRA_API_TOKEN', 'ATATT3xFfGF0' + s(170, URLSAFE) + '=' + s(8, HEX.toUpperCase())],
    ['Bitbucket app password', 'BITBUCKET_APP_PASSWORD', 'ATBB' + s(32, AN)],
    ['Slack bot token', 'SLACK_BOT_TOKEN', `xoxb-${s(12, DI)}-${s(13, DI)}-${s(24, AN)}`],
    ['Slack webhook', 'SLACK_WEBHOOK_URL', `https://hooks.slack.com/services/T${s(8, UP + DI)}/B${s(10, UP + DI)}/${s(24, AN)}`],
    ['Discord webhook', 'DISCORD_WEBHOOK', `https://discord.com/api/webhooks/${s(18, DI)}/${s(68, URLSAFE)}`],
    ['Telegram bot token', 'TELEGRAM_BOT_TOKEN', `${s(10, DI)}:AA${s(33, URLSAFE)}`],
    ['Stripe secret key', 'STRIPE_SECRET_KEY', 'sk_live_' + s(24, AN)],
    ['Twilio API key SID', 'TWILIO_API_KEY', 'SK' + s(32, HEX)],
    ['Twilio auth token', 'TWILIO_AUTH_TOKEN', s(32, HEX)],
    ['SendGrid API key', 'SENDGRID_API_KEY', `SG.${s(22, URLSAFE)}.${s(43, URLSAFE)}`],
    ['Mailgun API key', 'MAILGUN_API_KEY', 'key-' + s(32, HEX)],
    ['npm token', 'NPM_TOKEN', 'npm_' + s(36, AN)],
    ['PyPI token', 'PYPI_TOKEN', 'pypi-AgEIcHlwaS5vcmc' + s(70, URLSAFE)],
    ['OpenAI API key', 'OPENAI_API_KEY', `sk-proj-${s(20, URLSAFE)}T3BlbkFJ${s(20, URLSAFE)}`],
    ['Anthropic API key', 'ANTHROPIC_API_KEY', `sk-ant-api03-${s(93, URLSAFE)}AA`],
    ['Hugging Face token', 'HF_TOKEN', 'hf_' + s(34, UP + LO)],
    ['DigitalOcean token', 'DIGITALOCEAN_TOKEN', 'dop_v1_' + s(64, HEX)],
    ['Shopify access token', 'SHOPIFY_TOKEN', 'shpat_' + s(32, HEX)],
    ['HashiCorp Vault token', 'VAULT_TOKEN', 'hvs.' + s(91, URLSAFE)],
    ['Databricks token', 'DATABRICKS_TOKEN', 'dapi' + s(32, HEX)],
    ['Doppler token', 'DOPPLER_TOKEN', 'dp.pt.' + s(43, AN)],
    ['age secret key', 'AGE_KEY', 'AGE-SECRET-KEY-1' + s(58, 'QPZRY9X8GF2TVDW0S3JN54KHCE6MUA7L')],
    ['JWT', 'ID_TOKEN', `${b64url({ alg: 'HS256', typ: 'JWT' })}.${b64url({ sub: s(8, DI), exp: 1900000000 + Math.floor(g.next() * 1e6) })}.${s(43, URLSAFE)}`],
    ['Django SECRET_KEY', 'SECRET_KEY', 'django-insecure-' + s(50, 'abcdefghijklmnopqrstuvwxyz0123456789!@#$%^&*(-_=+)')],
  ];
}

/** Secrets known only by the name they are given: [kind, name, value]. */
export function namedSecrets(g) {
  const s = g.str;
  return [
    ['password with symbols', 'DB_PASSWORD', s(6, AN) + '@]' + s(4, AN) + ')|(' + s(5, SYMBOLS)],
    ['API key (random alphanumerics)', 'API_KEY', s(32, AN)],
    ['client secret', 'clientSecret', s(40, URLSAFE)],
    ['hex signing secret', 'WEBHOOK_SIGNING_SECRET', s(64, HEX)],
    ['base64 encryption key', 'ENCRYPTION_KEY', Buffer.from(s(32, SYMBOLS)).toString('base64')],
    ['Django SECRET_KEY (generated)', 'SECRET_KEY', s(50, 'abcdefghijklmnopqrstuvwxyz0123456789!@#$%^&*(-_=+)')],
    ['access token', 'accessToken', s(48, URLSAFE)],
    ['SMTP password', 'smtp_password', s(16, SYMBOLS)],
  ];
}

/** Connection strings: [kind, URL]. */
export function connectionStrings(g) {
  const s = g.str;
  const pw = () => s(8, AN) + s(4, '^@]:/?#%') + s(6, AN);
  return [
    ['postgresql+psycopg2, percent-encoded', `postgresql+psycopg2://admin:${encodeURIComponent(pw())}@db-${s(6, LO)}.prod.internal:5432/app`],
    ['mysql+pymysql, percent-encoded', `mysql+pymysql://app:${encodeURIComponent(pw())}@mysql.${s(6, LO)}.internal/app`],
    ['rediss with an empty user', `rediss://:${s(32, AN)}@cache-${s(5, LO)}.internal:6380/0`],
    ['mongodb+srv', `mongodb+srv://svc:${s(20, AN)}@cluster0.${s(5, LO)}.mongodb.net/prod?retryWrites=true`],
    ['amqps', `amqps://worker:${s(18, AN)}@rabbit.${s(5, LO)}.internal:5671/vhost`],
    ['https with a token as password', `https://x-access-token:${s(40, AN)}@git.${s(5, LO)}.internal/org/repo.git`],
    ['jdbc:postgresql', `jdbc:postgresql://app:${s(16, AN)}@pg.${s(5, LO)}.internal:5432/app`],
    ['raw symbols in the password', `postgres://svc:${s(6, AN)}@${s(6, AN)}@db.${s(5, LO)}.internal/app`],
  ];
}

/** The styles a value is written in: [style, file, text]. */
export function styles(name, value) {
  const lower = name.toLowerCase();
  const camel = lower.replace(/_([a-z])/g, (_m, c) => c.toUpperCase());
  const json = JSON.stringify(value);
  return [
    ['.env', '.env', `${name}=${value}\n`],
    ['YAML', 'config/app.yaml', `app:\n  ${lower}: ${json}\n`],
    ['JSON', 'config/app.json', `{\n  "${camel}": ${json}\n}\n`],
    ['Python', 'app/settings.py', `${name} = ${json}\n`],
    ['TypeScript', 'src/config.ts', `export const ${camel} = ${json};\n`],
    ['Go', 'internal/config.go', `var ${camel} = ${json}\n`],
    ['shell', 'deploy.sh', `#!/bin/sh\nexport ${name}='${value.replace(/'/g, `'\\''`)}'\n`],
    ['Java', 'src/main/java/Config.java', `  private static final String ${name} = ${json};\n`],
    ['docker-compose', 'docker-compose.yml', `services:\n  app:\n    environment:\n      - ${name}=${value}\n`],
    ['Kubernetes stringData', 'k8s/secret.yaml', `apiVersion: v1\nkind: Secret\nstringData:\n  ${lower.replace(/_/g, '-')}: ${json}\n`],
    ['TOML', 'config.toml', `[app]\n${lower} = ${json}\n`],
    ['INI', 'app.ini', `[app]\n${lower} = ${value}\n`],
    ['properties', 'application.properties', `app.${lower.replace(/_/g, '.')}=${value}\n`],
    ['PHP', 'config/app.php', `<?php\nreturn [\n    '${lower}' => '${value.replace(/'/g, "\\'")}',\n];\n`],
    ['Ruby', 'config/initializers/app.rb', `Rails.application.config.${lower} = ${json}\n`],
    ['Rust', 'src/main.rs', `let ${lower}: &str = ${json};\n`],
    ['C#', 'Config.cs', `var ${camel} = ${json.replace(/^"/, '@"')};\n`],
    ['Terraform tfvars', 'prod.tfvars', `${lower} = ${json}\n`],
    ['.NET appSettings', 'web.config', `<appSettings>\n  <add key="${name}" value="${value.replace(/&/g, '&amp;').replace(/"/g, '&quot;').replace(/</g, '&lt;')}" />\n</appSettings>\n`],
  ];
}

function run(cwd, cmd, args, env = {}) {
  const r = spawnSync(cmd, args, { cwd, encoding: 'utf8', env: { ...process.env, ...env } });
  if (r.error || r.status !== 0) throw new Error(`${cmd}: ${r.error?.message ?? r.stderr}`);
  return r.stdout;
}

/** Private keys from the tools that make them: [kind, text]; tools that are absent are reported. */
export function privateKeys() {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'ssot-bench-keys-'));
  const out = [];
  const absent = [];
  const tryTool = (tool, fn) => {
    if (spawnSync(tool, ['--help'], { encoding: 'utf8' }).error) absent.push(tool);
    else fn();
  };
  const read = (f) => readFileSync(path.join(dir, f), 'utf8');
  try {
    tryTool('ssh-keygen', () => {
      for (const [kind, args] of [
        ['OpenSSH ed25519', ['-t', 'ed25519', '-N', '']],
        ['OpenSSH ed25519, passphrase', ['-t', 'ed25519', '-N', 'bench passphrase']],
        ['OpenSSH RSA 3072', ['-t', 'rsa', '-b', '3072', '-N', '']],
        ['OpenSSH ECDSA P-384', ['-t', 'ecdsa', '-b', '384', '-N', '']],
        ['PEM RSA', ['-t', 'rsa', '-b', '2048', '-m', 'PEM', '-N', '']],
        ['PEM RSA, encrypted', ['-t', 'rsa', '-b', '2048', '-m', 'PEM', '-N', 'bench passphrase']],
        ['PEM EC', ['-t', 'ecdsa', '-b', '256', '-m', 'PEM', '-N', '']],
      ]) {
        const f = `k${out.length}`;
        run(dir, 'ssh-keygen', ['-q', ...args, '-C', 'bench', '-f', f]);
        out.push([kind, read(f)]);
        if (kind === 'OpenSSH ed25519') out.push(['OpenSSH ed25519 public key (must NOT be found)', read(`${f}.pub`)]);
      }
    });
    tryTool('openssl', () => {
      for (const [kind, args] of [
        ['PKCS#8 RSA', ['-algorithm', 'RSA', '-pkeyopt', 'rsa_keygen_bits:2048']],
        ['PKCS#8 EC', ['-algorithm', 'EC', '-pkeyopt', 'ec_paramgen_curve:P-256']],
        ['PKCS#8 Ed25519', ['-algorithm', 'ED25519']],
        ['PKCS#8 encrypted', ['-algorithm', 'RSA', '-pkeyopt', 'rsa_keygen_bits:2048', '-aes256', '-pass', 'pass:bench']],
      ]) {
        out.push([kind, run(dir, 'openssl', ['genpkey', ...args])]);
      }
      run(dir, 'openssl', ['genpkey', '-genparam', '-algorithm', 'DSA', '-pkeyopt', 'dsa_paramgen_bits:1024', '-out', 'dsa.param']);
      run(dir, 'openssl', ['genpkey', '-paramfile', 'dsa.param', '-out', 'dsa.pem']);
      out.push(['PEM DSA', run(dir, 'openssl', ['pkey', '-in', 'dsa.pem', '-traditional'])]);
    });
    tryTool('gpg', () => {
      const env = { GNUPGHOME: path.join(dir, 'gnupg') };
      mkdirSync(env.GNUPGHOME, { mode: 0o700 });
      const base = ['--batch', '--pinentry-mode', 'loopback', '--passphrase', ''];
      run(dir, 'gpg', [...base, '--quick-generate-key', 'Bench <bench@example.invalid>', 'ed25519', 'sign', 'never'], env);
      out.push(['PGP private key block', run(dir, 'gpg', [...base, '--armor', '--export-secret-keys', 'bench@example.invalid'], env)]);
      spawnSync('gpgconf', ['--kill', 'gpg-agent'], { env: { ...process.env, ...env } });
    });
    tryTool('puttygen', () => {
      if (!out.length) return;
      run(dir, 'ssh-keygen', ['-q', '-t', 'ed25519', '-N', '', '-f', 'p']);
      run(dir, 'puttygen', ['p', '-O', 'private', '-o', 'p.ppk']);
      out.push(['PuTTY PPK 3', read('p.ppk')]);
      writeFileSync(path.join(dir, 'pp'), 'bench passphrase');
      run(dir, 'puttygen', ['p', '-O', 'private', '-o', 'pp.ppk', '--new-passphrase', path.join(dir, 'pp'), '--ppk-param', 'version=2']);
      out.push(['PuTTY PPK 2, passphrase', read('pp.ppk')]);
    });
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
  return { keys: out, absent };
}
