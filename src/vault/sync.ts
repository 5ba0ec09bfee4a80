import { promises as fs } from 'node:fs';
import path from 'node:path';
import { writeFileAtomic } from '../core/atomic.js';
import { ConfigError, ErrorCode, InputError, SsotError, isSsotError } from '../core/errors.js';
import { acquireLock } from '../core/lock.js';
import { backupDir, backupPrimary } from './backup.js';
import { lookBeside, type Beside } from './beside.js';
import type { MergeSummary, VaultDb } from './codec.js';
import { commitMessage, sumReports } from './sync-summary.js';
import { CopyConflictError, type Copy } from './copies/copy.js';
import { readVaultState, recordVaultError, writeVaultState, type LastError, type LocationState, type VaultState } from './state.js';
import { must } from '../core/must.js';
import { sha256Hex } from '../core/hash.js';
import type { SyncVaultOptions, SyncVaultResult } from './sync-types.js';

export type { SyncEvent, SyncVaultOptions, SyncVaultResult } from './sync-types.js';

/**
 * One sync of one vault (DESIGN "Vault: 3-2-1 copies with merge"):
 * read every location, find what changed since the last sync, decrypt only
 * what must be, merge entry by entry, check, save once, and write the same
 * bytes wherever the content differs, each write a compare-and-swap.
 * Nothing is written until everything that changed has decrypted and
 * checked out; a crash at any point leaves every location decryptable and
 * the next run converges (a half-written round shows up as "changed" and
 * merges to the same content).
 */
/**
 * The primary is not a Copy: the engine treats it apart on purpose. It is the
 * file the user works in (KeePassXC has it open), not a replica:
 * - it is written last, once every copy holds the result (writeEverywhere), so
 *   KeePassXC sees one change and a sync that fails on the way leaves it as it was;
 * - it is backed up before it is replaced (writePrimary): it keeps no versions of
 *   its own, and `vault restore --from backup` reads those backups;
 * - a failed read stops the sync (readAll), where a failed copy is reported and
 *   the others still sync: it is on this machine's disk, no remote being away;
 * - after `vault restore` it wins over the last synced content (`primaryWins`);
 * - conflict copies beside it leave only once it holds the result;
 * - its state has its own slot, and `primary` is its id in `--json` and `ssot status`.
 * It shares a folder copy's mechanism: its content hash is its rev, its write a
 * compare-and-swap (against a KeePassXC save meanwhile) then an atomic replace.
 * As a Copy, each point above would still be a branch on "is it the primary".
 */
export const PRIMARY = 'primary';
const MAX_ROUNDS = 4;

interface Location {
  id: string;
  label: string;
  copy?: Copy;
  bytes: Uint8Array | null;
  rev: string | null;
  missed: Uint8Array[];
  changed: boolean;
  /** Present, but this machine has no record of it: an existing file taken in (first sync, or a new copy). */
  adopted: boolean;
  db?: VaultDb;
  digest?: string;
}
/** A location whose file was read (bytes and rev come together). */
type Present = Location & { bytes: Uint8Array; rev: string };
/** A location whose file was decrypted (openAndMerge). */
type Opened = Present & { db: VaultDb; digest: string };
const isPresent = (l: Location): l is Present => l.bytes !== null && l.rev !== null;

export async function syncVault(o: SyncVaultOptions): Promise<SyncVaultResult> {
  const lock = await acquireLock(path.join(o.stateDir, 'locks', `${o.vault}.lock`), { command: 'ssot sync', waitMs: 30_000 });
  try {
    for (let round = 1; ; round++) {
      try {
        return await syncOnce(o);
      } catch (e) {
        if (!(e instanceof Retry) || round >= MAX_ROUNDS) throw e instanceof Retry ? e.cause : e;
        o.log?.({ type: 'retry', location: e.location, reason: e.message });
      }
    }
  } catch (e) {
    // A sync that stopped (a wrong password, a copy of another database) leaves its reason for `ssot status`.
    if (isSsotError(e) && !o.dryRun) await recordVaultError(o.stateDir, o.vault, e, failedAt.get(e)).catch(() => undefined);
    throw e;
  } finally {
    await lock.release();
  }
}

