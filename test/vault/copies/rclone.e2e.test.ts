import { promises as fs } from 'node:fs';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { CopyConflictError } from '../../../src/vault/copies/copy.js';
import { RcloneCopy } from '../../../src/vault/copies/rclone.js';
import { memoryRcloneState, fileRcloneState } from '../../../src/vault/copies/rclone-state.js';
import { listS3Versions } from '../../../src/vault/copies/rclone-versions.js';
import { startRcloneWorld } from '../../support/rclone.js';
import { tmpDir } from '../../support/tmp.js';
import { runCopyConformance } from './conformance.js';

const world = await startRcloneWorld();
afterAll(() => world.stop());
const runner = { bin: world.shim, config: world.config, env: world.env };
const msg = { message: 'm' };

for (const server of ['local', 'webdav', 'sftp'] as const) {
  runCopyConformance(
    `rclone (${server})`,
    async () => {
      const remote = world.remotes[server];
      const make = (): RcloneCopy => new RcloneCopy({ remote, name: 'x.kdbx', runner, state: memoryRcloneState() });
      return { copy: make(), reopen: async () => make() };
    },
    { versions: false },
  );
}

describe('RcloneCopy', () => {
  it('writes through a temporary name and a server-side move, and leaves nothing else behind', async () => {
    const remote = world.remotes.webdav;
    const c = new RcloneCopy({ remote, name: 'v.kdbx', runner, state: memoryRcloneState() });
    const before = world.calls().length;
    await c.write(new Uint8Array([1, 2, 3]), null, msg);
    const calls = world.calls().slice(before);
    expect(calls.some((l) => / rcat .*wd:v\d+\/\.v\.kdbx\.ssot-[0-9a-f]+\.tmp/.test(l))).toBe(true);
    expect(calls.some((l) => / moveto .*\.tmp .*wd:v\d+\/v\.kdbx/.test(l))).toBe(true);
    const dir = path.join(world.served.webdav, remote.slice(3));
    expect(await fs.readdir(dir)).toEqual(['v.kdbx']);
    expect([...(await fs.readFile(path.join(dir, 'v.kdbx')))]).toEqual([1, 2, 3]);
  });

  it('sweeps temporary files of killed uploads older than an hour, and leaves younger ones (another machine\'s upload in flight)', async () => {
    const remote = world.remotes.local;
    const dir = remote.slice(4);
    await fs.mkdir(dir, { recursive: true });
    const stale = path.join(dir, '.v.kdbx.ssot-0123456789ab.tmp');
    const young = path.join(dir, '.v.kdbx.ssot-ba9876543210.tmp');
    const other = path.join(dir, 'notes-ssot-x.tmp');
    for (const f of [stale, young, other]) await fs.writeFile(f, 'partial');
    const old = new Date(Date.now() - 2 * 3600_000);
    await fs.utimes(stale, old, old);
    await fs.utimes(other, old, old);
    const c = new RcloneCopy({ remote, name: 'v.kdbx', runner, state: memoryRcloneState() });
    await c.write(new Uint8Array([5]), null, msg);
    expect((await fs.readdir(dir)).sort()).toEqual(['.v.kdbx.ssot-ba9876543210.tmp', 'notes-ssot-x.tmp', 'v.kdbx']);
  });

  it('sees a change made behind its back as a conflict and leaves it alone (sftp: by hash)', async () => {
    const remote = world.remotes.sftp;
    const c = new RcloneCopy({ remote, name: 'v.kdbx', runner, state: memoryRcloneState() });
    const { rev } = await c.write(new Uint8Array([1, 2, 3]), null, msg);
    // Same size, so only the hash tells them apart.
    await fs.writeFile(path.join(world.served.sftp, remote.slice(3), 'v.kdbx'), Buffer.from([9, 9, 9]));
    await expect(c.write(new Uint8Array([4, 5, 6]), rev, msg)).rejects.toBeInstanceOf(CopyConflictError);
    expect([...(await fs.readFile(path.join(world.served.sftp, remote.slice(3), 'v.kdbx')))]).toEqual([9, 9, 9]);
    const r = await c.read();
    expect([...r!.data]).toEqual([9, 9, 9]);
  });

  it('an unchanged remote is one listing: no download, no upload (cache kept in a 0600 state file)', async () => {
    const stateDir = tmpDir('ssot-rclone-state-');
    const remote = world.remotes.webdav;
    const make = (): RcloneCopy => new RcloneCopy({ remote, name: 'v.kdbx', runner, state: fileRcloneState('k', stateDir) });
    const data = new Uint8Array(4096).fill(7);
    const { rev } = await make().write(data, null, msg);
    expect((await fs.stat(path.join(stateDir, 'k.kdbx'))).mode & 0o777).toBe(0o600);
    expect((await fs.stat(path.join(stateDir, 'k.json'))).mode & 0o777).toBe(0o600);
    const before = world.calls().length;
    const again = make(); // another run of ssot
    const r = await again.read();
    expect(r!.rev).toBe(rev);
    const calls = world.calls().slice(before);
    expect(calls).toHaveLength(1);
    expect(calls[0]).toMatch(/ lsjson --stat /);
  });

  it('refuses a remote without a NAME: part and a file name with a folder', () => {
    expect(() => new RcloneCopy({ remote: 'just-a-folder', name: 'x.kdbx', runner, state: memoryRcloneState() })).toThrow(/NAME:folder/);
    expect(() => new RcloneCopy({ remote: 'nas:v', name: 'a/x.kdbx', runner, state: memoryRcloneState() })).toThrow(/bad file name/);
  });

  it('a remote that keeps no versions lists none and says why restore cannot use it', async () => {
    const c = new RcloneCopy({ remote: world.remotes.local, name: 'v.kdbx', runner, state: memoryRcloneState() });
    expect(await c.versions()).toEqual([]);
    expect(await c.versionsUnavailable()).toMatch(/local backend\) keeps no versions/);
    await expect(c.readVersion('x')).rejects.toThrow(/keeps no versions/);
  });

  it("reads S3's version names (rclone --s3-versions), newest first", () => {
    const vs = listS3Versions(
      [
        { Name: 'chronos.kdbx', Size: 10, ModTime: '2026-04-02T10:00:00Z' },
        { Name: 'chronos-v2026-03-31-120501-000.kdbx', Size: 9, ModTime: '2026-03-31T12:05:01Z' },
        { Name: 'chronos-v2026-04-01-080000-250.kdbx', Size: 8, ModTime: '2026-04-01T08:00:00Z' },
        { Name: 'other-v2026-04-01-080000-250.kdbx', Size: 8, ModTime: '2026-04-01T08:00:00Z' },
        { Name: 'chronos-vX.kdbx', Size: 8, ModTime: '2026-04-01T08:00:00Z' },
      ],
      'chronos.kdbx',
    );
    expect(vs.map((v) => v.id)).toEqual(['chronos.kdbx', 'chronos-v2026-04-01-080000-250.kdbx', 'chronos-v2026-03-31-120501-000.kdbx']);
    expect(vs[1]!.time.toISOString()).toBe('2026-04-01T08:00:00.250Z');
  });
});
