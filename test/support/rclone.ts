import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { chmodSync, existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { tmpDir } from './tmp.js';

/**
 * A hermetic rclone world for tests: the real rclone (Debian's package), its
 * own config file in a temp folder (RCLONE_CONFIG set explicitly, the user's
 * never read), `rclone serve webdav` and `rclone serve sftp` over local folders
 * on loopback ports the kernel picks, a `local` remote, and a shim that records
 * every argv ssot gives rclone (and whether RCLONE_CONFIG_PASS was in its
 * environment, never its value) before running the real binary.
 */
export interface RcloneWorld {
  dir: string;
  /** The real rclone binary. */
  real: string;
  /** The recording shim: point rclone.path at it. */
  shim: string;
  /** rclone.conf with the remotes `loc` (local), `wd` (webdav), `sf` (sftp) and `gone` (a webdav nobody serves). */
  config: string;
  /** `NAME:folder` of a fresh, empty folder on each server. */
  remotes: { local: string; webdav: string; sftp: string };
  /** The folder on disk each server serves (to look behind the remote's back). */
  served: { local: string; webdav: string; sftp: string };
  /** The servers' login password (appears obscured in the config; the tests check it appears nowhere else). */
  serverPass: string;
  /** Every call the shim recorded so far: argv as one string each. */
  calls(): string[];
  /** Run this bash script once, just before the next upload starts. */
  beforeNextUpload(script: string): void;
  /** Make uploads stall after 64 KiB (uploadStalled() turns true then). */
  slowUploads(on: boolean): void;
  uploadStalled(): boolean;
  /** The environment a child rclone started with (RCLONE_CONFIG set). */
  env: NodeJS.ProcessEnv;
  stop(): Promise<void>;
}

function realRclone(): string {
  return execFileSync('sh', ['-c', 'command -v rclone'], { encoding: 'utf8' }).trim();
}

export async function startRcloneWorld(): Promise<RcloneWorld> {
  const dir = tmpDir('ssot-rclone-');
  const real = realRclone();
  const env: NodeJS.ProcessEnv = { ...process.env, RCLONE_CONFIG: path.join(dir, 'rclone.conf'), RCLONE_CACHE_DIR: path.join(dir, 'cache'), XDG_CACHE_HOME: path.join(dir, 'cache') };
  delete env['RCLONE_CONFIG_PASS'];
  const served = { local: path.join(dir, 'local'), webdav: path.join(dir, 'webdav'), sftp: path.join(dir, 'sftp') };
  for (const d of Object.values(served)) mkdirSync(d, { recursive: true });
  writeFileSync(path.join(dir, 'authorized_keys'), '');
  const serverPass = `srv-${randomBytes(9).toString('hex')}`;
  const procs: ChildProcess[] = [];
  const wdPort = await serve(real, ['serve', 'webdav', served.webdav, '--addr', '127.0.0.1:0', '--user', 'u', '--pass', serverPass], env, procs, /started on https?:\/\/127\.0\.0\.1:(\d+)/);
  const sfPort = await serve(real, ['serve', 'sftp', served.sftp, '--addr', '127.0.0.1:0', '--user', 'u', '--pass', serverPass, '--authorized-keys', path.join(dir, 'authorized_keys')], env, procs, /listening on 127\.0\.0\.1:(\d+)/);
  const obscured = execFileSync(real, ['obscure', serverPass], { env, encoding: 'utf8' }).trim();
  const config = path.join(dir, 'rclone.conf');
  writeFileSync(
    config,
    `[loc]\ntype = local\n\n[wd]\ntype = webdav\nurl = http://127.0.0.1:${wdPort}/\nvendor = other\nuser = u\npass = ${obscured}\n\n` +
      `[sf]\ntype = sftp\nhost = 127.0.0.1\nport = ${sfPort}\nuser = u\npass = ${obscured}\nshell_type = unix\nmd5sum_command = md5sum\nsha1sum_command = sha1sum\n\n` +
      `[gone]\ntype = webdav\nurl = http://127.0.0.1:9/\nvendor = other\n\n` +
      `[wdbad]\ntype = webdav\nurl = http://127.0.0.1:${wdPort}/\nvendor = other\nuser = u\npass = ${execFileSync(real, ['obscure', 'not-the-password'], { env, encoding: 'utf8' }).trim()}\n`,
    { mode: 0o600 },
  );
  const log = path.join(dir, 'argv.log');
  writeFileSync(log, '');
  const shim = path.join(dir, 'bin', 'rclone');
  mkdirSync(path.dirname(shim), { recursive: true });
  // Test hooks: `hook` runs once just before the next upload (another machine
  // writing at that moment); `slow` makes uploads stall after 64 KiB (to kill one midway).
  const hook = path.join(dir, 'before-upload.sh');
  const slow = path.join(dir, 'slow');
  writeFileSync(
    shim,
    [
      '#!/bin/bash',
      `{ printf 'PASS=%s ARGV' "\${RCLONE_CONFIG_PASS:+set}"; for a in "$@"; do printf ' %q' "$a"; done; printf '\\n'; } >> '${log}'`,
      `if [ "$1" = rcat ] && [ -f '${hook}' ]; then mv '${hook}' '${hook}.run' && bash '${hook}.run'; fi`,
      `if [ "$1" = rcat ] && [ -f '${slow}' ]; then { head -c 65536; touch '${slow}.uploading'; sleep 60; cat; } | '${real}' "$@"; exit $?; fi`,
      `exec '${real}' "$@"`,
      '',
    ].join('\n'),
  );
  chmodSync(shim, 0o755);
  let n = 0;
  const fresh = (): { local: string; webdav: string; sftp: string } => {
    const sub = `v${++n}`;
    return { local: `loc:${path.join(served.local, sub)}`, webdav: `wd:${sub}`, sftp: `sf:${sub}` };
  };
  return {
    dir,
    real,
    shim,
    config,
    get remotes() {
      return fresh();
    },
    served,
    serverPass,
    env,
    calls: () => readFileSync(log, 'utf8').split('\n').filter(Boolean),
    beforeNextUpload: (script: string) => writeFileSync(hook, script),
    slowUploads: (on: boolean) => (on ? writeFileSync(slow, '') : rmSync(slow, { force: true })),
    uploadStalled: () => existsSync(`${slow}.uploading`),
    stop: async () => {
      await Promise.all(procs.map((p) => stopProcess(p)));
    },
  };
}

/** Start a server and wait for the port it prints; reject (and kill it) if it does not come up. */
function serve(bin: string, args: [serve: string, protocol: string, ...rest: string[]], env: NodeJS.ProcessEnv, procs: ChildProcess[], ready: RegExp): Promise<number> {
  return new Promise((resolve, reject) => {
    const p = spawn(bin, [...args, '--config', '/dev/null'], { env, stdio: ['ignore', 'ignore', 'pipe'] });
    procs.push(p);
    let err = '';
    const timer = setTimeout(() => {
      p.kill('SIGKILL');
      reject(new Error(`rclone ${args[0]} ${args[1]} did not start: ${err}`));
    }, 15_000);
    p.stderr.on('data', (d: Buffer) => {
      err += d.toString();
      const m = ready.exec(err);
      if (m) {
        clearTimeout(timer);
        resolve(Number(m[1]));
      }
    });
    p.on('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`rclone ${args[1]} exited ${String(code)}: ${err}`));
    });
  });
}

export function stopProcess(p: ChildProcess): Promise<void> {
  if (p.exitCode !== null || p.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => {
    const t = setTimeout(() => p.kill('SIGKILL'), 3000);
    p.once('exit', () => {
      clearTimeout(t);
      resolve();
    });
    p.kill('SIGTERM');
  });
}