/** A location moved while we worked: start the round again from fresh reads. */
class Retry extends Error {
  readonly location: string;
  constructor(location: string, reason: string, cause: unknown) {
    super(reason, { cause });
    this.location = location;
  }
}

/** Which location an error that stopped the sync came from (a file that does not decrypt). */
const failedAt = new WeakMap<object, string>();
function atLocation(e: unknown, location: string): unknown {
  if (e && typeof e === 'object') failedAt.set(e, location);
  return e;
}

/** What the reads found, before anything is decrypted. */
interface Plan {
  state: VaultState;
  locations: Location[];
  errors: SyncVaultResult['errors'];
  changed: Present[];
  absent: Location[];
  unchanged: Present[];
  /** Conflict copies of file-sync tools and stale temp files beside the vault's files. */
  beside: Beside;
  /** The content digest this machine recorded for a location. */
  recorded: (l: Location) => string | undefined;
}

async function syncOnce(o: SyncVaultOptions): Promise<SyncVaultResult> {
  const plan = await readPlan(o);
  const { changed, absent, unchanged, errors } = plan;
  const heldDigests = new Set(unchanged.map(plan.recorded));
  const adopted = plan.locations.filter((l) => l.adopted && l.copy).map((l) => l.id);
  const base: SyncVaultResult = {
    vault: o.vault, outcome: 'unchanged', changed: changed.map((l) => l.id), written: [], merged: false, errors, adopted, dryRun: Boolean(o.dryRun),
    conflictCopies: plan.beside.conflictCopies.reports, staleTemps: plan.beside.staleTemps,
  };
  // Unchanged since their last sync, but not all synced to the same content: a
  // copy that was unreachable during a sync is behind, and must catch up.
  if (changed.length === 0 && absent.length === 0 && heldDigests.size <= 1 && !plan.beside.conflictCopies.hasPending) {
    if (o.verifyKey) await verifyKey(o, plan.locations);
    if (!o.dryRun) await keepErrors(o, plan.state, errors);
    return base;
  }
  const { result, report, toOpen, opened, digest } = await openAndMerge(o, plan, heldDigests);
  const problems = o.codec.check(result);
  if (problems.length > 0) {
    throw new SsotError(ErrorCode.RequireFailed, `vault ${o.vault} is missing what it requires: ${problems.join('; ')}`, {
      hint: 'nothing was written; restore the missing entries (ssot vault restore) or edit `require` in the config',
    });
  }
  // Save once; when some location already holds exactly this content, reuse its bytes (no new salts, no KDF),
  // unless KeePassXC would refuse them: then the save (checked) writes a file it reads.
  const holder = toOpen.find((l) => l.digest === digest && (l.db.readerProblems ?? []).length === 0);
  const bytes = holder ? holder.bytes : await result.save({ digest });
  // Each location is told what changed for it: a diff against what it holds now.
  const digestOf = (l: Location): string | undefined => l.digest ?? plan.recorded(l);
  const before = (l: Location): VaultDb | 'created' | undefined =>
    !l.bytes ? 'created' : (l.db ?? opened.find((x) => x.digest === digestOf(l))?.db);
  const messageFor = (l: Location): string => commitMessage(o.vault, result, before(l), report?.conflicts.length ?? 0);
  const w = await writeEverywhere(o, plan, { bytes, digest, messageFor, rootUuid: result.rootUuid, conflicts: report?.conflicts.length ?? 0 });
  return {
    ...base,
    outcome: w.written.length > 0 ? 'updated' : 'unchanged',
    written: w.written,
    merged: report !== undefined,
    ...(report ? { report } : {}),
    ...(w.backup ? { backup: w.backup } : {}),
    db: result,
  };
}

