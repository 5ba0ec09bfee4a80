/**
 * ssot's view of one KeePass database. kdbxweb is pinned and stays behind this
 * wrapper: nothing outside src/vault/kdbx imports it.
 */
import * as kdbxweb from './kdbxweb.js';
import { ErrorCode, SsotError } from '../../core/errors.js';
import { toArrayBuffer } from './bytes.js';
import { openError } from './open-errors.js';
import { checkSaved, loadKdbx, saveKdbx, WriteCheckError, type LoadedKdbx } from './io.js';
import { digestAndIndex, fieldText, type ItemIndex } from './canonical.js';
import { cloneKdbx } from './clone.js';
import { changeCounts, type ChangeCounts } from './diff.js';
import { snapshot } from './entry-state.js';
import { toCredentials, type VaultKey } from './key.js';
import { newKdbx, type CreateOptions } from './create.js';
import { entriesWithPath, entryView, recycleBinOf, summaryOf, title, type EntryView } from './views.js';
import { must } from '../../core/must.js';
import { sha256Hex } from '../../core/hash.js';

export type { VaultKey } from './key.js';

export type { EntryView } from './views.js';


export interface EntryFields {
  Title: string;
  UserName?: string;
  Password?: string;
  URL?: string;
  Notes?: string;
  [custom: string]: string | undefined;
}

export { DEFAULT_KDF, type CreateOptions } from './create.js';

const dbs = new WeakMap<VaultDatabase, kdbxweb.Kdbx>();

/** The kdbxweb object behind a VaultDatabase; for this folder's modules (merge) only. */
export function rawKdbx(db: VaultDatabase): kdbxweb.Kdbx {
  const raw = dbs.get(db);
  if (!raw) throw new SsotError(ErrorCode.Internal, 'database object is no longer usable');
  return raw;
}

/** Marks a database as consumed (a merge source). */
export function retire(db: VaultDatabase): void {
  dbs.delete(db);
}

const STANDARD_FIELDS = new Set(['Title', 'UserName', 'Password', 'URL', 'Notes']);

export class VaultDatabase {
  /** File path or copy id, named in errors. */
  readonly source: string;
  /** The clock used by the editing helpers; tests set it to make times exact. */
  clock: () => Date = () => new Date();
  /** The format version and cipher of the file this was read from (a new database: undefined). */
  readFormat: { version: string; cipher: string } | undefined;
  private problems: () => string[] = () => [];
  private firstIndex: ItemIndex | undefined;
  private lastIndex: ItemIndex | undefined;

  private constructor(db: kdbxweb.Kdbx, source: string) {
    dbs.set(this, db);
    this.source = source;
  }

  private get db(): kdbxweb.Kdbx {
    return rawKdbx(this);
  }

  /**
   * Decrypts a database. `source` (a path or copy id) is named in errors: a wrong
   * password or key file is a CredentialError (InvalidKey, exit 2); a truncated,
   * damaged, non-KeePass or unsupported (Twofish) file is an InputError (Corrupt,
   * exit 2) that says which part failed. KDBX 2.x files open (and save as 3.1).
   */
  static async open(bytes: Uint8Array, key: VaultKey, source: string): Promise<VaultDatabase> {
    const credentials = await toCredentials(key, source);
    let loaded: LoadedKdbx;
    try {
      loaded = await loadKdbx(bytes, credentials);
    } catch (e) {
      throw openError(e, source, bytes);
    }
    const db = new VaultDatabase(loaded.kdbx, source);
    db.readFormat = { version: loaded.version, cipher: loaded.cipher };
    db.problems = loaded.problems;
    return db;
  }

  /** What KeePassXC would refuse (or misread) in the file this was read from; none for a new database. */
  get readerProblems(): string[] {
    return this.problems();
  }

  /** A new, empty database: KDBX 4, Argon2id 64 MiB / 10 iterations / 2 lanes, AES unless told otherwise. */
  static async create(key: VaultKey, opts: CreateOptions = {}): Promise<VaultDatabase> {
    const name = opts.name ?? 'Passwords';
    const db = newKdbx(await toCredentials(key, name), name, opts);
    return new VaultDatabase(db, name);
  }

