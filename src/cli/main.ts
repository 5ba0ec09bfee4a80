import { Command, CommanderError, Option } from 'commander';
import { ExitCode } from '../core/errors.js';
import { createContext, type CommandContext, type GlobalOptions } from './context.js';
import { exitCodeFor } from './exit.js';
import { addHelpExtras } from './help.js';
import { createPrinter } from './output.js';

/**
 * Parses the command line and routes to a command module, loaded only when
 * that command runs (`ssot guard` must not pay for kdbxweb, remark or the
 * Atlassian and Google clients). Nothing else happens here.
 */

type Action = (ctx: CommandContext, args: unknown[], opts: Record<string, unknown>) => Promise<number | void>;
type Loader = () => Promise<Action>;

/** Global options are accepted before or after the subcommand: every command declares them. */
function withGlobals(cmd: Command): Command {
  return cmd
    .addOption(new Option('--config <path>', 'config file (default: $SSOT_CONFIG, else the nearest ssot.config.yaml)'))
    .addOption(new Option('--json', 'machine-readable output, one JSON object per line'))
    .addOption(new Option('-q, --quiet', 'print only warnings and errors'))
    .addOption(new Option('-v, --verbose', 'print more detail'));
}

export function buildProgram(onExit: (code: number) => void): Command {
  const program = withGlobals(new Command('ssot'))
    .description("Keep a developer's single sources of truth in sync: KeePassXC vaults, Confluence docs, Jira tickets, and a secret guard")
    .version(VERSION, '-V, --version')
    .showSuggestionAfterError(true)
    .exitOverride();
  addHelpExtras(program, '');

  const def = (parent: Command, spec: string, description: string, load: Loader, configure?: (c: Command) => void): Command => {
    const cmd = withGlobals(parent.command(spec).description(description)).exitOverride();
    configure?.(cmd);
    addHelpExtras(cmd);
    cmd.action(async (...all: unknown[]) => {
      const self = all[all.length - 1] as Command;
      const args = all.slice(0, -2);
      const opts = self.optsWithGlobals<Record<string, unknown>>();
      const globals: GlobalOptions = {
        json: Boolean(opts['json']),
        quiet: Boolean(opts['quiet']),
        verbose: Boolean(opts['verbose']),
        dryRun: Boolean(opts['dryRun']),
        ...(typeof opts['config'] === 'string' ? { config: opts['config'] } : {}),
      };
      const out = createPrinter(globals);
      const ctx = createContext(globals, out);
      try {
        const action = await load();
        const code = await action(ctx, args, opts);
        onExit(code ?? ExitCode.OK);
      } catch (err) {
        out.error(err);
        onExit(exitCodeFor(err));
      }
    });
    return cmd;
  };

  const cmd = (m: string): Loader => async () => ((await import(`./commands/${m}.js`)) as { run: Action }).run;
  const sub = (m: string, name: string): Loader => async () => {
    const mod = (await import(`./commands/${m}.js`)) as Record<string, Action>;
    return mod[name]!;
  };

  def(program, 'init', 'write ssot.config.yaml and mapping/ in this repo', cmd('init'), (c) =>
    c.option('--force', 'overwrite an existing config'),
  );
  def(program, 'sync', 'one-shot "sync all": vaults, then docs, then tickets', cmd('sync'), (c) =>
    c
      .option('--only <parts>', 'comma-separated: vault,docs,tickets')
      .option('-n, --dry-run', 'print what would change; write nothing')
      .option('--force', 'docs: overwrite pages edited in Confluence')
      .option('--yes', 'tickets: create more than a few issues without asking'),
  );
  def(program, 'watch', 'background watcher, in the foreground process (Ctrl-C stops it)', cmd('watch'));
  const service = group(program, 'service', 'run `ssot watch` as a systemd --user unit or a launchd agent');
  def(service, 'install', 'install and start the user service', sub('service', 'install'), (c) =>
    c.option('--copy-env', 'copy the variables that { env: NAME } references need from this shell into the service\'s 0600 environment file'),
  );
  def(service, 'uninstall', 'stop and remove the user service', sub('service', 'uninstall'));
  def(service, 'status', 'show whether the service runs', sub('service', 'status'));
  def(program, 'status', 'every vault copy, doc and ticket link, with ages', cmd('status'));
  def(program, 'doctor', 'check config, credentials and every remote', cmd('doctor'));

  const vault = group(program, 'vault', 'KeePassXC databases and their copies');
  def(vault, 'verify [name]', 'decrypt every copy, compare them, check required entries', sub('vault', 'verify'), (c) =>
    c.option('--keepassxc', 'also open every location with keepassxc-cli (the password on its standard input)'),
  );
  def(vault, 'restore <name>', 'make an earlier version the primary (backed up first)', sub('vault', 'restore'), (c) =>
    c
      .addOption(new Option('--from <source>', 'where the version comes from').choices(['git', 'gdrive', 'rclone', 'backup']).makeOptionMandatory())
      .option('--at <rev-or-date>', 'a git commit, Drive revision id, S3 version (rclone) or backup name; or a date (newest at or before it)')
      .option('--yes', 'do not ask for confirmation')
      .option('--list', 'list the versions that can be restored'),
  );
  def(vault, 'merge-driver <base> <ours> <theirs> [path]', 'git merge driver for *.kdbx (%O %A %B %P)', sub('vault', 'mergeDriver'));
  def(vault, 'fingerprint', "rebuild the guard's index of vault values", sub('vault', 'fingerprint'));
  def(vault, 'create <name>', 'create a new database at the vault\'s configured path', sub('vault', 'create'));

  const docs = group(program, 'docs', 'markdown docs published to Confluence');
  def(docs, 'push [paths...]', 'publish changed docs', sub('docs', 'push'), (c) =>
    c
      .option('-n, --dry-run', 'print create / update / skip per doc')
      .option('--force', 'overwrite pages edited in Confluence')
      .option('--strict', 'every warning (a link that cannot be resolved, …) is an error: nothing is published'),
  );
  def(docs, 'map', 'list unmapped docs', sub('docs', 'map'), (c) => c.option('--write', 'add them to the mapping'));
  def(docs, 'render <path>', 'print the Confluence storage XHTML of one file', sub('docs', 'render'), (c) =>
    c.option('--strict', 'every warning is an error'),
  );
  def(docs, 'pull <paths...>', "take a page's version in Confluence into its doc (as markdown)", sub('docs', 'pull'));
  def(docs, 'prune', 'archive the pages of docs that were removed', sub('docs', 'prune'), (c) =>
    c.option('-n, --dry-run', 'list the pages; archive nothing').option('--yes', 'do not ask for confirmation'),
  );

  const tickets = group(program, 'tickets', 'session notes to Jira');
  def(tickets, 'sync [notes...]', 'open, update and close Jira issues from session notes', sub('tickets', 'sync'), (c) =>
    c.option('-n, --dry-run', 'print the plan; change nothing').option('--yes', 'create more than a few issues without asking'),
  );

  const guard = def(program, 'guard [paths...]', 'secret scan (--staged is the default)', sub('guard', 'scan'), (c) =>
    c
      .option('--staged', 'scan what is staged for commit (default)')
      .option('--all', 'scan every tracked file')
      .option('--hook <name>', 'called from a git hook')
      .option('--no-vault-index', 'skip the vault-values index')
      .option('--write-baseline', 'accept every current finding: write their fingerprints to the baseline file'),
  );
  def(guard, 'install', 'install the git pre-commit hook (chains an existing one)', sub('guard', 'install'));
  def(guard, 'uninstall', 'remove the hook and restore what was there', sub('guard', 'uninstall'));

  const keyring = group(program, 'keyring', 'store credentials referenced as { keyring: "service/account" }');
  def(keyring, 'set <ref>', 'store a value (read from stdin or a prompt)', sub('keyring', 'set'), (c) =>
    c.option('--empty', 'store the empty string (a vault whose master password is empty)'),
  );
  def(keyring, 'delete <ref>', 'remove a value', sub('keyring', 'remove'));

  const auth = group(program, 'auth', "sign in to the services that need a browser's consent");
  def(auth, 'gdrive', "Google's OAuth flow for installed apps; stores the refresh token where gdrive.auth.refreshToken points", sub('auth', 'gdrive'), (c) =>
    c.option('--no-browser', 'print the address to open instead of opening a browser'),
  );

  def(program, 'dev-services', 'start local stand-ins of Confluence, Jira and Drive (tests, demo)', cmd('dev-services'), (c) =>
    c.option('--port <n>', 'first port', '0'),
  );
  return program;
}

