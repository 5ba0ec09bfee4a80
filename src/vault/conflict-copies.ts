import { promises as fs } from 'node:fs';
import path from 'node:path';
import { writeFileAtomic } from '../core/atomic.js';
import { isSsotError } from '../core/errors.js';
import { sha256Hex } from '../core/hash.js';
import { backupDir } from './backup.js';
import type { VaultCodec, VaultDb } from './codec.js';
import { conflictCopyTool } from './conflict-names.js';
import type { ConflictCopyRecord, VaultState } from './state.js';

/**
 * Conflict copies that file-sync tools (Syncthing, Dropbox, Nextcloud,
 * OneDrive, Drive for desktop) leave beside the primary or a folder copy when
 * two machines saved at once. One that opens with the vault's key and holds
 * the same database (same root group) is merged into the sync like any other
 * version, then moved into the state folder's backups (never deleted); any
 * other is left where it is and reported. docs/conflict-copies.md.
 */

/** One file the sync met, as reported in the result, the summary and `--json`. */
export interface ConflictCopyReport {
  /** The location beside whose file it lies: `primary` or a copy id. */
  location: string;
  file: string;
  tool: string;
  outcome: 'merged' | 'left alone';
  reason?: string;
  /** Where a merged one now is; absent under --dry-run or while the primary lacks its content. */
  movedTo?: string;
}

/** Where to look: each location held as a file on a local or mounted filesystem. */
export interface ConflictPlace {
  location: string;
  file: string;
}

interface Found {
  location: string;
  file: string;
  tool: string;
  bytes: Uint8Array;
  rev: string;
}

const KEEP_MERGED_RECORDS = 10;

export class ConflictCopies {
  readonly reports: ConflictCopyReport[] = [];
  private readonly accepted: Found[] = [];
  private readonly pending: Found[] = [];

  private constructor() {}

  /**
   * The conflict copies beside each place. `skip` holds files that are never
   * taken for one (the vault's own locations, the other vaults' files). One
   * left alone before with the same bytes is reported again without a decryption.
   */
  static async find(places: readonly ConflictPlace[], skip: ReadonlySet<string>, state: VaultState): Promise<ConflictCopies> {
    const found: Found[] = [];
    const seen = new Set<string>();
    for (const place of places) {
      const dir = path.dirname(place.file);
      let names: string[];
      try {
        names = await fs.readdir(dir);
      } catch {
        continue; // an unmounted folder: the copy's own read reports it
      }
      for (const name of names.sort()) {
        const tool = conflictCopyTool(path.basename(place.file), name);
        const file = path.join(dir, name);
        if (!tool || skip.has(file) || seen.has(file)) continue;
        seen.add(file);
        const bytes = await readRegularFile(file);
        if (bytes) found.push({ location: place.location, file, tool, bytes, rev: sha256Hex(bytes) });
      }
    }
    const known = new Map((state.conflictCopies ?? []).filter((r) => r.outcome === 'left alone').map((r) => [`${r.file}\n${r.rev}`, r]));
    const out = new ConflictCopies();
    for (const f of found) {
      const k = known.get(`${f.file}\n${f.rev}`);
      if (k) out.reports.push({ location: f.location, file: f.file, tool: f.tool, outcome: 'left alone', ...(k.reason ? { reason: k.reason } : {}) });
      else out.pending.push(f);
    }
    return out;
  }

  /** Some were found that were not looked into before: the sync has something to merge or report. */
  get hasPending(): boolean {
    return this.pending.length > 0;
  }

  /**
   * Decrypts the new ones (side by side: the key derivations run on native
   * threads) and returns those of this database for the merge; the others are
   * reported as left alone.
   */
  async open(codec: VaultCodec, rootUuid: string): Promise<{ from: string; db: VaultDb }[]> {
    const opened = await Promise.all(
      this.pending.map(async (f) => {
        try {
          return { f, db: await codec.open(f.bytes, f.file) };
        } catch (e) {
          return { f, reason: `it does not open with the vault's password and key file (${isSsotError(e) ? e.message : (e as Error).message})` };
        }
      }),
    );
    const out: { from: string; db: VaultDb }[] = [];
    for (const o of opened) {
      const reason = o.db && o.db.rootUuid !== rootUuid ? 'it is another database (its root group differs)' : o.reason;
      if (reason !== undefined || !o.db) {
        this.reports.push({ location: o.f.location, file: o.f.file, tool: o.f.tool, outcome: 'left alone', reason: reason ?? 'it cannot be read' });
        continue;
      }
      this.accepted.push(o.f);
      out.push({ from: `${o.f.file} (${o.f.tool} conflict copy)`, db: o.db });
    }
    return out;
  }

  /**
   * After the sync: each merged one goes into `<state>/backups/<vault>/conflict-copies/`
   * (0600), and leaves its folder only when the primary holds its content and the
   * file still has the bytes that were merged. Nothing moves under --dry-run.
   */
  async moveAway(o: { stateDir: string; vault: string; dryRun: boolean; primaryHoldsResult: boolean }): Promise<void> {
    const dest = path.join(backupDir(o.stateDir, o.vault), 'conflict-copies');
    const stamp = new Date().toISOString().replace(/[:.]/g, '-');
    for (const f of this.accepted) {
      const report: ConflictCopyReport = { location: f.location, file: f.file, tool: f.tool, outcome: 'merged' };
      this.reports.push(report);
      if (o.dryRun) continue;
      if (!o.primaryHoldsResult) {
        report.reason = 'the primary was not written; the next sync merges it again';
        continue;
      }
      const to = path.join(dest, `${stamp}-${path.basename(f.file)}`);
      try {
        await fs.mkdir(dest, { recursive: true, mode: 0o700 });
        await writeFileAtomic(to, f.bytes, { mode: 0o600 });
        const now = await readRegularFile(f.file);
        // Rewritten since we read it (the tool synced another version in): it stays, and the next sync merges it.
        if (now && sha256Hex(now) !== f.rev) {
          report.reason = 'it changed while syncing; the next sync merges the new version';
          continue;
        }
        await fs.rm(f.file, { force: true });
        report.movedTo = to;
      } catch (e) {
        // Its content is merged; only the tidying failed. The next sync tries again.
        report.reason = `it could not be moved into ${dest}: ${(e as Error).message}`;
      }
    }
  }

  /** What the state keeps: the ones left alone now, and the last merged ones. */
  records(now: string, previous: readonly ConflictCopyRecord[] = []): ConflictCopyRecord[] {
    const revOf = new Map([...this.pending, ...this.accepted].map((f) => [f.file, f.rev]));
    const known = new Map(previous.map((r) => [r.file, r.rev]));
    const current = this.reports.map((r) => ({
      file: r.file,
      tool: r.tool,
      rev: revOf.get(r.file) ?? known.get(r.file) ?? '',
      at: now,
      outcome: r.outcome,
      ...(r.reason ? { reason: r.reason } : {}),
      ...(r.movedTo ? { movedTo: r.movedTo } : {}),
    }));
    const merged = [...current.filter((r) => r.outcome === 'merged'), ...previous.filter((r) => r.outcome === 'merged')].slice(0, KEEP_MERGED_RECORDS);
    return [...current.filter((r) => r.outcome === 'left alone'), ...merged];
  }
}

async function readRegularFile(file: string): Promise<Uint8Array | null> {
  try {
    const st = await fs.lstat(file);
    return st.isFile() ? new Uint8Array(await fs.readFile(file)) : null;
  } catch {
    return null;
  }
}
