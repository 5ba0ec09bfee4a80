import { promises as fs } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { writeFileAtomic, writeJsonAtomic } from '../../core/atomic.js';
import { ExitCode } from '../../core/errors.js';
import { CONFIG_FILE, findConfig, loadConfig } from '../../config/load.js';
import type { CommandContext } from '../context.js';

const TEMPLATE = `# ssot.config.yaml: see docs/configuration.md for every key.
# Credentials are never written here: each is a reference
#   { env: NAME } | { keyring: "service/account" } | { vault: NAME, entry: TITLE, field: Password } | { file: PATH } | { prompt: TEXT }

vaults: []
#  - name: chronos
#    path: ~/security/chronos_secrets.kdbx
#    password: { keyring: "ssot/chronos" }       # store it with: ssot keyring set ssot/chronos
#    copies:
#      - git:    { repo: ~/security/keepass_versions, remote: origin, branch: main }
#      - gdrive: { folder: security }
#      - folder: { path: /media/usb/vault }
#      - rclone: { remote: "nas:vault" }          # any storage your rclone reaches (docs/rclone.md)

# confluence:
#   baseUrl: https://example.atlassian.net/wiki
#   email: { env: ATLASSIAN_EMAIL }
#   token: { keyring: "ssot/atlassian" }
#   space: PC
# docs:
#   root: docs
#   mapping: mapping/confluence.json

# jira:
#   baseUrl: https://example.atlassian.net
#   email: { env: ATLASSIAN_EMAIL }
#   token: { keyring: "ssot/atlassian" }
#   project: CHRONOS
# tickets:
#   notes: docs/session_notes

guard:
  # *.confluence.md: a page's version saved beside its doc on a conflict, for review only (never commit it)
  blockPaths: [".secrets_tmp/**", "**/*.secrets.md", "**/*.env", "**/*.confluence.md"]
`;

/**
 * `ssot init`: write ssot.config.yaml and mapping/ here (never over an
 * existing file unless --force), and in each vault's Git repository the
 * .gitattributes line and git config that make `git pull` merge .kdbx files
 * entry by entry.
 */
export interface InitOptions {
  /** Overwrite an existing ssot.config.yaml. */
  force: boolean;
}

export async function run(ctx: CommandContext, opts: InitOptions): Promise<number> {
  const existing = await findConfig({ ...(ctx.opts.config ? { explicit: ctx.opts.config } : {}), cwd: ctx.cwd });
  let configFile = existing && (await exists(existing)) ? existing : path.join(ctx.cwd, CONFIG_FILE);
  const rclone = await (await import('./init-rclone.js')).rcloneOffer(ctx);
  if (!(await exists(configFile)) || opts.force) {
    configFile = path.join(ctx.cwd, CONFIG_FILE);
    await writeFileAtomic(configFile, TEMPLATE + rclone.template);
    ctx.out.info(`wrote ${configFile}`);
  } else {
    ctx.out.info(`kept ${configFile}`);
  }
  const config = await loadConfig(configFile);
  const mappingDir = path.join(config.dir, 'mapping');
  const confluenceMap = config.docs?.mapping ?? path.join(mappingDir, 'confluence.json');
  const jiraMap = config.tickets?.mapping ?? path.join(mappingDir, 'jira.json');
  await docsMapping(ctx, confluenceMap, config.confluence?.space);
  if (!(await exists(jiraMap))) {
    await writeJsonAtomic(jiraMap, { version: 1, items: {} });
    ctx.out.info(`wrote ${jiraMap}`);
  }
  for (const v of config.vaults) {
    for (const c of v.copies) {
      if (!('git' in c)) continue;
      if (!(await exists(path.join(c.git.repo, '.git')))) {
        ctx.out.warn(`vault ${v.name}: ${c.git.repo} is not a git repository yet; run \`git init\` or clone it there, then \`ssot init\` again`);
        continue;
      }
      await setUpMergeDriver(c.git.repo, config.file);
      ctx.out.info(`vault ${v.name}: ${c.git.repo} merges *.kdbx with \`ssot vault merge-driver\``);
    }
  }
  if (rclone.note && !config.vaults.some((v) => v.copies.some((c) => 'rclone' in c))) ctx.out.info(rclone.note);
  ctx.out.emit({ type: 'init', config: config.file });
  return ExitCode.OK;
}

/** The docs mapping: written without a space until the config names one, then given the config's. */
async function docsMapping(ctx: CommandContext, file: string, space: string | undefined): Promise<void> {
  const { ensureMapping } = await import('../../docs/index.js');
  const done = await ensureMapping(file, space);
  if (done === 'wrote') ctx.out.info(`wrote ${file}`);
  if (done === 'filled' && space !== undefined) ctx.out.info(`${file}: space set to ${space} (from confluence.space)`);
}

const ATTRIBUTE = '*.kdbx -text -diff merge=ssot-kdbx';

export async function setUpMergeDriver(repo: string, configFile: string): Promise<void> {
  const attributes = path.join(repo, '.gitattributes');
  const current = await fs.readFile(attributes, 'utf8').catch(() => '');
  if (!current.split('\n').some((l) => l.trim() === ATTRIBUTE)) {
    await writeFileAtomic(attributes, `${current}${current && !current.endsWith('\n') ? '\n' : ''}${ATTRIBUTE}\n`);
  }
  // Absolute node and entry point: git runs the driver without our PATH (GUI clients, nvm).
  const bin = fileURLToPath(new URL('../../../bin/ssot', import.meta.url));
  const q = (s: string): string => `'${s.replace(/'/g, `'\\''`)}'`;
  const driver = `${q(process.execPath)} ${q(bin)} vault merge-driver --config ${q(configFile)} %O %A %B %P`;
  const { simpleGit } = await import('simple-git');
  // The driver is our own command line, written by us: simple-git's guard against injected drivers does not apply.
  const git = simpleGit(repo, { unsafe: { allowUnsafeMergeDriver: true } });
  await git.addConfig('merge.ssot-kdbx.name', 'ssot: merge KeePass databases entry by entry');
  await git.addConfig('merge.ssot-kdbx.driver', driver);
}

async function exists(p: string): Promise<boolean> {
  try {
    await fs.access(p);
    return true;
  } catch {
    return false;
  }
}
