import { randomBytes } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { describe, expect, it } from 'vitest';
import { CopyConflictError, type Copy } from '../../../src/vault/copies/copy.js';

export interface ConformanceOptions {
  /** The kind keeps past versions (git commits, Drive revisions). */
  versions: boolean;
}

/**
 * The contract every copy kind keeps (src/vault/copies/copy.ts). `makeCopy`
 * returns a copy at a fresh, empty place; `reopen` (optional) returns a second
 * instance over the same place, as another run of ssot would build it.
 */
export function runCopyConformance(
  name: string,
  makeCopy: () => Promise<{ copy: Copy; reopen?: () => Promise<Copy> }>,
  opts: ConformanceOptions,
): void {
  const msg = { message: 'test: 1 entry changed' };
  const bytes = (n: number): Uint8Array => new Uint8Array(randomBytes(n));

  describe(`Copy conformance: ${name}`, () => {
    it('an absent copy reads null and has no head', async () => {
      const { copy } = await makeCopy();
      expect(await copy.read()).toBeNull();
      expect(await copy.head()).toBeNull();
      expect(copy.id).toMatch(new RegExp(`^${copy.kind}:`));
    });

    it('write with ifRev null creates it; read gives the same bytes and the returned rev', async () => {
      const { copy, reopen } = await makeCopy();
      const data = bytes(3000);
      const { rev } = await copy.write(data, null, msg);
      expect(typeof rev).toBe('string');
      const r = await copy.read();
      expect(r).not.toBeNull();
      expect(Buffer.from(r!.data).equals(Buffer.from(data))).toBe(true);
      expect(r!.rev).toBe(rev);
      expect(await copy.head()).toBe(rev);
      if (reopen) {
        const again = await reopen();
        const r2 = await again.read();
        expect(Buffer.from(r2!.data).equals(Buffer.from(data))).toBe(true);
        expect(r2!.rev).toBe(rev);
      }
    });

    it('rev changes when the bytes change, and only then', async () => {
      const { copy } = await makeCopy();
      const a = bytes(500);
      const b = bytes(500);
      const r1 = (await copy.write(a, null, msg)).rev;
      expect(await copy.head()).toBe(r1);
      expect(await copy.head()).toBe(r1); // reading does not move it
      const r2 = (await copy.write(b, r1, msg)).rev;
      expect(r2).not.toBe(r1);
      // Writing the bytes it already holds is not a change: same rev, nothing new.
      const before = (await copy.versions()).length;
      const r3 = (await copy.write(b, r2, msg)).rev;
      expect(r3).toBe(r2);
      expect((await copy.versions()).length).toBe(before);
      const r4 = (await copy.write(a, r3, msg)).rev;
      expect(r4).not.toBe(r3);
      const got = await copy.read();
      expect(Buffer.from(got!.data).equals(Buffer.from(a))).toBe(true);
    });

    it('a write with a stale ifRev throws CopyConflictError and leaves the stored bytes alone', async () => {
      const { copy } = await makeCopy();
      const a = bytes(800);
      const b = bytes(800);
      const r1 = (await copy.write(a, null, msg)).rev;
      const r2 = (await copy.write(b, r1, msg)).rev;
      await expect(copy.write(bytes(800), r1, msg)).rejects.toBeInstanceOf(CopyConflictError);
      await expect(copy.write(bytes(800), null, msg)).rejects.toBeInstanceOf(CopyConflictError);
      await expect(copy.write(bytes(800), 'no-such-revision', msg)).rejects.toBeInstanceOf(CopyConflictError);
      const r = await copy.read();
      expect(r!.rev).toBe(r2);
      expect(Buffer.from(r!.data).equals(Buffer.from(b))).toBe(true);
    });

    it('a write to an absent copy with a non-null ifRev is a conflict and creates nothing', async () => {
      const { copy } = await makeCopy();
      await expect(copy.write(bytes(10), 'some-rev', msg)).rejects.toBeInstanceOf(CopyConflictError);
      expect(await copy.read()).toBeNull();
    });

    if (opts.versions) {
      it('versions() lists every written version, newest first, and readVersion gives its bytes', async () => {
        const { copy } = await makeCopy();
        const datas = [bytes(100), bytes(200), bytes(300)];
        let rev: string | null = null;
        for (const d of datas) rev = (await copy.write(d, rev, msg)).rev;
        const vs = await copy.versions();
        expect(vs.length).toBe(3);
        expect(vs[0]!.id).toBeTruthy();
        for (let i = 1; i < vs.length; i++) expect(vs[i - 1]!.time.getTime()).toBeGreaterThanOrEqual(vs[i]!.time.getTime());
        for (const [i, v] of vs.entries()) {
          const got = await copy.readVersion(v.id);
          expect(Buffer.from(got).equals(Buffer.from(datas[datas.length - 1 - i]!))).toBe(true);
          expect(v.time).toBeInstanceOf(Date);
        }
        await expect(copy.readVersion('0000000000000000000000000000000000000000')).rejects.toThrow();
      });
    } else {
      it('versions() is empty for a kind that keeps none', async () => {
        const { copy } = await makeCopy();
        await copy.write(bytes(10), null, msg);
        expect(await copy.versions()).toEqual([]);
      });
    }

    it('a copy that names a local file (where conflict copies and temp files are looked for) holds its bytes there; folder copies do', async () => {
      const { copy } = await makeCopy();
      const data = bytes(200);
      await copy.write(data, null, msg);
      if (copy.localFile === undefined) expect(copy.kind).not.toBe('folder');
      else expect(Buffer.from(await readFile(copy.localFile)).equals(Buffer.from(data))).toBe(true);
    });

    it('a ~5 MB binary payload round trips byte-exact (every byte value, NULs, CR/LF)', async () => {
      const { copy } = await makeCopy();
      const data = bytes(5 * 1024 * 1024 - 4096);
      // Sprinkle the bytes text handling mangles: NUL, CR LF, lone LF, 0xFF.
      for (let i = 0; i < 256; i++) data[i] = i;
      data.set([0x0d, 0x0a, 0x0a, 0x00, 0xff], 1000);
      const { rev } = await copy.write(data, null, msg);
      const r = await copy.read();
      expect(r!.rev).toBe(rev);
      expect(r!.data.length).toBe(data.length);
      expect(Buffer.from(r!.data).equals(Buffer.from(data))).toBe(true);
      if (opts.versions) {
        const [v] = await copy.versions();
        expect(Buffer.from(await copy.readVersion(v!.id)).equals(Buffer.from(data))).toBe(true);
      }
    });
  });
}