  /**
   * Encrypts with the database's own key and KDF (new salts each time, so the
   * bytes always differ). What no one changed since it was read is written
   * back as it was read (lossless/emit.ts). The bytes are then decrypted again
   * and checked (KeePassXC's reader rules, the same content): a file that fails
   * is an SsotError (WriteCheck, exit 1) and the caller writes it nowhere.
   * `check: false` leaves the check out (benchmarks only); `digest` is this
   * database's contentDigest when the caller has just computed it.
   */
  async save(opts: { check?: boolean; digest?: string } = {}): Promise<Uint8Array> {
    // A digest given by the caller that is not this content's makes the check fail: safe either way.
    const digest = opts.digest ?? this.contentDigest();
    const bytes = await saveKdbx(this.db);
    if (opts.check === false) return bytes;
    try {
      await checkSaved(bytes, this.db.credentials, digest);
    } catch (e) {
      if (!(e instanceof WriteCheckError)) throw e;
      throw new SsotError(ErrorCode.WriteCheck, `the file ssot made for ${this.source} failed its check, so it was written nowhere: ${e.message}`, {
        hint: 'every location is untouched; please report this (with the message, never the file) so it can be fixed',
        cause: e,
      });
    }
    return bytes;
  }

  /** A deep copy, without any key derivation (a merge consumes its source: clone one you want to keep). */
  clone(): VaultDatabase {
    const out = new VaultDatabase(cloneKdbx(this.db), this.source);
    out.clock = this.clock;
    return out;
  }

  /** Changes the key (password and/or key file). */
  async setKey(key: VaultKey): Promise<void> {
    this.db.credentials = await toCredentials(key, this.source);
    this.db.meta.keyChanged = this.clock();
  }

  get rootUuid(): string {
    return this.db.getDefaultGroup().uuid.id;
  }

  get name(): string {
    return this.db.meta.name ?? '';
  }

  /** Format facts for `vault verify` and tests: version, KDF and cipher. */
  get format(): { version: string; kdf: 'argon2d' | 'argon2id' | 'aes'; cipher: 'aes' | 'chacha20' | 'other' } {
    const h = this.db.header;
    let kdf: 'argon2d' | 'argon2id' | 'aes' = 'aes';
    const uuidBytes = h.kdfParameters?.get('$UUID');
    if (uuidBytes instanceof ArrayBuffer) {
      const id = Buffer.from(uuidBytes).toString('base64');
      if (id === kdbxweb.Consts.KdfId.Argon2d) kdf = 'argon2d';
      else if (id === kdbxweb.Consts.KdfId.Argon2id) kdf = 'argon2id';
    }
    const c = h.dataCipherUuid?.id;
    const cipher = c === kdbxweb.Consts.CipherId.Aes ? 'aes' : c === kdbxweb.Consts.CipherId.ChaCha20 ? 'chacha20' : 'other';
    return { version: `${h.versionMajor}.${h.versionMinor}`, kdf, cipher };
  }

  /**
   * Canonical digest of the decrypted content (entries, groups, fields including protected
   * values, attachments, history, tombstones, the settings that matter), independent of
   * salts, bytes, XML order and child order: two copies with the same content have the same digest.
   */
  contentDigest(): string {
    return this.digestNow().digest;
  }

  /** The digest and index now; the first index made is kept for changesSince. */
  private digestNow(): { digest: string; index: ItemIndex } {
    const now = digestAndIndex(this.db);
    this.firstIndex ??= now.index;
    this.lastIndex = now.index;
    return now;
  }

  /**
   * What changed since `before` (another state of this database) was opened, in
   * counts: `before` as its first contentDigest() saw it (it may have been merged
   * into another since), this one as its latest contentDigest() saw it.
   */
  changesSince(before: VaultDatabase): ChangeCounts {
    const was = before.firstIndex ?? before.digestNow().index;
    return changeCounts(was, this.lastIndex ?? this.digestNow().index);
  }

  /** Live entries and groups (root and recycle bin not counted) and tombstones. */
  summary(): { entries: number; groups: number; deleted: number } {
    return summaryOf(this.db);
  }

  /** Live entries (recycle bin excluded), with their paths. */
  entries(): EntryView[] {
    return [...this.liveEntries()].map(([e, path]) => this.view(e, path));
  }

  /** Entries by title, or by path "Group/Sub/Title" (root group name not included); recycle bin excluded. */
  findEntries(titleOrPath: string): EntryView[] {
    const byPath = titleOrPath.includes('/');
    const wanted = titleOrPath.replace(/^\/+/, '');
    const out: EntryView[] = [];
    for (const [e, path] of this.liveEntries()) {
      if (byPath ? path === wanted : title(e) === wanted) out.push(this.view(e, path));
    }
    return out;
  }

  getEntry(uuid: string): EntryView | undefined {
    for (const [e, path] of this.allEntriesWithPath()) if (e.uuid.id === uuid) return this.view(e, path);
    return undefined;
  }

