import { execFile } from 'node:child_process';
import { promises as fs } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { writeFileAtomic } from '../core/atomic.js';
import { ErrorCode, SsotError, UsageError } from '../core/errors.js';
import { stateDir } from '../core/paths.js';
import { escapeText } from '../core/xml.js';

/**
 * `ssot watch` as a user service: a systemd --user unit on Linux, a launchd
 * agent on macOS. The unit files are generated from code (golden-tested), and
 * the system commands run through an injectable runner, so tests need neither
 * a running systemd nor a Mac.
 *
 * The service runs `node bin/ssot watch` directly (absolute paths, no shell, no
 * wrapper): the watcher gets SIGTERM itself, finishes its step and exits 0.
 */

const SYSTEMD_UNIT = 'ssot-watch';
const LAUNCHD_LABEL = 'dev.ssot.watch';

type ServicePlatform = 'systemd' | 'launchd';

export interface ServiceSpec {
  /** Absolute path of the node binary (process.execPath). */
  node: string;
  /** Absolute path of bin/ssot. */
  bin: string;
  /** Absolute config path passed as --config. */
  config?: string;
  /** Where launchd writes stdout/stderr (the state folder's logs). */
  logDir: string;
  /** PATH for the service: git must be found (launchd starts with a bare PATH). */
  path: string;
  /** Environment passed through (XDG_STATE_HOME, SSOT_CONFIG ...), never secrets. */
  env?: Record<string, string>;
  /**
   * A 0600 file of NAME=value lines for what `{ env: NAME }` references need
   * (secrets stay out of the unit, which is world-readable): systemd reads it
   * (EnvironmentFile), and on macOS node does (--env-file-if-exists).
   */
  envFile?: string;
}

export function defaultBinPath(): string {
  // dist/watch/service.js and src/watch/service.ts are both two folders below the package root.
  return path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..', 'bin', 'ssot');
}

/** PATH for the service: the directories of node and git first, then the usual system ones. */
function servicePath(extra: readonly string[] = []): string {
  const dirs = [...extra, '/usr/local/bin', '/opt/homebrew/bin', '/usr/bin', '/bin', '/usr/sbin', '/sbin'];
  return [...new Set(dirs.filter(Boolean))].join(':');
}

function programArguments(spec: ServiceSpec, nodeReadsEnvFile = false): string[] {
  const envFile = nodeReadsEnvFile && spec.envFile ? [`--env-file-if-exists=${spec.envFile}`] : [];
  return [spec.node, ...envFile, spec.bin, 'watch', ...(spec.config ? ['--config', spec.config] : [])];
}

/** systemd quoting: each word in double quotes when needed; `%` and `$` escaped (specifiers, variables). */
export function systemdWord(s: string): string {
  const escaped = s.replace(/%/g, '%%').replace(/\$/g, '$$$$');
  if (/^[A-Za-z0-9_@%+=:,./-]+$/.test(escaped)) return escaped;
  return `"${escaped.replace(/\\/g, '\\\\').replace(/"/g, '\\"')}"`;
}

function systemdEnv(name: string, value: string): string {
  return `Environment=${systemdWord(`${name}=${value}`)}`;
}

export function systemdUnit(spec: ServiceSpec): string {
  const env = { NO_COLOR: '1', PATH: spec.path, ...spec.env };
  return [
    '[Unit]',
    'Description=ssot watcher: keeps KeePassXC vaults, Confluence docs and Jira tickets in sync',
    'After=network-online.target',
    'Wants=network-online.target',
    '',
    '[Service]',
    'Type=simple',
    `ExecStart=${programArguments(spec).map(systemdWord).join(' ')}`,
    'Restart=on-failure',
    'RestartSec=10',
    // Exit 2 is a config or credential error: restarting cannot fix it.
    'RestartPreventExitStatus=2',
    // The watcher finishes the step in flight on SIGTERM and aborts it after 60 s.
    'TimeoutStopSec=90',
    'KillMode=mixed',
    ...Object.entries(env).map(([k, v]) => systemdEnv(k, v)),
    // "-": a missing file is fine (no { env: … } references, or none copied yet).
    ...(spec.envFile ? [`EnvironmentFile=-${spec.envFile.replace(/%/g, '%%')}`] : []),
    'NoNewPrivileges=yes',
    '',
    '[Install]',
    'WantedBy=default.target',
    '',
  ].join('\n');
}

