import { createHash } from 'node:crypto';
import { CredentialError, ErrorCode } from '../../src/core/errors.js';
import type { MergeSummary, VaultCodec, VaultDb } from '../../src/vault/codec.js';

/**
 * A stand-in database for the engine's logic tests: JSON with entries that
 * carry a modification time, merged newest-wins, deletions as tombstones.
 * "Encryption" is a prefix, so a wrong key and every save are observable.
 */
interface Doc {
  root: string;
  salt: number;
  entries: Record<string, { value: string; t: number }>;
  deleted: Record<string, number>;
}

export class FakeDb implements VaultDb {
  doc: Doc;
  saves = 0;
  constructor(doc: Doc) {
    this.doc = doc;
  }
  get rootUuid(): string {
    return this.doc.root;
  }
  contentDigest(): string {
    const { salt: _salt, ...content } = this.doc;
    const sorted = JSON.stringify(content, (_k, v: unknown) =>
      v && typeof v === 'object' && !Array.isArray(v) ? Object.fromEntries(Object.entries(v).sort(([a], [b]) => a.localeCompare(b))) : v,
    );
    return createHash('sha256').update(sorted).digest('hex');
  }
  async save(): Promise<Uint8Array> {
    this.saves++;
    FakeCodec.saves++;
    // New salt on every save, as KDBX does: same content, different bytes.
    return encode({ ...this.doc, salt: Math.random() });
  }
  summary(): { entries: number; groups: number; deleted: number } {
    return { entries: Object.keys(this.doc.entries).length, groups: 1, deleted: Object.keys(this.doc.deleted).length };
  }
  set(uuid: string, value: string, t: number): this {
    this.doc.entries[uuid] = { value, t };
    return this;
  }
}

const MAGIC = 'FAKEKDBX:';
export function encode(doc: Doc, key = 'pw'): Uint8Array {
  return new TextEncoder().encode(MAGIC + key + ':' + JSON.stringify(doc));
}

export function makeDb(root = 'root-1', entries: Record<string, [string, number]> = {}): FakeDb {
  return new FakeDb({ root, salt: Math.random(), entries: Object.fromEntries(Object.entries(entries).map(([k, [value, t]]) => [k, { value, t }])), deleted: {} });
}

export class FakeCodec implements VaultCodec<FakeDb> {
  static saves = 0;
  opens = 0;
  key: string;
  required: string[] = [];
  constructor(key = 'pw') {
    this.key = key;
  }
  async open(bytes: Uint8Array, source: string): Promise<FakeDb> {
    this.opens++;
    const text = new TextDecoder().decode(bytes);
    if (!text.startsWith(MAGIC)) throw new Error(`not a database: ${source}`);
    const rest = text.slice(MAGIC.length);
    if (!rest.startsWith(this.key + ':')) throw new CredentialError(ErrorCode.InvalidKey, `cannot decrypt ${source}: wrong password or key file`);
    return new FakeDb(JSON.parse(rest.slice(this.key.length + 1)) as Doc);
  }
  merge(target: FakeDb, source: FakeDb): MergeSummary {
    const r: MergeSummary = { changed: false, added: 0, updated: 0, deleted: 0, moved: 0, conflicts: [] };
    for (const [u, t] of Object.entries(source.doc.deleted)) {
      target.doc.deleted[u] = Math.min(t, target.doc.deleted[u] ?? Infinity);
    }
    for (const [u, e] of Object.entries(source.doc.entries)) {
      const mine = target.doc.entries[u];
      if (!mine) {
        target.doc.entries[u] = { ...e };
        r.added++;
      } else if (e.t > mine.t || (e.t === mine.t && e.value > mine.value)) {
        target.doc.entries[u] = { ...e };
        r.updated++;
      }
    }
    for (const [u, t] of Object.entries(target.doc.deleted)) {
      const e = target.doc.entries[u];
      if (e && e.t <= t) {
        delete target.doc.entries[u];
        r.deleted++;
      } else if (e) delete target.doc.deleted[u];
    }
    r.changed = r.added + r.updated + r.deleted > 0;
    return r;
  }
  check(db: FakeDb): string[] {
    return this.required.filter((u) => !db.doc.entries[u]).map((u) => `entry "${u}" is missing`);
  }
}
