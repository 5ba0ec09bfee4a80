#!/usr/bin/env node
// `npm run demo`: ssot end to end in a throwaway folder, with no account and no
// network beyond loopback. It makes a vault with ssot, copies it to a folder, a
// git bare remote and the Drive stand-in, publishes sample docs to the
// Confluence stand-in, opens Jira issues from a session note, edits the vault
// as another machine would and syncs again to show the merge, and runs the
// guard on a staged secret. It stops every stand-in before it exits; with
// `--keep` (`npm run demo -- --keep`) it leaves the workspace and the
// stand-ins running and prints the commands to try in a second terminal.
import { execFileSync, spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const bin = path.join(root, 'bin', 'ssot');
const { startDevServices } = await import('@ssot/standins');
const { VaultDatabase } = await import(path.join(root, 'dist/vault/kdbx/database.js'));

const keep = process.argv.includes('--keep');
const work = mkdtempSync(path.join(os.tmpdir(), 'ssot-demo-'));
const bold = process.stdout.isTTY && !process.env.NO_COLOR;
const say = (s) => console.log(bold ? `\n\x1b[1m== ${s}\x1b[0m` : `\n== ${s}`);
const sh = (cwd, cmd, ...args) => execFileSync(cmd, args, { cwd, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] }).trim();
const password = 'demo: correct horse battery staple';
/** A session summary in the user's own style (test/tickets/fixtures/real). */
const NOTE = '2026-11-22-session-security-hardening.md';
const services = await startDevServices();
const env = {
  ...process.env,
  ...services.env,
  DEMO_VAULT_PASSWORD: password,
  SSOT_CONFIG: path.join(work, 'ssot.config.yaml'),
  XDG_STATE_HOME: path.join(work, '.state'),
  XDG_CONFIG_HOME: path.join(work, '.config'),
  SSOT_KEYRING: 'file',
  GIT_AUTHOR_NAME: 'ssot demo',
  GIT_AUTHOR_EMAIL: 'demo@example.invalid',
  GIT_COMMITTER_NAME: 'ssot demo',
  GIT_COMMITTER_EMAIL: 'demo@example.invalid',
  NO_COLOR: '1',
};

