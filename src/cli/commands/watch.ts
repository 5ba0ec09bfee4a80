import type { LoadedConfig } from '../../config/load.js';
import { loadConfig } from '../../config/load.js';
import { ErrorCode, ExitCode, SsotError } from '../../core/errors.js';
import type { PartResult } from '../../sync/index.js';
import { createLogger, type Logger } from '../../watch/log.js';
import type { RunReport } from '../../watch/scheduler.js';
import { runWatch } from '../../watch/run.js';
import { pathsFor, targetsFor, type WatchDeps } from '../../watch/targets.js';
import type { CommandContext } from '../context.js';
import { credentialContext } from '../credentials.js';

/**
 * `ssot watch`: the background watcher, in the foreground process (the service
 * manager supervises it; it never forks). Logs are JSON lines in
 * `<state>/logs/watch.log`, echoed to stdout: JSON when stdout is not a
 * terminal (journald, launchd), short lines for a person otherwise.
 */
export async function run(ctx: CommandContext): Promise<number> {
  const cfg = await ctx.config();
  const tty = process.stdout.isTTY;
  const logger = createLogger({
    level: ctx.opts.verbose ? 'debug' : 'info',
    echo: ctx.opts.json || !tty ? 'json' : ctx.opts.quiet ? 'none' : 'pretty',
  });
  try {
    return await runWatch({
      configFile: cfg.file,
      loadConfig: () => loadConfig(cfg.file),
      targetsFor: (c) => targetsFor(c, partDeps(ctx, logger)),
      pathsFor,
      logger,
    });
  } finally {
    logger.close();
  }
}

/**
 * The watcher's targets run the same parts as `ssot sync`, without a terminal:
 * no prompt (a missing credential is an error in the log and in `ssot status`),
 * and tickets only from notes marked `tickets: ready`, never more creates than
 * the confirmation threshold.
 */
export function partDeps(ctx: CommandContext, logger: Logger): WatchDeps {
  const quiet: CommandContext = { ...ctx, interactive: false };
  const creds = (c: LoadedConfig) => credentialContext(quiet, c);
  return {
    syncVault: async (c, name) => {
      const { runVaultPart } = await import('../../sync/index.js');
      const { fingerprintFromDatabases } = await import('../fingerprint.js');
      settle(logger, await runVaultPart(c, creds(c), { dryRun: false, vaults: [name], onSynced: (dbs) => fingerprintFromDatabases(quiet, c, dbs) }));
      return vaultRunReport(ctx, name);
    },
    pushDocs: async (c) => {
      const { runDocsPart } = await import('../../sync/index.js');
      const { guardCheck } = await import('../secret-check.js');
      settle(logger, await runDocsPart(c, creds(c), { dryRun: false, secretCheck: await guardCheck(quiet, c) }));
    },
    syncReadyTickets: async (c) => {
      const { runTicketsPart } = await import('../../sync/index.js');
      const { guardCheck } = await import('../secret-check.js');
      settle(logger, await runTicketsPart(c, creds(c), { dryRun: false, readyOnly: true, secretCheck: await guardCheck(quiet, c) }));
    },
  };
}

/**
 * The content the sync left the primary and each folder copy at (the revs it
 * recorded: sha256 of the bytes). A KeePassXC save that lands after the sync
 * read or wrote the primary differs from it, and the watcher runs again.
 */
async function vaultRunReport(ctx: CommandContext, vault: string): Promise<RunReport> {
  const { readVaultState } = await import('../../vault/index.js');
  const { stateDir } = await import('../../core/paths.js');
  const path = await import('node:path');
  const cfg = await ctx.config();
  const s = await readVaultState(stateDir(ctx.env), vault);
  const left: Record<string, string | null> = {};
  const v = cfg.vaults.find((x) => x.name === vault);
  if (v && s.primary) left[path.resolve(v.path)] = s.primary.rev;
  for (const [id, ls] of Object.entries(s.copies)) if (id.startsWith('folder:')) left[id.slice('folder:'.length)] = ls.rev;
  return { left };
}

/** Log every action; a part that did not fully succeed fails the run, so the scheduler records it and retries. */
function settle(logger: Logger, r: PartResult): void {
  for (const a of r.actions) {
    const fields = { part: a.part, target: a.target, action: a.action, ...(a.detail ? { detail: a.detail } : {}) };
    if (a.error) logger.error(a.error.message, { ...fields, code: a.error.code });
    else if (a.action !== 'unchanged' && a.action !== 'skip') logger.info(`${a.part}: ${a.action} ${a.target}`, fields);
  }
  for (const w of r.warnings) logger.warn(w, { part: r.part });
  if (r.exitCode !== ExitCode.OK) {
    // Every usage, credential or conflict outcome comes with its error; without one, items wait (a failure, retried).
    const first = r.actions.find((a) => a.error)?.error;
    throw first ?? new SsotError(ErrorCode.Internal, `${r.part} did not complete`);
  }
}
