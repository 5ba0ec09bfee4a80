import { ExitCode } from '../../core/errors.js';
import { defaultServiceEnv, installService, serviceStatus, uninstallService, type ServiceEnv } from '../../watch/service.js';
import { defaultStatusFile, describeTargets, readWatchStatus } from '../../watch/status-file.js';
import type { CommandContext } from '../context.js';

/**
 * `ssot service install|uninstall|status`: `ssot watch` as a systemd --user
 * unit or a launchd agent. The config the service uses is fixed at install
 * time as an absolute --config path (a service does not start in your repo).
 */

async function envFor(ctx: CommandContext): Promise<ServiceEnv> {
  const cfg = ctx.opts.config ? await ctx.config() : await ctx.maybeConfig();
  return defaultServiceEnv({ ...(cfg ? { config: cfg.file } : {}), env: ctx.env });
}

export async function install(ctx: CommandContext): Promise<number> {
  const e = await envFor(ctx);
  if (!e.spec.config) ctx.out.warn('no ssot.config.yaml found: the service will look for $SSOT_CONFIG or one above your home folder');
  const r = await installService(e);
  ctx.out.record({ type: 'service', action: 'install', platform: e.platform, file: r.file, unchanged: r.unchanged });
  ctx.out.info(`${r.unchanged ? 'kept' : 'wrote'} ${r.file}`);
  for (const c of r.commands) ctx.out.verbose(`ran: ${c.join(' ')}`);
  ctx.out.info(
    e.platform === 'systemd'
      ? `started ${'ssot-watch'}; logs: journalctl --user -u ssot-watch -o cat, and ${e.spec.logDir}/watch.log`
      : `loaded into launchd; logs: ${e.spec.logDir}/watch.log`,
  );
  if (e.platform === 'systemd') ctx.out.info('to run it without a login session: loginctl enable-linger "$USER"');
  return ExitCode.OK;
}

export async function uninstall(ctx: CommandContext): Promise<number> {
  const e = await envFor(ctx);
  const r = await uninstallService(e);
  ctx.out.record({ type: 'service', action: 'uninstall', platform: e.platform, file: r.file, removed: r.removed });
  ctx.out.info(r.removed ? `stopped and removed ${r.file}` : `not installed (${r.file} does not exist)`);
  return ExitCode.OK;
}

export async function status(ctx: CommandContext): Promise<number> {
  const e = await envFor(ctx);
  const s = await serviceStatus(e);
  const w = await readWatchStatus(defaultStatusFile(ctx.env));
  ctx.out.record({ type: 'service', ...s, watcher: w ?? null });
  ctx.out.info(`service: ${s.installed ? `installed (${s.file})` : 'not installed'}, ${s.state}${s.pid ? `, pid ${s.pid}` : ''}`);
  if (s.outdated) ctx.out.warn('the installed unit differs from what this ssot would write: run `ssot service install` again');
  if (w) {
    ctx.out.info(`watcher: ${w.running ? `running, pid ${w.pid}, since ${w.startedAt}` : `not running (last seen ${w.stoppedAt ?? w.updatedAt})`}`);
    ctx.out.table(describeTargets(w));
  } else ctx.out.info('watcher: has not run on this machine');
  return s.installed && !s.active ? ExitCode.FAILURE : ExitCode.OK;
}
