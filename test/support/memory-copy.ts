import { createHash } from 'node:crypto';
import { CopyConflictError, type Copy, type CopyRead, type CopyVersion, type WriteInfo } from '../../src/vault/copies/copy.js';

/** An in-memory copy for the sync engine's logic tests; it keeps the contract of every kind (test/vault/copies/memory.test.ts). */
export class MemoryCopy implements Copy {
  readonly kind = 'memory' as const;
  readonly id: string;
  readonly label: string;
  data: Uint8Array | null = null;
  rev: string | null = null;
  writes: { data: Uint8Array; message: string }[] = [];
  missedNext: Uint8Array[] = [];
  /** Called before a write lands: lets a test race another writer in. */
  beforeWrite?: () => void;
  failRead?: Error;
  failWrite?: Error;

  constructor(name: string) {
    this.id = `memory:${name}`;
    this.label = `memory ${name}`;
  }

  put(data: Uint8Array): void {
    this.data = data;
    this.rev = createHash('sha256').update(data).digest('hex').slice(0, 16);
  }

  async read(): Promise<CopyRead | null> {
    if (this.failRead) throw this.failRead;
    if (!this.data) return null;
    const missed = this.missedNext;
    this.missedNext = [];
    return { data: this.data, rev: this.rev!, ...(missed.length ? { missed } : {}) };
  }

  async head(): Promise<string | null> {
    return this.rev;
  }

  async write(data: Uint8Array, ifRev: string | null, info: WriteInfo): Promise<{ rev: string }> {
    this.beforeWrite?.();
    this.beforeWrite = undefined;
    if (this.failWrite) throw this.failWrite;
    if (ifRev !== this.rev) throw new CopyConflictError(this.id, `${this.label} is at ${String(this.rev)}, not ${String(ifRev)}`);
    this.put(data);
    this.writes.push({ data, message: info.message });
    return { rev: this.rev! };
  }

  async versions(): Promise<CopyVersion[]> {
    return [];
  }

  async readVersion(): Promise<Uint8Array> {
    throw new Error('no versions');
  }
}