export function launchdPlist(spec: ServiceSpec, label = LAUNCHD_LABEL): string {
  const env = { NO_COLOR: '1', PATH: spec.path, ...spec.env };
  const str = (s: string): string => `<string>${escapeText(s)}</string>`;
  return [
    '<?xml version="1.0" encoding="UTF-8"?>',
    '<!DOCTYPE plist PUBLIC "-//Apple//DTD PLIST 1.0//EN" "http://www.apple.com/DTDs/PropertyList-1.0.dtd">',
    '<plist version="1.0">',
    '<dict>',
    '  <key>Label</key>',
    `  ${str(label)}`,
    '  <key>ProgramArguments</key>',
    '  <array>',
    ...programArguments(spec, true).map((a) => `    ${str(a)}`),
    '  </array>',
    '  <key>RunAtLoad</key>',
    '  <true/>',
    '  <key>KeepAlive</key>',
    '  <dict>',
    '    <key>SuccessfulExit</key>',
    '    <false/>',
    '  </dict>',
    '  <key>ThrottleInterval</key>',
    '  <integer>10</integer>',
    '  <key>ProcessType</key>',
    '  <string>Background</string>',
    '  <key>ExitTimeOut</key>',
    '  <integer>90</integer>',
    '  <key>StandardOutPath</key>',
    `  ${str(path.join(spec.logDir, 'launchd.out.log'))}`,
    '  <key>StandardErrorPath</key>',
    `  ${str(path.join(spec.logDir, 'launchd.err.log'))}`,
    '  <key>EnvironmentVariables</key>',
    '  <dict>',
    ...Object.entries(env).flatMap(([k, v]) => [`    <key>${escapeText(k)}</key>`, `    ${str(v)}`]),
    '  </dict>',
    '</dict>',
    '</plist>',
    '',
  ].join('\n');
}

interface RunResult {
  code: number;
  stdout: string;
  stderr: string;
}
/** Runs a system command (no shell). Injected in tests. */
export type Runner = (cmd: string, args: readonly string[]) => Promise<RunResult>;

const execRunner: Runner = (cmd, args) =>
  new Promise((resolve) => {
    execFile(cmd, [...args], { timeout: 60_000 }, (err, stdout, stderr) => {
      const code = err ? (typeof (err as { code?: unknown }).code === 'number' ? ((err as { code: number }).code) : 127) : 0;
      resolve({ code, stdout, stderr: stderr || (err && code === 127 ? err.message : '') });
    });
  });

export interface ServiceEnv {
  platform: ServicePlatform;
  home: string;
  uid: number;
  runner: Runner;
  spec: ServiceSpec;
}

/** The platform's service kind; an error on a platform that has neither. */
function detectPlatform(p: NodeJS.Platform = process.platform): ServicePlatform {
  if (p === 'linux') return 'systemd';
  if (p === 'darwin') return 'launchd';
  throw new UsageError(`no user service manager supported on ${p}`, 'run `ssot watch` from your own session startup instead');
}

/** Everything needed to install for the current user and process. */
export async function defaultServiceEnv(opts: { config?: string; env?: NodeJS.ProcessEnv; runner?: Runner; envFile?: string } = {}): Promise<ServiceEnv> {
  const env = opts.env ?? process.env;
  const runner = opts.runner ?? execRunner;
  const gitDir = await which('git', runner);
  const passEnv: Record<string, string> = {};
  // The service must see the same state and config folders as this shell.
  for (const k of ['XDG_STATE_HOME', 'XDG_CONFIG_HOME']) {
    const v = env[k];
    if (v) passEnv[k] = v;
  }
  const spec: ServiceSpec = {
    node: process.execPath,
    bin: defaultBinPath(),
    ...(opts.config ? { config: path.resolve(opts.config) } : {}),
    logDir: path.join(stateDir(env), 'logs'),
    path: servicePath([path.dirname(process.execPath), ...(gitDir ? [gitDir] : [])]),
    env: passEnv,
    ...(opts.envFile ? { envFile: opts.envFile } : {}),
  };
  return { platform: detectPlatform(), home: os.homedir(), uid: process.getuid?.() ?? 0, runner, spec };
}

async function which(cmd: string, runner: Runner): Promise<string | undefined> {
  const r = await runner('sh', ['-c', `command -v ${cmd}`]);
  const p = r.stdout.trim();
  return r.code === 0 && p.startsWith('/') ? path.dirname(p) : undefined;
}

function unitFile(e: Pick<ServiceEnv, 'platform' | 'home'>): string {
  return e.platform === 'systemd'
    ? path.join(e.home, '.config', 'systemd', 'user', `${SYSTEMD_UNIT}.service`)
    : path.join(e.home, 'Library', 'LaunchAgents', `${LAUNCHD_LABEL}.plist`);
}

function renderUnit(e: Pick<ServiceEnv, 'platform' | 'spec'>): string {
  return e.platform === 'systemd' ? systemdUnit(e.spec) : launchdPlist(e.spec);
}

async function must(runner: Runner, cmd: string, args: readonly string[]): Promise<RunResult> {
  const r = await runner(cmd, args);
  if (r.code !== 0) {
    throw new SsotError(ErrorCode.Internal, `\`${[cmd, ...args].join(' ')}\` failed (exit ${r.code}): ${(r.stderr || r.stdout).trim()}`, {
      hint:
        cmd === 'systemctl'
          ? 'is there a user systemd session? (`loginctl enable-linger $USER` for one without a login)'
          : 'see `launchctl print gui/$(id -u)`',
    });
  }
  return r;
}