/** Run the CLI as a user would (async: the stand-ins live in this process). */
function ssot(args, cwd = work, { quietOk = false } = {}) {
  return new Promise((resolve) => {
    console.log(`\n$ ssot ${args.join(' ')}`);
    const c = spawn(process.execPath, [bin, ...args], { cwd, env, stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    c.stdout.on('data', (d) => (out += d));
    c.stderr.on('data', (d) => (out += d));
    c.on('close', (code) => {
      process.stdout.write(out.replace(/^/gm, '  '));
      if (!quietOk || code !== 0) console.log(`  (exit ${code})`);
      resolve(code);
    });
  });
}

async function listEntries(file) {
  const db = await VaultDatabase.open(readFileSync(file), { password }, file);
  return db.entries().map((e) => e.path).sort();
}

try {
  say(`A workspace in ${work}`);
  const remote = path.join(work, 'remote', 'keepass_versions.git');
  mkdirSync(path.dirname(remote), { recursive: true });
  sh(work, 'git', 'init', '-q', '--bare', '-b', 'main', remote);
  sh(work, 'git', 'clone', '-q', remote, 'keepass_versions');
  const repo = path.join(work, 'keepass_versions');
  writeFileSync(path.join(repo, 'README.md'), 'Versions of the team vault, kept by ssot.\n');
  sh(repo, 'git', 'add', 'README.md');
  sh(repo, 'git', '-c', 'user.name=demo', '-c', 'user.email=demo@example.invalid', 'commit', '-q', '-m', 'init');
  sh(repo, 'git', 'push', '-q', 'origin', 'main');
  mkdirSync(path.join(work, 'security'));

  writeFileSync(
    env.SSOT_CONFIG,
    `vaults:
  - name: chronos
    path: security/chronos_secrets.kdbx
    password: { env: DEMO_VAULT_PASSWORD }
    copies:
      - git:    { repo: keepass_versions }
      - gdrive: { folder: Backups/security }
      - folder: { path: usb-stick }
    require: { entries: ["AWS SSO"] }
${services.configYaml()}docs:
  root: docs
  exclude: ["session_notes/**"]
tickets:
  notes: docs/session_notes
`,
  );
  // The project as the session note finds it; the note shortens some summaries ("Ubuntu Upgrade Planning").
  services.jira.addIssue({ key: 'CHRONOS-202', summary: 'Rotate IAM access keys', status: 'In Review' });
  services.jira.addIssue({ key: 'CHRONOS-216', summary: 'Phase 2: Security Hardening', status: 'To Do' });
  services.jira.addIssue({ key: 'CHRONOS-223', summary: 'Plan Ubuntu 24.04 LTS Upgrade Strategy', status: 'To Do' });
  services.jira.addIssue({ key: 'CHRONOS-224', summary: 'Enforce MFA for IAM Identity Center users', status: 'In Progress' });
  services.jira.addIssue({ key: 'CHRONOS-225', summary: 'SSH hardening on production', status: 'To Do' });
  writeSampleDocs(work);
  await ssot(['init']);
  await ssot(['docs', 'map', '--write']);

  say('A vault made by ssot');
  await ssot(['vault', 'create', 'chronos']);
  const primary = path.join(work, 'security', 'chronos_secrets.kdbx');
  const db = await VaultDatabase.open(readFileSync(primary), { password }, primary);
  db.addEntry('Cloud', { Title: 'AWS SSO', UserName: 'ops', Password: 'Demo-AWS-pw-7Qx9!rT2' }); // ssot:allow: a made-up test value
  db.addEntry('Servers', { Title: 'Lightsail SSH', UserName: 'ubuntu', Password: 'Demo-SSH-pw-Lp3#vN8w' }); // ssot:allow: a made-up test value
  db.addEntry('Atlassian', { Title: 'Atlassian API token', UserName: 'dev@example.com', Password: 'ATATT3xDemoTokenValue0123456789' });
  writeFileSync(primary, await db.save());

  say('What ssot reads in a session note written the usual way (emoji headings, ✅ [x] 🔄 marks, Label: value lines)');
  await ssot(['tickets', 'sync', '--dry-run']);

  say('Sync everything: the vault to its three copies, docs to Confluence, the note to Jira');
  await ssot(['sync', '--yes']);
  console.log(`\n  Drive stand-in now holds: ${services.drive.files().filter((f) => !f.trashed).map((f) => f.name).join(', ')}`);
  console.log(`  Confluence stand-in pages: ${services.confluence.pages().map((p) => p.title).join(', ')}`);
  console.log('  Jira stand-in issues:');
  for (const i of services.jira.issues()) console.log(`    ${i.key.padEnd(12)} ${services.jira.statusOf(i.key).name.padEnd(12)} ${i.summary}`);

  say('Run it again: nothing changed, so nothing is written');
  await ssot(['sync']);

  say('Another machine edits the Drive copy while this one edits its primary');
  const file = services.drive.findByName('chronos_secrets.kdbx')[0];
  const theirs = await VaultDatabase.open(services.drive.content(file.id), { password }, 'drive');
  theirs.addEntry('Cloud', { Title: 'Stripe (added on the laptop)', Password: 'Demo-Stripe-pw-9Kd2' }); // ssot:allow: a made-up test value
  services.drive.uploadRevision(file.id, await theirs.save(), 'laptop');
  const mine = await VaultDatabase.open(readFileSync(primary), { password }, primary);
  mine.addEntry('Servers', { Title: 'Grafana (added here)', Password: 'Demo-Grafana-pw-3Wm7' }); // ssot:allow: a made-up test value
  writeFileSync(primary, await mine.save());
  await ssot(['sync', '--only', 'vault']);
  console.log('\n  entries in every copy after the merge:');
  for (const e of await listEntries(path.join(work, 'usb-stick', 'chronos_secrets.kdbx'))) console.log(`    ${e}`);
  await ssot(['vault', 'verify']);

  say('The guard stops a commit that holds a vault value (here inside a URL) or a cloud key');
  const app = path.join(work, 'app');
  mkdirSync(app);
  sh(app, 'git', 'init', '-q', '-b', 'main');
  writeFileSync(path.join(app, 'settings.py'), ['DEBUG = False', 'DATABASE_URL = "postgresql://ops:Demo-SSH-pw-Lp3#vN8w@db.internal:5432/app"', `AWS_ACCESS_KEY_ID = "${'AKIA'}${'Z7QX3MV2KDPLWRTB'}"`, ''].join('\n'));
  sh(app, 'git', 'add', 'settings.py');
  await ssot(['guard'], app);

  say('Where to look');
  console.log(`  the workspace:           ${work}`);
  console.log(`  the config:              ${env.SSOT_CONFIG}`);
  console.log(`  per-machine state:       ${env.XDG_STATE_HOME}/ssot (sync state, safety backups, guard index)`);
  console.log(`  the vault's git history: git -C ${repo} log --stat`);
  console.log(`  the docs mapping:        ${path.join(work, 'mapping', 'confluence.json')}`);
  console.log(`  the note, keys written:  ${path.join(work, 'docs', 'session_notes', NOTE)}`);
  if (keep) await keepRunning(repo, primary);
  else console.log('\n  To try `ssot status`, `ssot doctor` and `ssot watch` on this workspace: npm run demo -- --keep');
} finally {
  await services.close();
}

/**
 * `--keep`: the stand-ins stay up in this process and the workspace stays on
 * disk. The environment a second terminal needs goes into a 0600 file there;
 * the commands are printed; Ctrl-C here stops the stand-ins.
 */
async function keepRunning(repo, primary) {
  const envFile = path.join(work, 'demo.env');
  const shellEnv = {
    SSOT_CONFIG: env.SSOT_CONFIG,
    XDG_STATE_HOME: env.XDG_STATE_HOME,
    XDG_CONFIG_HOME: env.XDG_CONFIG_HOME,
    SSOT_KEYRING: 'file',
    DEMO_VAULT_PASSWORD: password,
    ...services.env,
  };
  const lines = Object.entries(shellEnv).map(([k, v]) => `${k}='${v.replace(/'/g, "'\\''")}'`);
  // `ssot` and this very node first on PATH, for the shell that sources the file.
  lines.push(`PATH='${path.dirname(process.execPath)}:${path.join(root, 'bin')}':"$PATH"`);
  writeFileSync(envFile, `# ssot demo: source this in a second terminal (set -a; . ${envFile}; set +a)\n${lines.join('\n')}\n`, { mode: 0o600 });
  say('The workspace and the stand-ins keep running. In a second terminal:');
  console.log(`
  cd ${work}
  set -a; . ./demo.env; set +a        # the demo's config, state folder and stand-in credentials; ssot on PATH
  ssot status                         # every copy, doc and note, as this machine knows them
  ssot doctor                         # each credential, vault and remote checked, read-only
  ssot watch                          # the watcher (stays in the foreground; Ctrl-C stops it)

  Then, in a third terminal (after the same cd and set -a line), an edit to see it travel:
  node ${path.join(root, 'scripts', 'demo-edit.mjs')} ${primary}
  git -C ${repo} log --oneline -3     # a few seconds later: the watcher's commit
  ssot status                         # the Drive and folder copies hold it too

  To stop it all: Ctrl-C in the watch terminal, then Ctrl-C here (the stand-ins stop);
  rm -rf ${work} removes the workspace.`);
  await new Promise((resolve) => {
    process.once('SIGINT', resolve);
    process.once('SIGTERM', resolve);
  });
  console.log('\nstopping the stand-ins; the workspace stays in', work);
}

function writeSampleDocs(dir) {
  const d = (p, text) => {
    mkdirSync(path.dirname(path.join(dir, 'docs', p)), { recursive: true });
    writeFileSync(path.join(dir, 'docs', p), text);
  };
  d('index.md', '# Platform handbook\n\nStart with the [runbook](ops/runbook.md) and the [architecture](architecture.md#storage).\n');
  d('architecture.md', `# Architecture

![Overview](img/overview.png)

## Storage

| Store | Where | Backed up |
|:--|:--|--:|
| Postgres | \`db.internal\` | **nightly** |
| Vault | KeePassXC, 3 copies | on every save |

\`\`\`python
def healthcheck():
    return "ok"  # ]]> survives CDATA
\`\`\`

> [!WARNING]
> Never restore over a newer primary without a backup.
`);
  d('ops/index.md', '# Operations\n\nHow we run things.\n');
  d('ops/runbook.md', `# Runbook

- [x] Rotate the backup disks
- [ ] Test a restore from Drive
  1. \`ssot vault restore chronos --from gdrive --list\`
  2. Pick a revision

> [!TIP]
> \`ssot status\` shows when each copy last synced.[^1]

[^1]: Ages come from this machine's state folder.
`);
  // A 1x1 PNG.
  mkdirSync(path.join(dir, 'docs', 'img'), { recursive: true });
  writeFileSync(path.join(dir, 'docs', 'img', 'overview.png'), Buffer.from('iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNkYPhfDwAChwGA60e6kgAAAABJRU5ErkJggg==', 'base64'));
  d(`session_notes/${NOTE}`, readFileSync(path.join(root, 'test', 'tickets', 'fixtures', 'real', NOTE), 'utf8'));
}
