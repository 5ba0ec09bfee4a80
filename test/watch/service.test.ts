import { execFileSync, spawnSync } from 'node:child_process';
import { promises as fs } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { XMLParser } from 'fast-xml-parser';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  defaultBinPath,
  defaultServiceEnv,
  installService,
  launchdPlist,
  serviceStatus,
  systemdUnit,
  systemdWord,
  uninstallService,
  type Runner,
  type ServiceEnv,
  type ServiceSpec,
} from '../../src/watch/service.js';
import { checkXml } from '../support/xml.js';

const spec: ServiceSpec = {
  node: '/usr/local/bin/node',
  bin: '/opt/ssot/bin/ssot',
  config: '/home/ada/work/My Repo/ssot.config.yaml',
  logDir: '/home/ada/.local/state/ssot/logs',
  path: '/usr/local/bin:/usr/bin:/bin',
  env: { XDG_STATE_HOME: '/home/ada/.local/state' },
};

describe('generated unit files (golden)', () => {
  it('systemd --user unit', () => {
    expect(systemdUnit(spec)).toBe(`[Unit]
Description=ssot watcher: keeps KeePassXC vaults, Confluence docs and Jira tickets in sync
After=network-online.target
Wants=network-online.target

[Service]
Type=simple
ExecStart=/usr/local/bin/node /opt/ssot/bin/ssot watch --config "/home/ada/work/My Repo/ssot.config.yaml"
Restart=on-failure
RestartSec=10
RestartPreventExitStatus=2
TimeoutStopSec=90
KillMode=mixed
Environment=NO_COLOR=1
Environment=PATH=/usr/local/bin:/usr/bin:/bin
Environment=XDG_STATE_HOME=/home/ada/.local/state
NoNewPrivileges=yes

[Install]
WantedBy=default.target
`);
  });

  it('launchd agent plist', () => {
    expect(launchdPlist(spec)).toBe(`<?xml version="1.0" encoding="UTF-8"?>
<!DOCTYPE plist PUBLIC "-//Apple//DTD PLIST 1.0//EN" "http://www.apple.com/DTDs/PropertyList-1.0.dtd">
<plist version="1.0">
<dict>
  <key>Label</key>
  <string>dev.ssot.watch</string>
  <key>ProgramArguments</key>
  <array>
    <string>/usr/local/bin/node</string>
    <string>/opt/ssot/bin/ssot</string>
    <string>watch</string>
    <string>--config</string>
    <string>/home/ada/work/My Repo/ssot.config.yaml</string>
  </array>
  <key>RunAtLoad</key>
  <true/>
  <key>KeepAlive</key>
  <dict>
    <key>SuccessfulExit</key>
    <false/>
  </dict>
  <key>ThrottleInterval</key>
  <integer>10</integer>
  <key>ProcessType</key>
  <string>Background</string>
  <key>ExitTimeOut</key>
  <integer>90</integer>
  <key>StandardOutPath</key>
  <string>/home/ada/.local/state/ssot/logs/launchd.out.log</string>
  <key>StandardErrorPath</key>
  <string>/home/ada/.local/state/ssot/logs/launchd.err.log</string>
  <key>EnvironmentVariables</key>
  <dict>
    <key>NO_COLOR</key>
    <string>1</string>
    <key>PATH</key>
    <string>/usr/local/bin:/usr/bin:/bin</string>
    <key>XDG_STATE_HOME</key>
    <string>/home/ada/.local/state</string>
  </dict>
</dict>
</plist>
`);
  });

  it('leaves out --config when none is given, and escapes what systemd and XML would misread', () => {
    const odd: ServiceSpec = { ...spec, config: '/tmp/100% "$HOME" & <x>/c.yaml' };
    const { config: _drop, ...noConfig } = spec;
    expect(systemdUnit(noConfig)).toMatch(/^ExecStart=\/usr\/local\/bin\/node \/opt\/ssot\/bin\/ssot watch$/m);
    expect(systemdUnit(odd)).toContain('--config "/tmp/100%% \\"$$HOME\\" & <x>/c.yaml"');
    expect(systemdWord('/plain/path-1.2')).toBe('/plain/path-1.2');
    const plist = launchdPlist(odd);
    expect(checkXml(plist)).toBe(true);
    const parsed = new XMLParser({ ignoreDeclaration: true, ignoreAttributes: true }).parse(plist) as {
      plist: { dict: { array: { string: string[] } } };
    };
    expect(parsed.plist.dict.array.string.at(-1)).toBe('/tmp/100% "$HOME" & <x>/c.yaml');
  });

  it('writes a well-formed plist even for a value XML cannot hold (a control character is dropped)', () => {
    const plist = launchdPlist({ ...spec, config: '/tmp/a\u0001b & <c>.yaml' });
    expect(checkXml(plist)).toBe(true);
    const parsed = new XMLParser({ ignoreDeclaration: true, ignoreAttributes: true }).parse(plist) as {
      plist: { dict: { array: { string: string[] } } };
    };
    expect(parsed.plist.dict.array.string.at(-1)).toBe('/tmp/ab & <c>.yaml');
  });

  it('points at this checkout\'s bin/ssot', async () => {
    const bin = defaultBinPath();
    expect(path.isAbsolute(bin)).toBe(true);
    expect(await fs.readFile(bin, 'utf8')).toMatch(/^#!\/usr\/bin\/env node/);
  });
});

const hasAnalyze = spawnSync('sh', ['-c', 'command -v systemd-analyze']).status === 0;
describe.skipIf(!hasAnalyze)('systemd-analyze verify', () => {
  let dir: string;
  beforeEach(async () => {
    dir = await fs.mkdtemp(path.join(os.tmpdir(), 'ssot-unit-'));
  });
  afterEach(async () => {
    await fs.rm(dir, { recursive: true, force: true });
  });

  const verify = (text: string): { status: number | null; out: string } => {
    const file = path.join(dir, 'ssot-watch.service');
    execFileSync('sh', ['-c', 'cat > "$0"', file], { input: text });
    const r = spawnSync('systemd-analyze', ['verify', file], { encoding: 'utf8', env: { ...process.env, SYSTEMD_LOG_COLOR: '0' } });
    // verify exits 0 on some bad settings ("ignoring"), so what it prints about the file counts too.
    return { status: r.status, out: `${r.stdout}${r.stderr}`.split('\n').filter((l) => l.includes(file)).join('\n') };
  };

  it('accepts the generated unit (real node, real bin/ssot, a config path with a space)', () => {
    const real: ServiceSpec = { ...spec, node: process.execPath, bin: defaultBinPath(), config: path.join(dir, 'my repo', 'ssot.config.yaml') };
    expect(verify(systemdUnit(real))).toEqual({ status: 0, out: '' });
  });

  it('rejects a broken one (so the check above can fail)', () => {
    const real: ServiceSpec = { ...spec, node: process.execPath, bin: defaultBinPath() };
    expect(verify(systemdUnit(real).replace('RestartSec=10', 'RestartSec=ten')).out).toMatch(/RestartSec|sec value/);
  });
});
if (!hasAnalyze) {
  console.warn('systemd-analyze not found: the unit is only golden-tested (apt-get install systemd to verify it too)');
}

/** A fake service manager: records commands, answers like systemctl / launchctl. */
function fakeRunner(answers: Record<string, Partial<{ code: number; stdout: string; stderr: string }>> = {}) {
  const calls: string[] = [];
  const runner: Runner = async (cmd, args) => {
    const line = [cmd, ...args].join(' ');
    calls.push(line);
    const a = Object.entries(answers).find(([k]) => line.startsWith(k))?.[1] ?? {};
    return { code: a.code ?? 0, stdout: a.stdout ?? '', stderr: a.stderr ?? '' };
  };
  return { runner, calls };
}

describe('install / uninstall / status', () => {
  let home: string;
  beforeEach(async () => {
    home = await fs.mkdtemp(path.join(os.tmpdir(), 'ssot-home-'));
  });
  afterEach(async () => {
    await fs.rm(home, { recursive: true, force: true });
  });
  const envOf = (platform: ServiceEnv['platform'], runner: Runner): ServiceEnv => ({
    platform,
    home,
    uid: 501,
    runner,
    spec: { ...spec, logDir: path.join(home, 'state', 'logs') },
  });

  it('systemd: writes the unit, reloads and enables it; a second install restarts; uninstall disables and removes', async () => {
    const f = fakeRunner({ 'systemctl --user show': { stdout: 'ActiveState=active\nSubState=running\nMainPID=4242\n' } });
    const e = envOf('systemd', f.runner);
    const r = await installService(e);
    const file = path.join(home, '.config/systemd/user/ssot-watch.service');
    expect(r.file).toBe(file);
    expect(await fs.readFile(file, 'utf8')).toBe(systemdUnit(e.spec));
    expect(f.calls).toEqual(['systemctl --user daemon-reload', 'systemctl --user enable --now ssot-watch.service']);
    expect((await fs.stat(e.spec.logDir)).isDirectory()).toBe(true);

    f.calls.length = 0;
    expect((await installService(e)).unchanged).toBe(true);
    expect(f.calls.at(-1)).toBe('systemctl --user restart ssot-watch.service');

    expect(await serviceStatus(e)).toMatchObject({ installed: true, outdated: false, active: true, state: 'active (running)', pid: 4242 });
    await fs.appendFile(file, '# edited\n');
    expect((await serviceStatus(e)).outdated).toBe(true);

    f.calls.length = 0;
    expect((await uninstallService(e)).removed).toBe(true);
    expect(f.calls).toEqual(['systemctl --user disable --now ssot-watch.service', 'systemctl --user daemon-reload']);
    await expect(fs.access(file)).rejects.toThrow();
    expect((await uninstallService(e)).removed).toBe(false);
  });

  it('systemd: a failing systemctl is an error that says what to check', async () => {
    const f = fakeRunner({ 'systemctl --user daemon-reload': { code: 1, stderr: 'Failed to connect to bus: No medium found' } });
    await expect(installService(envOf('systemd', f.runner))).rejects.toThrow(/daemon-reload.*No medium found/);
  });

  it('launchd: writes the plist named after its label, boots out any old one, bootstraps; status reads launchctl print', async () => {
    const f = fakeRunner({
      'launchctl bootout': { code: 3, stderr: 'Boot-out failed: 3: No such process' },
      'launchctl print': { stdout: 'gui/501/dev.ssot.watch = {\n\tstate = running\n\tpid = 777\n}\n' },
    });
    const e = envOf('launchd', f.runner);
    const r = await installService(e);
    expect(r.file).toBe(path.join(home, 'Library/LaunchAgents/dev.ssot.watch.plist'));
    expect(await fs.readFile(r.file, 'utf8')).toBe(launchdPlist(e.spec));
    expect(f.calls).toEqual(['launchctl bootout gui/501/dev.ssot.watch', `launchctl bootstrap gui/501 ${r.file}`]);
    expect(await serviceStatus(e)).toMatchObject({ installed: true, active: true, state: 'running', pid: 777 });
    f.calls.length = 0;
    await uninstallService(e);
    expect(f.calls).toEqual(['launchctl bootout gui/501/dev.ssot.watch']);
    await expect(fs.access(r.file)).rejects.toThrow();
  });

  it('status of a service that is not installed', async () => {
    const f = fakeRunner({ 'systemctl --user show': { stdout: 'ActiveState=inactive\nSubState=dead\nMainPID=0\n' }, 'launchctl print': { code: 113 } });
    expect(await serviceStatus(envOf('systemd', f.runner))).toMatchObject({ installed: false, active: false, state: 'inactive (dead)' });
    expect(await serviceStatus(envOf('launchd', f.runner))).toMatchObject({ installed: false, active: false, state: 'not loaded' });
  });
});

describe('defaultServiceEnv', () => {
  it('uses this node and checkout, an absolute --config, git\'s folder on PATH, and passes the XDG folders through', async () => {
    const f = fakeRunner({ 'sh -c command -v git': { stdout: '/opt/git/bin/git\n' } });
    const e = await defaultServiceEnv({
      config: 'rel/ssot.config.yaml',
      env: { XDG_STATE_HOME: '/x/state', HOME: '/home/ada', SECRET_TOKEN: 'never-in-a-unit' },
      runner: f.runner,
    });
    expect(e.spec).toMatchObject({
      node: process.execPath,
      bin: defaultBinPath(),
      config: path.resolve('rel/ssot.config.yaml'),
      logDir: '/x/state/ssot/logs',
      env: { XDG_STATE_HOME: '/x/state' },
    });
    expect(e.spec.path.split(':').slice(0, 2)).toEqual([path.dirname(process.execPath), '/opt/git/bin']);
    expect(systemdUnit(e.spec)).not.toContain('never-in-a-unit');
  });
});