async function readPlan(o: SyncVaultOptions): Promise<Plan> {
  const state = await readVaultState(o.stateDir, o.vault);
  const errors: SyncVaultResult['errors'] = [];
  const locations = await readAll(o, state, errors);
  const beside = await lookBeside({ location: PRIMARY, file: o.primaryPath }, o, state);
  const present = locations.filter(isPresent);
  if (present.length === 0) {
    const [firstError] = errors;
    if (firstError) throw firstError.error;
    throw new InputError(ErrorCode.NotFound, `no database found for vault ${o.vault}`, { file: o.primaryPath }, `create it with \`ssot vault create ${o.vault}\``);
  }
  return {
    state,
    locations,
    errors,
    changed: present.filter((l) => l.changed),
    absent: locations.filter((l) => !l.bytes && !errors.some((e) => e.location === l.id)),
    unchanged: present.filter((l) => !l.changed),
    beside,
    recorded: (l) => (l.id === PRIMARY ? state.primary?.digest : state.copies[l.id]?.digest),
  };
}

/**
 * Decrypt what changed, plus one unchanged location per content it holds as
 * the base (a copy saved from a stale file on a machine that had not synced
 * for a while is merged into what we had, never written over it), and fold
 * them together.
 */
async function openAndMerge(
  o: SyncVaultOptions,
  plan: Plan,
  heldDigests: Set<string | undefined>,
): Promise<{ result: VaultDb; digest: string; report?: MergeSummary; toOpen: Opened[]; opened: Opened[] }> {
  const { changed, unchanged, locations, state } = plan;
  const primaryWins = o.primaryWins === true && changed.some((l) => l.id === PRIMARY);
  const representatives = primaryWins ? [] : [...heldDigests].map((d) => must(unchanged.find((l) => plan.recorded(l) === d), 'a location holding a recorded digest'));
  // Key derivations run on native threads: decrypt the locations side by side.
  const toOpen = await Promise.all(
    [...changed, ...representatives].map(async (l): Promise<Opened> => {
      let db: VaultDb;
      try {
        db = await o.codec.open(l.bytes, l.label);
      } catch (e) {
        throw atLocation(e, l.id);
      }
      return Object.assign(l, { db, digest: db.contentDigest() });
    }),
  );
  const missed: { from: string; db: VaultDb; digest: string }[] = [];
  for (const l of changed) {
    for (const [i, m] of l.missed.entries()) {
      const from = `${l.label} (raced version ${i + 1})`;
      const db = await o.codec.open(m, from).catch((e: unknown) => { throw atLocation(e, l.id); });
      missed.push({ from, db, digest: db.contentDigest() });
    }
  }
  checkSameDatabase(o, state, [...toOpen.map((l) => ({ label: l.label, db: l.db })), ...missed.map((m) => ({ label: m.from, db: m.db }))]);
  // Fold in a fixed order (primary, then copies in config order); the merge is order-independent in content anyway.
  // Digests are computed once per state: at open, and by each merge for its result.
  const opened = toOpen.sort((a, b) => locations.indexOf(a) - locations.indexOf(b));
  // Something changed or locations disagree (syncOnce), so there is a location to open.
  const first = must(opened[0], 'a location to merge into');
  for (const c of await plan.beside.conflictCopies.open(o.codec, state.rootUuid ?? first.db.rootUuid)) missed.push({ ...c, digest: c.db.contentDigest() });
  const result = first.db;
  let digest = first.digest;
  let report: MergeSummary | undefined;
  for (const next of [...opened.slice(1).map((l) => ({ db: l.db, digest: l.digest })), ...missed]) {
    if (next.digest === digest) continue;
    const r = o.codec.merge(result, next.db, digest);
    digest = r.digest ?? result.contentDigest();
    report = sumReports(report, r);
  }
  if (report) o.log?.({ type: 'merge', sources: opened.map((l) => l.label), report });
  return { result, digest, ...(report ? { report } : {}), toOpen, opened };
}

/**
 * Write the result wherever the content differs: the copies at once (a git
 * push and a Drive upload overlap), the primary last (it is what KeePassXC has
 * open, and it changes only once the copies hold the result). A location that
 * fails is reported; the others still sync. Then the state.
 */