  /** Password and every protected custom field of every live entry (not history, not recycle bin): the guard's input. */
  *secretValues(): Iterable<{ entryPath: string; field: string; value: string }> {
    for (const [e, path] of this.liveEntries()) {
      for (const [field, v] of e.fields) {
        const isSecret = field === 'Password' || (v instanceof kdbxweb.ProtectedValue && !STANDARD_FIELDS.has(field));
        if (!isSecret) continue;
        const value = fieldText(v);
        if (value) yield { entryPath: path, field, value };
      }
    }
  }

  /** Creates the groups of `path` ("A/B", "" for the root) that are missing; returns the last one's uuid. */
  addGroup(path: string): string {
    return this.ensureGroup(path).uuid.id;
  }

  /** Adds an entry under `groupPath` ("" for the root; missing groups are created). Password is always protected. Returns its uuid. */
  addEntry(groupPath: string, fields: EntryFields, opts: { protect?: string[] } = {}): string {
    const group = this.ensureGroup(groupPath);
    const e = this.db.createEntry(group);
    this.stampNew(e.times);
    const protect = new Set(['Password', ...(opts.protect ?? [])]);
    for (const [k, v] of Object.entries(fields)) {
      if (v === undefined) continue;
      e.fields.set(k, protect.has(k) ? kdbxweb.ProtectedValue.fromString(v) : v);
    }
    // Like KeePassXC, adding an entry does not change its group's modification time.
    return e.uuid.id;
  }

  /** Sets fields; the old state goes into history and the modification time moves on. */
  editEntry(uuid: string, fields: Record<string, string>): void {
    const e = this.entryByUuid(uuid);
    this.pushHistory(e);
    for (const [k, v] of Object.entries(fields)) {
      const old = e.fields.get(k);
      const protect = old instanceof kdbxweb.ProtectedValue || (old === undefined && k === 'Password');
      e.fields.set(k, protect ? kdbxweb.ProtectedValue.fromString(v) : v);
    }
    this.bump(e);
  }

  /** Adds (or replaces) an attachment; an edit like any other (history, modification time). */
  addAttachment(uuid: string, name: string, data: Uint8Array): void {
    const e = this.entryByUuid(uuid);
    this.pushHistory(e);
    const value = toArrayBuffer(data);
    const hash = sha256Hex(data);
    this.db.binaries.addWithHash({ hash, value });
    e.binaries.set(name, { hash, value });
    this.bump(e);
  }

  hasAttachment(entryTitleOrPath: string, name: string): boolean {
    return this.findEntries(entryTitleOrPath).some((v) => v.attachments.includes(name));
  }

  /** The bytes of an attachment, or undefined. */
  attachment(uuid: string, name: string): Uint8Array | undefined {
    const b = this.entryByUuid(uuid).binaries.get(name);
    if (!b) return undefined;
    const v = kdbxweb.KdbxBinaries.isKdbxBinaryWithHash(b) ? b.value : b;
    return v instanceof kdbxweb.ProtectedValue ? v.getBinary() : new Uint8Array(v);
  }

  /** Sets (or, with undefined, removes) a custom data item of an entry; an edit like any other. */
  setEntryCustomData(uuid: string, key: string, value: string | undefined): void {
    const e = this.entryByUuid(uuid);
    this.pushHistory(e);
    const now = this.clock();
    e.customData ??= new Map();
    if (value === undefined) e.customData.delete(key);
    else e.customData.set(key, { value, lastModified: now });
    this.bump(e);
  }

  /** Moves an entry to a group path (created if missing). */
  moveEntry(uuid: string, groupPath: string): void {
    const e = this.entryByUuid(uuid);
    const to = this.ensureGroup(groupPath);
    const from = e.parentGroup;
    if (from === to) return;
    if (from) e.previousParentGroup = from.uuid;
    this.db.move(e, to);
    e.parentGroup = to;
    e.times.locationChanged = this.clock();
  }

  /** Moves a group under another group path; refuses to move a group into itself. */
  moveGroup(uuid: string, toPath: string): void {
    const g = this.groupByUuid(uuid);
    const to = this.ensureGroup(toPath);
    for (let p: kdbxweb.KdbxGroup | undefined = to; p; p = p.parentGroup) {
      if (p === g) throw new SsotError(ErrorCode.Usage, 'cannot move a group into itself');
    }
    if (g.parentGroup) g.previousParentGroup = g.parentGroup.uuid;
    this.db.move(g, to);
    g.parentGroup = to;
    g.times.locationChanged = this.clock();
  }

  renameGroup(uuid: string, name: string, notes?: string): void {
    const g = this.groupByUuid(uuid);
    g.name = name;
    if (notes !== undefined) g.notes = notes;
    g.times.lastModTime = this.clock();
  }

