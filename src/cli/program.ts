import { Command, Option } from 'commander';
import { ExitCode } from '../core/errors.js';
import { createContext, type CommandContext, type GlobalOptions } from './context.js';
import { exitCodeFor } from './exit.js';
import { addHelpExtras } from './help.js';
import { createPrinter } from './output.js';
import { Parsed } from './parsed.js';

/**
 * The command table: every command, its options as commander declares them,
 * and how commander's parse result becomes the command's typed options. A
 * command's module is loaded only when that command runs (`ssot guard` must
 * not pay for kdbxweb, remark or the Atlassian and Google clients).
 */

const VERSION = '0.1.0';

/** A command's run function, as its module exports it. */
type Run<O> = (ctx: CommandContext, opts: O) => Promise<number> | Promise<void>;

/**
 * What a command needs besides its name: its module's run function, its
 * options as commander declares them, and how commander's parse result
 * becomes the run function's options (a command that takes none has no `read`).
 */
type Spec<O> =
  | { load: () => Promise<Run<O>>; options?: (c: Command) => void; read: (p: Parsed) => O }
  | { load: () => Promise<(ctx: CommandContext) => Promise<number> | Promise<void>>; options?: (c: Command) => void };

type Define = <O>(parent: Command, spec: string, description: string, s: Spec<O>) => Command;

/** Global options are accepted before or after the subcommand: every command declares them. */
function withGlobals(cmd: Command): Command {
  return cmd
    .addOption(new Option('--config <path>', 'config file (default: $SSOT_CONFIG, else the nearest ssot.config.yaml)'))
    .addOption(new Option('--json', 'machine-readable output, one JSON object per line'))
    .addOption(new Option('-q, --quiet', 'print only warnings and errors'))
    .addOption(new Option('-v, --verbose', 'print more detail'));
}

function readGlobals(p: Parsed): GlobalOptions {
  const config = p.value('config');
  return { json: p.flag('json'), quiet: p.flag('quiet'), verbose: p.flag('verbose'), ...(config !== undefined ? { config } : {}) };
}

/** Declares a command whose action reads its options, loads its module, runs it and reports the exit code. */
function definer(onExit: (code: number) => void): Define {
  return (parent, spec, description, s) => {
    const cmd = withGlobals(parent.command(spec).description(description)).exitOverride();
    s.options?.(cmd);
    addHelpExtras(cmd);
    cmd.action(async (...all: unknown[]) => {
      const self = all[all.length - 1] as Command;
      const parsed = new Parsed(all.slice(0, -2), self.optsWithGlobals<Record<string, unknown>>());
      const globals = readGlobals(parsed);
      const out = createPrinter(globals);
      const ctx = createContext(globals, out);
      try {
        const code = 'read' in s ? await (await s.load())(ctx, s.read(parsed)) : await (await s.load())(ctx);
        onExit(code ?? ExitCode.OK);
      } catch (err) {
        out.error(err);
        onExit(exitCodeFor(err));
      }
    });
    return cmd;
  };
}

/** A command that only groups subcommands (`ssot vault`): its --help has the exit codes and the docs too. */
function group(parent: Command, name: string, description: string): Command {
  const g = parent.command(name).description(description);
  addHelpExtras(g);
  return g;
}

export function buildProgram(onExit: (code: number) => void): Command {
  const program = withGlobals(new Command('ssot'))
    .description("Keep a developer's single sources of truth in sync: KeePassXC vaults, Confluence docs, Jira tickets, and a secret guard")
    .version(VERSION, '-V, --version')
    .showSuggestionAfterError(true)
    .exitOverride();
  addHelpExtras(program, '');
  const def = definer(onExit);
  runCommands(program, def);
  vaultCommands(program, def);
  docsCommands(program, def);
  ticketsCommands(program, def);
  guardCommands(program, def);
  accountCommands(program, def);
  return program;
}