async function writeEverywhere(
  o: SyncVaultOptions,
  plan: Plan,
  r: { bytes: Uint8Array; digest: string; messageFor: (l: Location) => string; rootUuid: string; conflicts: number },
): Promise<{ written: string[]; backup?: string }> {
  const { state, locations, errors } = plan;
  const written: string[] = [];
  let backup: string | undefined;
  const now = new Date().toISOString();
  const next: VaultState = { ...state, rootUuid: r.rootUuid, copies: { ...state.copies } };
  const record = (l: Location, rev: string): void => {
    const ls: LocationState = { rev, digest: r.digest, syncedAt: now };
    if (l.id === PRIMARY) next.primary = ls;
    else next.copies[l.id] = ls;
  };
  const writeOne = async (l: Location): Promise<void> => {
    if (errors.some((e) => e.location === l.id)) return;
    if (isPresent(l) && (l.digest ?? plan.recorded(l)) === r.digest) {
      record(l, l.rev);
      return;
    }
    o.log?.({ type: 'write', location: l.id, dryRun: Boolean(o.dryRun) });
    if (o.dryRun) {
      written.push(l.id);
      record(l, l.rev ?? '');
      return;
    }
    try {
      if (l.copy) record(l, await writeCopy(l.copy, l, r.bytes, r.messageFor(l)));
      else {
        const p = await writePrimary(o, l, r.bytes);
        backup = p.backup;
        record(l, p.rev);
      }
      written.push(l.id); // only once it is there: a failed write is an error, never also "written"
    } catch (e) {
      if (e instanceof Retry || !isSsotError(e)) throw e;
      errors.push({ location: l.id, error: e });
      o.log?.({ type: 'location-error', location: l.id, code: e.code, message: e.message });
    }
  };
  const settled = await Promise.allSettled(locations.filter((x) => x.copy).map(writeOne));
  const failed = settled.find((x): x is PromiseRejectedResult => x.status === 'rejected');
  if (failed) throw failed.reason;
  await writeOne(must(locations.find((x) => !x.copy), 'the primary location'));
  next.errors = errorMap(errors, now);
  next.lastSync = { at: now, outcome: errors.length > 0 ? 'error' : 'ok', conflicts: r.conflicts };
  await plan.beside.conflictCopies.moveAway({ ...o, dryRun: Boolean(o.dryRun), primaryHoldsResult: next.primary?.digest === r.digest && !errors.some((e) => e.location === PRIMARY) });
  if (!o.dryRun) {
    next.conflictCopies = plan.beside.conflictCopies.records(now, state.conflictCopies);
    await writeVaultState(o.stateDir, o.vault, next);
    for (const l of locations) {
      const synced = next.copies[l.id];
      if (l.copy?.synced && synced) await l.copy.synced(synced.rev);
    }
  }
  return { written, ...(backup ? { backup } : {}) };
}

function errorMap(errors: SyncVaultResult['errors'], at: string): Record<string, LastError> {
  return Object.fromEntries(errors.map((e) => [e.location, { code: e.error.code, message: e.error.message, at }]));
}

/**
 * Nothing changed, so nothing needed the key: decrypt one location anyway, so
 * that a wrong password is found now, while nothing is at stake, and not at the
 * first edit, which would then wait unsynced until someone reads the error.
 */
async function verifyKey(o: SyncVaultOptions, locations: Location[]): Promise<void> {
  // Called when nothing changed, which needs a file that was read (readPlan).
  const l = must(locations.find(isPresent), 'a location that was read');
  try {
    await o.codec.open(l.bytes, l.label);
  } catch (e) {
    throw atLocation(e, l.id);
  }
}

/** A sync with nothing to write still records what failed (a branch mismatch) and clears what no longer does. */
async function keepErrors(o: SyncVaultOptions, state: VaultState, errors: SyncVaultResult['errors']): Promise<void> {
  const before = Object.entries(state.errors ?? {}).map(([k, v]) => `${k}\n${v.code}\n${v.message}`).sort();
  const after = errors.map((e) => `${e.location}\n${e.error.code}\n${e.error.message}`).sort();
  if (before.join('\0') === after.join('\0')) return;
  const at = new Date().toISOString();
  await writeVaultState(o.stateDir, o.vault, { ...state, errors: errorMap(errors, at), ...(errors.length > 0 ? { lastSync: { at, outcome: 'error', conflicts: 0 } } : {}) });
}

