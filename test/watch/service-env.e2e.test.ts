import { promises as fs } from 'node:fs';
import path from 'node:path';
import { parseEnv } from 'node:util';
import { describe, expect, it } from 'vitest';
import { envLine } from '../../src/watch/env-file.js';
import { launchdPlist, systemdUnit, type ServiceSpec } from '../../src/watch/service.js';
import { pathWith, runSsot } from '../support/cli.js';
import { tmpDir } from '../support/tmp.js';

/**
 * `ssot service install` and the variables `{ env: … }` references need: a
 * service does not inherit the shell's environment, so the unit reads a 0600
 * environment file, and install says which variables are missing from it.
 * systemctl is a shim here (it records its calls): the unit file is real.
 */

async function machine() {
  const home = tmpDir();
  const bin = path.join(home, 'shim');
  await fs.mkdir(bin);
  await fs.writeFile(path.join(bin, 'systemctl'), `#!/bin/sh\necho "$@" >> "${home}/systemctl.calls"\n`, { mode: 0o755 });
  const config = path.join(home, 'repo', 'ssot.config.yaml');
  await fs.mkdir(path.dirname(config), { recursive: true });
  await fs.writeFile(
    config,
    `jira:\n  baseUrl: https://example.atlassian.net\n  email: { env: ATL_EMAIL }\n  token: { env: ATL_TOKEN }\n  project: CHRONOS\n`,
  );
  const env = { HOME: home, PATH: pathWith(bin), XDG_CONFIG_HOME: path.join(home, 'cfg'), XDG_STATE_HOME: path.join(home, 'state') };
  return { home, config, env, envFile: path.join(home, 'cfg', 'ssot', 'service.env'), unit: path.join(home, '.config', 'systemd', 'user', 'ssot-watch.service') };
}

describe('ssot service install and { env: … } references', () => {
  it('says which variables the service will not see, and how to provide them', async () => {
    const m = await machine();
    const r = await runSsot(['service', 'install', '--config', m.config], { cwd: m.home, env: { ...m.env, ATL_EMAIL: 'me@example.com', ATL_TOKEN: 'ATATT-service-token' } });
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).toContain('the service will not see ATL_EMAIL, ATL_TOKEN');
    expect(r.stderr).toContain('ssot service install --copy-env');
    expect(r.stderr).toContain('ssot keyring set ssot/NAME');
    expect(await fs.readFile(m.unit, 'utf8')).toContain(`EnvironmentFile=-${m.envFile}\n`);
    await expect(fs.stat(m.envFile)).rejects.toThrow(); // nothing copied unasked
  });

  it('--copy-env copies them from this shell into the 0600 file the unit reads; values are never printed', async () => {
    const m = await machine();
    const token = "ATATT-with 'quote' and $dollar";
    const r = await runSsot(['service', 'install', '--copy-env', '--config', m.config], { cwd: m.home, env: { ...m.env, ATL_EMAIL: 'me@example.com', ATL_TOKEN: token } });
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toContain(`copied ATL_EMAIL from this shell into ${m.envFile} (mode 0600)`);
    expect(r.stderr).toContain('ATL_TOKEN: its value has quotes');
    expect((await fs.stat(m.envFile)).mode & 0o777).toBe(0o600);
    expect(parseEnv(await fs.readFile(m.envFile, 'utf8'))).toEqual({ ATL_EMAIL: 'me@example.com' });
    expect(r.stdout + r.stderr).not.toContain('me@example.com');
    expect(r.stdout + r.stderr).not.toContain(token);
    // Run again with both in the file: it says where the service reads them.
    await fs.appendFile(m.envFile, "ATL_TOKEN='plain-token'\n");
    const again = await runSsot(['service', 'install', '--config', m.config], { cwd: m.home, env: m.env });
    expect(again.stdout).toContain(`the service reads ATL_EMAIL, ATL_TOKEN from ${m.envFile} (mode 0600)`);
  });

  it('an environment file others can read is refused (exit 2), and the unit is not written', async () => {
    const m = await machine();
    await fs.mkdir(path.dirname(m.envFile), { recursive: true });
    await fs.writeFile(m.envFile, "ATL_EMAIL='x'\n", { mode: 0o644 });
    const r = await runSsot(['service', 'install', '--config', m.config], { cwd: m.home, env: m.env });
    expect(r.code).toBe(2);
    expect(r.stderr).toContain(`${m.envFile} is readable by others (mode 644)`);
    await expect(fs.stat(m.unit)).rejects.toThrow();
  });

  it('the unit and the plist point at the file: systemd by EnvironmentFile, launchd by node --env-file-if-exists', () => {
    const spec: ServiceSpec = { node: '/usr/bin/node', bin: '/opt/ssot/bin/ssot', logDir: '/l', path: '/usr/bin', envFile: '/home/ada/.config/ssot/service.env' };
    expect(systemdUnit(spec)).toContain('EnvironmentFile=-/home/ada/.config/ssot/service.env\nNoNewPrivileges=yes');
    expect(launchdPlist(spec)).toContain('<string>/usr/bin/node</string>\n    <string>--env-file-if-exists=/home/ada/.config/ssot/service.env</string>\n    <string>/opt/ssot/bin/ssot</string>');
  });

  it('each line it writes reads back as the same value in node (as in systemd: single quotes are literal)', () => {
    for (const v of ['plain', 'with space', 'a#b', 'dollar$sign', 'back\\slash', "it's", '']) {
      const line = envLine('X', v)!;
      expect(parseEnv(line)['X'], line).toBe(v);
    }
    expect(envLine('X', 'line\nbreak')).toBeUndefined();
    expect(envLine('X', `both ' and "`)).toBeUndefined();
  });
});
