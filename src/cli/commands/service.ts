import { ExitCode } from '../../core/errors.js';
import { defaultServiceEnv, installService, serviceStatus, uninstallService, type ServiceEnv } from '../../watch/service.js';
import { defaultStatusFile, describeTargets, readWatchStatus } from '../../watch/status-file.js';
import { envNames } from '../../config/refs.js';
import { addToEnvFile, defaultEnvFile, readEnvFile } from '../../watch/env-file.js';
import type { CommandContext } from '../context.js';
import { confirm } from '../prompt.js';

/**
 * `ssot service install|uninstall|status`: `ssot watch` as a systemd --user
 * unit or a launchd agent. The config the service uses is fixed at install
 * time as an absolute --config path (a service does not start in your repo).
 */

async function envFor(ctx: CommandContext): Promise<ServiceEnv> {
  const cfg = ctx.opts.config ? await ctx.config() : await ctx.maybeConfig();
  return defaultServiceEnv({ ...(cfg ? { config: cfg.file } : {}), env: ctx.env, envFile: defaultEnvFile(ctx.env) });
}

export interface ServiceInstallOptions {
  /** Copy the variables { env: NAME } references need from this shell into the service's environment file. */
  copyEnv: boolean;
}

export async function install(ctx: CommandContext, opts: ServiceInstallOptions): Promise<number> {
  const e = await envFor(ctx);
  if (!e.spec.config) ctx.out.warn('no ssot.config.yaml found: the service will look for $SSOT_CONFIG or one above your home folder');
  const cfg = e.spec.config ? await ctx.maybeConfig() : undefined;
  if (cfg) await provideEnv(ctx, envNames(cfg), e.spec.envFile ?? defaultEnvFile(ctx.env), opts.copyEnv);
  const r = await installService(e);
  ctx.out.emit({ type: 'service', action: 'install', platform: e.platform, file: r.file, unchanged: r.unchanged });
  ctx.out.info(`${r.unchanged ? 'kept' : 'wrote'} ${r.file}`);
  for (const c of r.commands) ctx.out.verbose(`ran: ${c.join(' ')}`);
  ctx.out.info(
    e.platform === 'systemd'
      ? `started ssot-watch; logs: journalctl --user -u ssot-watch -o cat, and ${e.spec.logDir}/watch.log`
      : `loaded into launchd; logs: ${e.spec.logDir}/watch.log`,
  );
  if (e.platform === 'systemd') ctx.out.info('to run it without a login session: loginctl enable-linger "$USER"');
  return ExitCode.OK;
}

/**
 * A service does not inherit the login shell's environment: the variables
 * that `{ env: NAME }` references need must be in the service's 0600
 * environment file. Say which are missing, and copy them from this shell when
 * asked (--copy-env, or yes at the prompt); never print a value.
 */
async function provideEnv(ctx: CommandContext, names: string[], file: string, copy: boolean): Promise<void> {
  if (names.length === 0) return;
  const have = await readEnvFile(file);
  const missing = names.filter((n) => have[n] === undefined);
  if (missing.length === 0) {
    ctx.out.info(`the service reads ${names.join(', ')} from ${file} (mode 0600)`);
    return;
  }
  const inShell = missing.filter((n) => ctx.env[n]);
  const list = missing.join(', ');
  if (!copy && ctx.interactive && inShell.length > 0) {
    copy = await confirm(`The service will not see ${inShell.join(', ')} ({ env: … } references in the config). Copy ${inShell.length === 1 ? 'it' : 'them'} from this shell into ${file} (mode 0600)?`);
  }
  if (copy && inShell.length > 0) {
    const refused = await addToEnvFile(file, Object.fromEntries(inShell.map((n) => [n, ctx.env[n] ?? ''])));
    const copied = inShell.filter((n) => !refused.includes(n));
    if (copied.length > 0) ctx.out.info(`copied ${copied.join(', ')} from this shell into ${file} (mode 0600)`);
    for (const n of refused) ctx.out.warn(`${n}: its value has quotes or a line break that an environment file cannot hold: store it in the keyring instead (\`ssot keyring set ssot/${n}\`, and { keyring: "ssot/${n}" } in the config)`);
    const left = missing.filter((n) => !copied.includes(n));
    if (left.length > 0) ctx.out.warn(`not set in this shell, so not copied: ${left.join(', ')}; add ${left.length === 1 ? 'it' : 'them'} to ${file}`);
    ctx.out.emit({ type: 'service-env', file, copied, missing: left });
    return;
  }
  ctx.out.warn(
    `the service will not see ${list}: { env: … } references in the config need ${missing.length === 1 ? 'it' : 'them'}, and a service does not inherit this shell's environment. ` +
      `Either run \`ssot service install --copy-env\` (copies ${missing.length === 1 ? 'it' : 'them'} from this shell into ${file}, mode 0600), add NAME=value lines to that file yourself (chmod 600), ` +
      `or move each into the keyring: \`ssot keyring set ssot/NAME\` and { keyring: "ssot/NAME" } in the config`,
  );
  ctx.out.emit({ type: 'service-env', file, copied: [], missing });
}

export async function uninstall(ctx: CommandContext): Promise<number> {
  const e = await envFor(ctx);
  const r = await uninstallService(e);
  ctx.out.emit({ type: 'service', action: 'uninstall', platform: e.platform, file: r.file, removed: r.removed });
  ctx.out.info(r.removed ? `stopped and removed ${r.file}` : `not installed (${r.file} does not exist)`);
  return ExitCode.OK;
}

export async function status(ctx: CommandContext): Promise<number> {
  const e = await envFor(ctx);
  const s = await serviceStatus(e);
  const w = await readWatchStatus(defaultStatusFile(ctx.env));
  ctx.out.emit({ type: 'service', ...s, watcher: w ?? null });
  ctx.out.info(`service: ${s.installed ? `installed (${s.file})` : 'not installed'}, ${s.state}${s.pid ? `, pid ${s.pid}` : ''}`);
  if (s.outdated) ctx.out.warn('the installed unit differs from what this ssot would write: run `ssot service install` again');
  if (w) {
    ctx.out.info(`watcher: ${w.running ? `running, pid ${w.pid}, since ${w.startedAt}` : `not running (last seen ${w.stoppedAt ?? w.updatedAt})`}`);
    ctx.out.table(describeTargets(w));
  } else ctx.out.info('watcher: has not run on this machine');
  return s.installed && !s.active ? ExitCode.FAILURE : ExitCode.OK;
}