export interface InstallResult {
  file: string;
  /** The file was already there with the same content. */
  unchanged: boolean;
  commands: string[][];
}

/** Writes the unit and starts it; re-running replaces the unit and restarts the service. */
export async function installService(e: ServiceEnv): Promise<InstallResult> {
  const file = unitFile(e);
  const text = renderUnit(e);
  const old = await fs.readFile(file, 'utf8').catch(() => undefined);
  await fs.mkdir(e.spec.logDir, { recursive: true, mode: 0o700 });
  await writeFileAtomic(file, text, { mode: 0o644 });
  const commands: string[][] = [];
  const run = async (cmd: string, args: string[]): Promise<RunResult> => {
    commands.push([cmd, ...args]);
    return must(e.runner, cmd, args);
  };
  if (e.platform === 'systemd') {
    await run('systemctl', ['--user', 'daemon-reload']);
    await run('systemctl', ['--user', 'enable', '--now', `${SYSTEMD_UNIT}.service`]);
    // A unit that was already running keeps its old command line until restarted.
    if (old !== undefined) await run('systemctl', ['--user', 'restart', `${SYSTEMD_UNIT}.service`]);
  } else {
    const domain = `gui/${e.uid}`;
    // bootstrap fails when the label is loaded already: take the old one out first.
    commands.push(['launchctl', 'bootout', `${domain}/${LAUNCHD_LABEL}`]);
    await e.runner('launchctl', ['bootout', `${domain}/${LAUNCHD_LABEL}`]);
    await run('launchctl', ['bootstrap', domain, file]);
  }
  return { file, unchanged: old === text, commands };
}

/** Stops the service and removes its unit; fine when it is not installed. */
export async function uninstallService(e: ServiceEnv): Promise<{ file: string; removed: boolean; commands: string[][] }> {
  const file = unitFile(e);
  const exists = await fs
    .access(file)
    .then(() => true)
    .catch(() => false);
  const commands: string[][] = [];
  // Errors ignored: "not loaded" is the state we want.
  const run = async (cmd: string, args: string[]): Promise<void> => {
    commands.push([cmd, ...args]);
    await e.runner(cmd, args);
  };
  if (e.platform === 'systemd') {
    await run('systemctl', ['--user', 'disable', '--now', `${SYSTEMD_UNIT}.service`]);
    await fs.rm(file, { force: true });
    await run('systemctl', ['--user', 'daemon-reload']);
  } else {
    await run('launchctl', ['bootout', `gui/${e.uid}/${LAUNCHD_LABEL}`]);
    await fs.rm(file, { force: true });
  }
  return { file, removed: exists, commands };
}

export interface ServiceStatus {
  platform: ServicePlatform;
  file: string;
  installed: boolean;
  /** The unit on disk differs from what this ssot would write (moved node or checkout). */
  outdated: boolean;
  active: boolean;
  /** The service manager's own word: `active`, `inactive`, `failed`, a launchd state... */
  state: string;
  pid?: number;
}

export async function serviceStatus(e: ServiceEnv): Promise<ServiceStatus> {
  const file = unitFile(e);
  const onDisk = await fs.readFile(file, 'utf8').catch(() => undefined);
  const base = { platform: e.platform, file, installed: onDisk !== undefined, outdated: onDisk !== undefined && onDisk !== renderUnit(e) };
  if (e.platform === 'systemd') {
    const r = await e.runner('systemctl', ['--user', 'show', `${SYSTEMD_UNIT}.service`, '--property=ActiveState,SubState,MainPID']);
    const props = Object.fromEntries(
      r.stdout
        .split('\n')
        .map((l) => l.split('='))
        .filter((kv) => kv.length >= 2)
        .map(([k = '', ...v]) => [k, v.join('=')]),
    );
    const active = props['ActiveState'] ?? (r.code === 0 ? 'unknown' : 'unavailable');
    const pid = Number(props['MainPID'] ?? 0);
    return { ...base, active: active === 'active', state: props['SubState'] ? `${active} (${props['SubState']})` : active, ...(pid > 0 ? { pid } : {}) };
  }
  const r = await e.runner('launchctl', ['print', `gui/${e.uid}/${LAUNCHD_LABEL}`]);
  if (r.code !== 0) return { ...base, active: false, state: 'not loaded' };
  const state = /^\s*state = (.+)$/m.exec(r.stdout)?.[1]?.trim() ?? 'loaded';
  const pid = Number(/^\s*pid = (\d+)$/m.exec(r.stdout)?.[1] ?? 0);
  return { ...base, active: state === 'running', state, ...(pid > 0 ? { pid } : {}) };
}