/** Setting up, syncing, watching and looking: init, sync, watch, service, status, doctor. */
function runCommands(program: Command, def: Define): void {
  def(program, 'init', 'write ssot.config.yaml and mapping/ in this repo', {
    load: async () => (await import('./commands/init.js')).run,
    options: (c) => c.option('--force', 'overwrite an existing config'),
    read: (p) => ({ force: p.flag('force') }),
  });
  def(program, 'sync', 'one-shot "sync all": vaults, then docs, then tickets', {
    load: async () => (await import('./commands/sync.js')).run,
    options: (c) =>
      c
        .option('--only <parts>', 'comma-separated: vault,docs,tickets')
        .option('-n, --dry-run', 'print what would change; write nothing')
        .option('--force', 'docs: overwrite pages edited in Confluence')
        .option('--yes', 'tickets: create more than a few issues without asking'),
    read: (p) => ({ only: p.value('only'), dryRun: p.flag('dryRun'), force: p.flag('force'), yes: p.flag('yes') }),
  });
  def(program, 'watch', 'background watcher, in the foreground process (Ctrl-C stops it)', { load: async () => (await import('./commands/watch.js')).run });
  const service = group(program, 'service', 'run `ssot watch` as a systemd --user unit or a launchd agent');
  def(service, 'install', 'install and start the user service', {
    load: async () => (await import('./commands/service.js')).install,
    options: (c) => c.option('--copy-env', 'copy the variables that { env: NAME } references need from this shell into the service\'s 0600 environment file'),
    read: (p) => ({ copyEnv: p.flag('copyEnv') }),
  });
  def(service, 'uninstall', 'stop and remove the user service', { load: async () => (await import('./commands/service.js')).uninstall });
  def(service, 'status', 'show whether the service runs', { load: async () => (await import('./commands/service.js')).status });
  def(program, 'status', 'every vault copy, doc and ticket link, with ages', { load: async () => (await import('./commands/status.js')).run });
  def(program, 'doctor', 'check config, credentials and every remote', { load: async () => (await import('./commands/doctor.js')).run });
}

function vaultCommands(program: Command, def: Define): void {
  const vault = group(program, 'vault', 'KeePassXC databases and their copies');
  const load = async () => import('./commands/vault.js');
  def(vault, 'verify [name]', 'decrypt every copy, compare them, check required entries', {
    load: async () => (await load()).verify,
    options: (c) => c.option('--keepassxc', 'also open every location with keepassxc-cli (the password on its standard input)'),
    read: (p) => ({ name: p.optionalArg(0), keepassxc: p.flag('keepassxc') }),
  });
  def(vault, 'restore <name>', 'make an earlier version the primary (backed up first)', {
    load: async () => (await load()).restore,
    options: (c) =>
      c
        .addOption(new Option('--from <source>', 'where the version comes from').choices(RESTORE_SOURCES).makeOptionMandatory())
        .option('--at <rev-or-date>', 'a git commit, Drive revision id, S3 version (rclone) or backup name; or a date (newest at or before it)')
        .option('--yes', 'do not ask for confirmation')
        .option('--list', 'list the versions that can be restored'),
    read: (p) => ({ name: p.arg(0), from: p.choice('from', RESTORE_SOURCES), at: p.value('at'), yes: p.flag('yes'), list: p.flag('list') }),
  });
  def(vault, 'merge-driver <base> <ours> <theirs> [path]', 'git merge driver for *.kdbx (%O %A %B %P)', {
    load: async () => (await load()).mergeDriver,
    read: (p) => ({ base: p.arg(0), ours: p.arg(1), theirs: p.arg(2), path: p.optionalArg(3) }),
  });
  def(vault, 'fingerprint', "rebuild the guard's index of vault values", { load: async () => (await load()).fingerprint });
  def(vault, 'create <name>', 'create a new database at the vault\'s configured path', {
    load: async () => (await load()).create,
    read: (p) => ({ name: p.arg(0) }),
  });
}

const RESTORE_SOURCES = ['git', 'gdrive', 'rclone', 'backup'] as const;

