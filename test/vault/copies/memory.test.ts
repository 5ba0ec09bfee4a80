import { describe, expect, it } from 'vitest';
import { CopyConflictError } from '../../../src/vault/copies/copy.js';
import { MemoryCopy } from '../../support/memory-copy.js';
import { runCopyConformance } from './conformance.js';

// The engine's logic tests (sync-engine, sync-report) run on MemoryCopy: it keeps the
// same contract as the real kinds, so what those tests show holds for them too.
runCopyConformance('memory (the engine tests\' copy)', async () => ({ copy: new MemoryCopy('conformance') }), { versions: false });

describe('MemoryCopy', () => {
  it('races another writer in before a write lands: the write is then a conflict', async () => {
    const copy = new MemoryCopy('race');
    const { rev } = await copy.write(new Uint8Array([1]), null, { message: 'm' });
    copy.beforeWrite = () => copy.put(new Uint8Array([2]));
    await expect(copy.write(new Uint8Array([3]), rev, { message: 'm' })).rejects.toBeInstanceOf(CopyConflictError);
    expect([...(await copy.read())!.data]).toEqual([2]);
  });
});