  /** Moves an entry to the recycle bin, as KeePassXC's first delete does. */
  recycleEntry(uuid: string): void {
    const e = this.entryByUuid(uuid);
    let bin = this.recycleBin();
    if (!bin) {
      this.db.createRecycleBin();
      bin = must(this.recycleBin(), 'the recycle bin just created');
      this.db.meta.recycleBinChanged = this.clock();
    }
    if (e.parentGroup) e.previousParentGroup = e.parentGroup.uuid;
    this.db.move(e, bin);
    e.parentGroup = bin;
    e.times.locationChanged = this.clock();
  }

  /** Deletes an entry permanently, leaving a tombstone (as emptying KeePassXC's recycle bin does). */
  deleteEntry(uuid: string): void {
    const e = this.entryByUuid(uuid);
    const parent = e.parentGroup;
    if (parent) parent.entries.splice(parent.entries.indexOf(e), 1);
    this.db.addDeletedObject(e.uuid, this.clock());
  }

  /** Deletes a group and everything under it permanently, with tombstones. */
  deleteGroup(uuid: string): void {
    const g = this.groupByUuid(uuid);
    if (g === this.db.getDefaultGroup()) throw new SsotError(ErrorCode.Usage, 'cannot delete the root group');
    const now = this.clock();
    for (const item of g.allGroupsAndEntries()) this.db.addDeletedObject(item.uuid, now);
    const parent = g.parentGroup;
    if (parent) parent.groups.splice(parent.groups.indexOf(g), 1);
    if (this.db.meta.recycleBinUuid?.equals(g.uuid)) {
      this.db.meta.recycleBinUuid = undefined;
      this.db.meta.recycleBinChanged = now;
    }
  }

  /** Group uuid by path ("" for the root), or undefined. */
  groupUuid(path: string): string | undefined {
    return this.findGroup(path)?.uuid.id;
  }

  // ---- internals ----

  private bump(e: kdbxweb.KdbxEntry): void {
    const now = this.clock();
    e.times.lastModTime = now;
    e.times.lastAccessTime = now;
  }

  private pushHistory(e: kdbxweb.KdbxEntry): void {
    e.history.push(snapshot(e));
    const max = this.db.meta.historyMaxItems;
    if (typeof max === 'number' && max >= 0 && e.history.length > max) e.history.splice(0, e.history.length - max);
  }

  private recycleBin(): kdbxweb.KdbxGroup | undefined {
    return recycleBinOf(this.db);
  }

  private *allEntriesWithPath(): Generator<[kdbxweb.KdbxEntry, string]> {
    yield* entriesWithPath(this.db, false);
  }

  private *liveEntries(): Generator<[kdbxweb.KdbxEntry, string]> {
    yield* entriesWithPath(this.db, true);
  }

  private view(e: kdbxweb.KdbxEntry, path: string): EntryView {
    return entryView(e, path);
  }

  private entryByUuid(uuid: string): kdbxweb.KdbxEntry {
    for (const e of this.db.getDefaultGroup().allEntries()) if (e.uuid.id === uuid) return e;
    throw new SsotError(ErrorCode.NotFound, `no entry with uuid ${uuid} in ${this.source}`);
  }

  private groupByUuid(uuid: string): kdbxweb.KdbxGroup {
    const g = this.db.getGroup(uuid);
    if (!g) throw new SsotError(ErrorCode.NotFound, `no group with uuid ${uuid} in ${this.source}`);
    return g;
  }

  private findGroup(path: string): kdbxweb.KdbxGroup | undefined {
    let g = this.db.getDefaultGroup();
    for (const part of path.split('/').filter(Boolean)) {
      const next = g.groups.find((c) => c.name === part);
      if (!next) return undefined;
      g = next;
    }
    return g;
  }

  /** A new item's times, all from this database's clock (tests set it), never expiring. */
  private stampNew(times: kdbxweb.KdbxEntry['times']): void {
    const now = this.clock();
    times.creationTime = now;
    times.lastModTime = now;
    times.lastAccessTime = now;
    times.locationChanged = now;
    times.expiryTime = undefined;
  }

  private ensureGroup(path: string): kdbxweb.KdbxGroup {
    let g = this.db.getDefaultGroup();
    for (const part of path.split('/').filter(Boolean)) {
      let next = g.groups.find((c) => c.name === part);
      if (!next) {
        next = this.db.createGroup(g, part);
        this.stampNew(next.times);
      }
      g = next;
    }
    return g;
  }
}
