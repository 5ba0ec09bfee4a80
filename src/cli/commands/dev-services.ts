import { ExitCode, UsageError } from '../../core/errors.js';
import type { CommandContext } from '../context.js';

/**
 * `ssot dev-services [--port N]`: local stand-ins of Google Drive, Confluence
 * and Jira (ports N, N+1, N+2; random when 0), until Ctrl-C. Prints the config
 * sections and the environment that point ssot at them. The stand-ins are the
 * repository's workspace package `@ssot/standins` (packages/standins), which an
 * installed ssot does not carry.
 */
export interface DevServicesOptions {
  /** --port as given (default "0"): checked here. */
  port: string;
}

export async function run(ctx: CommandContext, opts: DevServicesOptions): Promise<number> {
  const port = Number(opts.port);
  if (!Number.isInteger(port) || port < 0 || port > 65533) throw new UsageError(`--port: "${opts.port}" is not a port number`);
  const { startDevServices } = await loadStandIns();
  const s = await startDevServices({ port });
  ctx.out.emit({ type: 'dev-services', drive: s.drive.url, confluence: s.confluence.url, jira: s.jira.url, env: s.env });
  ctx.out.info(`Google Drive v3 stand-in  ${s.drive.url}`);
  ctx.out.info(`Confluence Cloud stand-in ${s.confluence.url}`);
  ctx.out.info(`Jira Cloud stand-in       ${s.jira.url}`);
  ctx.out.info('\nIn the shell that runs ssot:');
  for (const [k, v] of Object.entries(s.env)) ctx.out.info(`  export ${k}=${v}`);
  ctx.out.info('\nIn ssot.config.yaml (these credentials open nothing but the stand-ins):\n');
  ctx.out.info(s.configYaml());
  ctx.out.info('Ctrl-C stops them; nothing they hold is kept.');
  await new Promise<void>((resolve) => {
    const stop = (): void => resolve();
    process.once('SIGINT', stop);
    process.once('SIGTERM', stop);
  });
  await s.close();
  return ExitCode.OK;
}

type StandIns = typeof import('@ssot/standins');

async function loadStandIns(): Promise<StandIns> {
  try {
    return await import('@ssot/standins');
  } catch (e) {
    if ((e as { code?: unknown }).code !== 'ERR_MODULE_NOT_FOUND') throw e;
    // Not found at all: an install from the registry, which ships no stand-ins. Found but not built: a clone before its build.
    if (/Cannot find package '@ssot\/standins'/.test((e as Error).message)) {
      throw new UsageError(
        'ssot dev-services needs a clone of the ssot repository: the stand-ins (the workspace package @ssot/standins) are not part of an installed ssot',
        'clone the repository, run `npm ci` in it, then `bin/ssot dev-services` (or `npm run demo`)',
      );
    }
    if (/standins[\\/]dist[\\/]/.test((e as Error).message)) {
      throw new UsageError('the stand-ins (packages/standins) are not built in this clone', 'run `npm run build`, then `ssot dev-services` again');
    }
    throw e;
  }
}