/** A command that only groups subcommands (`ssot vault`): its --help has the exit codes and the docs too. */
function group(parent: Command, name: string, description: string): Command {
  const g = parent.command(name).description(description);
  addHelpExtras(g);
  return g;
}

export const VERSION = '0.1.0';

/**
 * `ssot status | head -1`: the reader is gone. Unix tools die of SIGPIPE
 * without a word; Node ignores SIGPIPE and reports EPIPE as a stream error,
 * which, unhandled, is a stack trace. Output to a closed pipe is dropped
 * instead, and the command finishes what it was doing (a sync is never cut
 * in the middle because nobody reads its summary).
 */
export function dropOutputToClosedPipes(streams: NodeJS.WriteStream[] = [process.stdout, process.stderr]): void {
  for (const s of streams) {
    s.on('error', (e: NodeJS.ErrnoException) => {
      if (e.code === 'EPIPE' || e.code === 'ERR_STREAM_DESTROYED') return;
      throw e;
    });
  }
}

export async function main(argv: string[]): Promise<void> {
  dropOutputToClosedPipes();
  let code: number | undefined;
  const program = buildProgram((c) => {
    code = c;
  });
  try {
    await program.parseAsync(argv);
  } catch (err) {
    if (err instanceof CommanderError) {
      // --help and --version exit 0; every other parse error is a usage error.
      code = err.exitCode === 0 ? ExitCode.OK : ExitCode.USAGE;
    } else {
      createPrinter({ json: false, quiet: false, verbose: false }).error(err);
      code = exitCodeFor(err);
    }
  }
  process.exitCode = code ?? ExitCode.OK;
}
