import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { hashHex, sha256File, sha256Hex, shortHash } from '../../src/core/hash.js';
import { fingerprintOf } from '../../src/guard/baseline.js';
import { itemId } from '../../src/tickets/match.js';
import { tmpDir } from '../support/tmp.js';

const ABC_SHA256 = 'ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad';

describe('the hash helper', () => {
  it('gives the published digests of "abc" (FIPS 180-2, RFC 1321), for text and bytes alike', () => {
    expect(sha256Hex('abc')).toBe(ABC_SHA256);
    expect(sha256Hex(new TextEncoder().encode('abc'))).toBe(ABC_SHA256);
    expect(hashHex('abc', 'md5')).toBe('900150983cd24fb0d6963f7d28e17f72');
    expect(hashHex(Buffer.from('abc'), 'sha1')).toBe('a9993e364706816aba3e25717850c26c9cd0d89d');
  });

  it('hashes parts one after another, as their concatenation', () => {
    expect(sha256Hex(['a', Buffer.from('b'), 'c'])).toBe(ABC_SHA256);
    expect(sha256Hex([])).toBe(sha256Hex(''));
  });

  it('a short hash is the start of the sha256', () => {
    expect(shortHash('abc', 10)).toBe(ABC_SHA256.slice(0, 10));
  });

  it("hashes a file's bytes, and rejects a missing file as reading it would", async () => {
    const dir = tmpDir('ssot-hash-');
    writeFileSync(path.join(dir, 'f'), 'abc');
    expect(await sha256File(path.join(dir, 'f'))).toBe(ABC_SHA256);
    await expect(sha256File(path.join(dir, 'missing'))).rejects.toMatchObject({ code: 'ENOENT' });
  });

  it('keeps the ids written in files people commit as they were (baseline fingerprints, ticket tie labels)', () => {
    expect(fingerprintOf('aws-access-key-id', 'src/a.ts', 'AKIA xyz')).toBe('e23aeab3de7ed09867a314aa2b449bd9');
    expect(itemId('notes/2026-03.md', 'Phase 2: Security hardening ✅')).toBe('ff54b5cc37');
  });
});