async function readAll(o: SyncVaultOptions, state: VaultState, errors: SyncVaultResult['errors']): Promise<Location[]> {
  const locations: Location[] = [];
  let primary: Uint8Array | null = null;
  try {
    primary = await fs.readFile(o.primaryPath);
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code !== 'ENOENT') throw e;
  }
  const pRev = primary ? sha256Hex(primary) : null;
  locations.push({ id: PRIMARY, label: o.primaryPath, bytes: primary, rev: pRev, missed: [], changed: primary !== null && state.primary?.rev !== pRev, adopted: primary !== null && !state.primary });
  const reads = await Promise.all(
    o.copies.map(async (copy) => {
      try {
        return { copy, read: await copy.read() };
      } catch (e) {
        if (!isSsotError(e)) throw e;
        return { copy, error: e };
      }
    }),
  );
  for (const r of reads) {
    if ('error' in r && r.error) {
      errors.push({ location: r.copy.id, error: r.error });
      o.log?.({ type: 'location-error', location: r.copy.id, code: r.error.code, message: r.error.message });
      locations.push({ id: r.copy.id, label: r.copy.label, copy: r.copy, bytes: null, rev: null, missed: [], changed: false, adopted: false });
      continue;
    }
    const read = 'read' in r ? r.read : null;
    const missed = read?.missed ?? [];
    const known = state.copies[r.copy.id];
    const changed = read !== null && (known?.rev !== read.rev || missed.length > 0);
    locations.push({ id: r.copy.id, label: r.copy.label, copy: r.copy, bytes: read?.data ?? null, rev: read?.rev ?? null, missed, changed, adopted: read !== null && !known });
  }
  for (const l of locations) o.log?.({ type: 'read', location: l.id, changed: l.changed, absent: !l.bytes });
  return locations;
}

async function writeCopy(copy: Copy, l: Location, bytes: Uint8Array, message: string): Promise<string> {
  try {
    const w = await copy.write(bytes, l.bytes ? l.rev : null, { message });
    // A git push that lost a race was merged by the copy: what it stores now holds
    // an edit the other locations lack. Another round carries it everywhere.
    if (w.stored && !Buffer.from(w.stored).equals(Buffer.from(bytes))) throw new Retry(l.id, `${l.label} merged a concurrent push`, new Error('merged on push'));
    return w.rev;
  } catch (e) {
    if (e instanceof CopyConflictError) throw new Retry(l.id, `${l.label} changed while syncing`, e);
    throw e;
  }
}

async function writePrimary(o: SyncVaultOptions, l: Location, bytes: Uint8Array): Promise<{ rev: string; backup?: string }> {
  // Compare-and-swap on the primary: KeePassXC may have saved while we merged.
  let current: Uint8Array | null = null;
  try {
    current = await fs.readFile(o.primaryPath);
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code !== 'ENOENT') throw e;
  }
  if ((current ? sha256Hex(current) : null) !== l.rev) {
    throw new Retry(PRIMARY, `${o.primaryPath} changed while syncing`, new Error('primary changed'));
  }
  const backup = current ? path.join(backupDir(o.stateDir, o.vault), await backupPrimary(o.stateDir, o.vault, current, o.backupsKeep ?? 20)) : undefined;
  await writeFileAtomic(o.primaryPath, bytes, current ? {} : { mode: 0o600 });
  return { rev: sha256Hex(bytes), ...(backup ? { backup } : {}) };
}

function checkSameDatabase(o: SyncVaultOptions, state: VaultState, dbs: { label: string; db: VaultDb }[]): void {
  const expected = state.rootUuid ?? must(dbs[0], 'a database to compare').db.rootUuid;
  for (const { label, db } of dbs) {
    if (db.rootUuid !== expected) {
      throw new ConfigError(ErrorCode.NotSameDatabase, `${label} is not a copy of vault ${o.vault}: its root group differs`, {
        hint: 'nothing was written. If that file is a different database, point the copy elsewhere; if the copy is stale junk, move it aside and run sync again to recreate it',
      });
    }
  }
}