function docsCommands(program: Command, def: Define): void {
  const docs = group(program, 'docs', 'markdown docs published to Confluence');
  const load = async () => import('./commands/docs.js');
  def(docs, 'push [paths...]', 'publish changed docs', {
    load: async () => (await load()).push,
    options: (c) =>
      c
        .option('-n, --dry-run', 'print create / update / skip per doc')
        .option('--force', 'overwrite pages edited in Confluence')
        .option('--strict', 'every warning (a link that cannot be resolved, …) is an error: nothing is published'),
    read: (p) => ({ paths: p.list(0), dryRun: p.flag('dryRun'), force: p.flag('force'), strict: p.flag('strict') }),
  });
  def(docs, 'map', 'list unmapped docs', {
    load: async () => (await load()).map,
    options: (c) => c.option('--write', 'add them to the mapping'),
    read: (p) => ({ write: p.flag('write') }),
  });
  def(docs, 'render <path>', 'print the Confluence storage XHTML of one file', {
    load: async () => (await load()).render,
    options: (c) => c.option('--strict', 'every warning is an error'),
    read: (p) => ({ path: p.arg(0), strict: p.flag('strict') }),
  });
  def(docs, 'pull <paths...>', "take a page's version in Confluence into its doc (as markdown)", {
    load: async () => (await load()).pull,
    read: (p) => ({ paths: p.list(0) }),
  });
  def(docs, 'prune', 'archive the pages of docs that were removed', {
    load: async () => (await load()).prune,
    options: (c) => c.option('-n, --dry-run', 'list the pages; archive nothing').option('--yes', 'do not ask for confirmation'),
    read: (p) => ({ dryRun: p.flag('dryRun'), yes: p.flag('yes') }),
  });
}

function ticketsCommands(program: Command, def: Define): void {
  const tickets = group(program, 'tickets', 'session notes to Jira');
  def(tickets, 'sync [notes...]', 'open, update and close Jira issues from session notes', {
    load: async () => (await import('./commands/tickets.js')).sync,
    options: (c) => c.option('-n, --dry-run', 'print the plan; change nothing').option('--yes', 'create more than a few issues without asking'),
    read: (p) => ({ notes: p.list(0), dryRun: p.flag('dryRun'), yes: p.flag('yes') }),
  });
}

function guardCommands(program: Command, def: Define): void {
  const load = async () => import('./commands/guard.js');
  const guard = def(program, 'guard [paths...]', 'secret scan (--staged is the default)', {
    load: async () => (await load()).scan,
    options: (c) =>
      c
        .option('--staged', 'scan what is staged for commit (default)')
        .option('--all', 'scan every tracked file')
        .option('--hook <name>', 'called from a git hook')
        .option('--no-vault-index', 'skip the vault-values index')
        .option('--write-baseline', 'accept every current finding: write their fingerprints to the baseline file'),
    read: (p) => ({ paths: p.list(0), staged: p.flag('staged'), all: p.flag('all'), hook: p.value('hook'), vaultIndex: p.unlessNo('vaultIndex'), writeBaseline: p.flag('writeBaseline') }),
  });
  def(guard, 'install', 'install the git pre-commit hook (chains an existing one)', { load: async () => (await load()).install });
  def(guard, 'uninstall', 'remove the hook and restore what was there', { load: async () => (await load()).uninstall });
}

/** Credentials and the local stand-ins: keyring, auth, dev-services. */
function accountCommands(program: Command, def: Define): void {
  const keyring = group(program, 'keyring', 'store credentials referenced as { keyring: "service/account" }');
  def(keyring, 'set <ref>', 'store a value (read from stdin or a prompt)', {
    load: async () => (await import('./commands/keyring.js')).set,
    options: (c) => c.option('--empty', 'store the empty string (a vault whose master password is empty)'),
    read: (p) => ({ ref: p.arg(0), empty: p.flag('empty') }),
  });
  def(keyring, 'delete <ref>', 'remove a value', {
    load: async () => (await import('./commands/keyring.js')).remove,
    read: (p) => ({ ref: p.arg(0) }),
  });
  const auth = group(program, 'auth', "sign in to the services that need a browser's consent");
  def(auth, 'gdrive', "Google's OAuth flow for installed apps; stores the refresh token where gdrive.auth.refreshToken points", {
    load: async () => (await import('./commands/auth.js')).gdrive,
    options: (c) => c.option('--no-browser', 'print the address to open instead of opening a browser'),
    read: (p) => ({ browser: p.unlessNo('browser') }),
  });
  def(program, 'dev-services', 'start local stand-ins of Confluence, Jira and Drive (tests, demo)', {
    load: async () => (await import('./commands/dev-services.js')).run,
    options: (c) => c.option('--port <n>', 'first port', '0'),
    read: (p) => ({ port: p.value('port') ?? '0' }),
  });
}
