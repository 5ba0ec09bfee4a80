import { promises as fs } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { FolderCopy } from '../../../src/vault/copies/folder.js';
import { CopyConflictError } from '../../../src/vault/copies/copy.js';
import { runCopyConformance } from './conformance.js';

const roots: string[] = [];
async function tmp(): Promise<string> {
  const d = await fs.mkdtemp(path.join(os.tmpdir(), 'ssot-folder-'));
  roots.push(d);
  return d;
}
afterAll(async () => {
  for (const d of roots) await fs.rm(d, { recursive: true, force: true });
});

runCopyConformance(
  'folder',
  async () => {
    const dir = path.join(await tmp(), 'usb', 'vault'); // not there yet: the first write makes it
    return { copy: new FolderCopy({ dir, name: 'x.kdbx' }), reopen: async () => new FolderCopy({ dir, name: 'x.kdbx' }) };
  },
  { versions: false },
);

describe('FolderCopy', () => {
  it('writes mode 0600 and leaves no temp file behind', async () => {
    const dir = await tmp();
    const c = new FolderCopy({ dir, name: 'v.kdbx' });
    await c.write(new Uint8Array([1, 2, 3]), null, { message: 'm' });
    expect((await fs.stat(path.join(dir, 'v.kdbx'))).mode & 0o777).toBe(0o600);
    expect(await fs.readdir(dir)).toEqual(['v.kdbx']);
  });

  it('sees a change made by another program as a conflict', async () => {
    const dir = await tmp();
    const c = new FolderCopy({ dir, name: 'v.kdbx' });
    const { rev } = await c.write(new Uint8Array([1]), null, { message: 'm' });
    await fs.writeFile(path.join(dir, 'v.kdbx'), Buffer.from([9, 9]));
    await expect(c.write(new Uint8Array([2]), rev, { message: 'm' })).rejects.toBeInstanceOf(CopyConflictError);
    expect([...(await fs.readFile(path.join(dir, 'v.kdbx')))]).toEqual([9, 9]);
  });

  it('refuses a name with a folder part', () => {
    expect(() => new FolderCopy({ dir: '/tmp', name: '../x.kdbx' })).toThrow(/plain file name|bad file name/);
  });
});
