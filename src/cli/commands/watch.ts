import { loadConfig } from '../../config/load.js';
import { createLogger } from '../../watch/log.js';
import { runWatch } from '../../watch/run.js';
import { pathsFor, targetsFor } from '../../watch/targets.js';
import type { CommandContext } from '../context.js';

/**
 * `ssot watch`: the background watcher, in the foreground process (the service
 * manager supervises it; it never forks). Logs are JSON lines in
 * `<state>/logs/watch.log`, echoed to stdout: JSON when stdout is not a
 * terminal (journald, launchd), short lines for a person otherwise.
 */
export async function run(ctx: CommandContext): Promise<number> {
  const cfg = await ctx.config();
  const tty = Boolean(process.stdout.isTTY);
  const logger = createLogger({
    level: ctx.opts.verbose ? 'debug' : 'info',
    echo: ctx.opts.json || !tty ? 'json' : ctx.opts.quiet ? 'none' : 'pretty',
  });
  try {
    return await runWatch({
      configFile: cfg.file,
      loadConfig: () => loadConfig(cfg.file),
      targetsFor: (c) => targetsFor(c),
      pathsFor,
      logger,
    });
  } finally {
    logger.close();
  }
}
