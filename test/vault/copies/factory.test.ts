import { promises as fs } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { copySchema, gdriveSchema } from '../../../src/config/schema.js';
import { copyFromConfig, driveClientFromConfig, fileDriveState } from '../../../src/vault/copies/index.js';
import { copyIdentity } from '../../../src/vault/copies/ids.js';
import { memoryDriveState } from '../../../src/vault/copies/gdrive.js';
import { memoryRcloneState } from '../../../src/vault/copies/rclone-state.js';
import { TEST_OAUTH, useDriveStandIn } from '../../standins/drive/index.js';
import { gitWorld } from './gitfixture.js';

const drive = await useDriveStandIn();
const tmp = await fs.mkdtemp(path.join(os.tmpdir(), 'ssot-factory-'));
afterAll(() => fs.rm(tmp, { recursive: true, force: true }));
const merge = async (a: Uint8Array) => a;

describe('copies from config', () => {
  it('builds each kind with the primary name, paths relative to the config', async () => {
    const deps = { primaryPath: '/home/u/security/chronos.kdbx', baseDir: tmp, merge };
    const folder = await copyFromConfig(copySchema.parse({ folder: { path: 'usb' } }), deps);
    expect(folder.id).toBe(`folder:${path.join(tmp, 'usb', 'chronos.kdbx')}`);
    const w = await gitWorld();
    const dir = w.clone('a');
    const git = await copyFromConfig(copySchema.parse({ git: { repo: dir, path: 'vaults', name: 'x.kdbx' } }), deps);
    expect(git.id).toBe(`git:${path.join(dir, 'vaults', 'x.kdbx')}`);
    expect(await git.read()).toBeNull();
    await w.cleanup();
    await expect(copyFromConfig(copySchema.parse({ gdrive: { folder: 'S' } }), deps)).rejects.toThrow(/gdrive:/);
  });

  it('a gdrive copy from config: credentials resolved from references, ids remembered in a 0600 state file', async () => {
    const cfg = gdriveSchema.parse({
      auth: { clientId: TEST_OAUTH.clientId, clientSecret: { env: 'T_SECRET' }, refreshToken: { env: 'T_REFRESH' } },
      rootUrl: drive.url,
      tokenUrl: drive.tokenUrl,
    });
    const ctx = { configFile: 'ssot.config.yaml', baseDir: tmp, env: { T_SECRET: TEST_OAUTH.clientSecret, T_REFRESH: TEST_OAUTH.refreshToken } };
    const stateDir = path.join(tmp, 'state');
    const copy = await copyFromConfig(copySchema.parse({ gdrive: { folder: 'Backups/sec' } }), {
      primaryPath: '/x/chronos.kdbx',
      baseDir: tmp,
      merge,
      driveClient: () => driveClientFromConfig(cfg, ctx),
      driveState: (key) => fileDriveState(key, stateDir),
    });
    const { rev } = await copy.write(new Uint8Array([1, 2, 3]), null, { message: 'm' });
    const [file] = await fs.readdir(stateDir);
    const st = path.join(stateDir, file!);
    expect((await fs.stat(st)).mode & 0o777).toBe(0o600);
    const saved = JSON.parse(await fs.readFile(st, 'utf8')) as Record<string, string>;
    expect(saved.lastRev).toBe(rev);
    expect(drive.file(saved.fileId!)!.name).toBe('chronos.kdbx');
    expect(await fs.readFile(st, 'utf8')).not.toContain(TEST_OAUTH.refreshToken);
  });

  it('a copy\'s id from its config alone is the id the copy has (status lists configured copies by it)', async () => {
    const w = await gitWorld();
    const dir = w.clone('ids');
    const primaryPath = path.join(tmp, 'p', 'chronos.kdbx');
    const deps = {
      primaryPath,
      baseDir: tmp,
      merge,
      driveClient: async () => driveClientFromConfig(gdriveSchema.parse({ auth: { accessToken: { env: 'T' } }, rootUrl: drive.url }), { configFile: 'c', baseDir: tmp, env: { T: 'x' } }),
      driveState: () => memoryDriveState(),
      rcloneState: () => memoryRcloneState(),
    };
    const entries = [
      { folder: { path: path.join(tmp, 'usb') } },
      { folder: { path: path.join(tmp, 'nas'), name: 'other.kdbx' } },
      { git: { repo: dir } },
      { git: { repo: dir, path: '/vaults/', name: 'x.kdbx' } },
      { gdrive: { folder: '/Backups/security/' } },
      { gdrive: { folderId: 'F1', name: 'y.kdbx' } },
      { gdrive: { fileId: 'X1' } },
      { rclone: { remote: 'nas:vault/' } },
      { rclone: { remote: 'sftpbox:', name: 'z.kdbx' } },
    ];
    for (const e of entries) {
      const parsed = copySchema.parse(e);
      const copy = await copyFromConfig(parsed, deps);
      expect(copyIdentity(parsed, primaryPath)).toEqual({ id: copy.id, kind: copy.kind });
    }
    await w.cleanup();
  });
});
