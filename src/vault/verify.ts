import { promises as fs } from 'node:fs';
import { ErrorCode, isSsotError, SsotError } from '../core/errors.js';
import { requireProblems } from './kdbx-codec.js';
import { refusedError, type Keepassxc } from './keepassxc.js';
import type { VaultRuntime } from './setup.js';
import { PRIMARY } from './sync.js';

/** One location as `vault verify` found it. */
export interface VerifiedLocation {
  location: string;
  label: string;
  status: 'ok' | 'differs' | 'missing' | 'error' | 'other-database';
  entries?: number;
  digest?: string;
  error?: SsotError;
  /** With --keepassxc: whether keepassxc-cli opened it. */
  keepassxc?: 'ok' | 'refused';
}

export interface VerifyReport {
  vault: string;
  locations: VerifiedLocation[];
  agree: boolean;
  missingRequired: string[];
}

function keepassxcWouldRefuse(label: string, problems: readonly string[]): SsotError {
  return new SsotError(ErrorCode.Corrupt, `KeePassXC would not open ${label} as it is: ${problems.join('; ')}`, {
    place: { file: label },
    hint: 'restore a version KeePassXC opens (`ssot vault restore NAME --from ...`); the next sync then writes it everywhere',
  });
}

/**
 * Decrypt every copy, check that KeePassXC's reader would take it as it is,
 * and compare content (not bytes: every save draws new salts), then check
 * `require` on the primary. Reads only; writes nothing.
 */
export async function verifyVault(rt: VaultRuntime, opts: { keepassxc?: Keepassxc } = {}): Promise<VerifyReport> {
  const locations: VerifiedLocation[] = [];
  let reference: { digest: string; root: string } | undefined;
  let missingRequired: string[] = [];
  const sources: { id: string; label: string; read: () => Promise<Uint8Array | null> }[] = [
    { id: PRIMARY, label: rt.primaryPath, read: async () => fs.readFile(rt.primaryPath).catch(() => null) },
    // peek(), where a copy has one: its read() may write (git commits an edit, merges).
    ...rt.copies.map((c) => ({ id: c.id, label: c.label, read: async () => (await (c.peek ? c.peek() : c.read()))?.data ?? null })),
  ];
  for (const s of sources) {
    let checked: Pick<VerifiedLocation, 'keepassxc'> = {};
    try {
      const bytes = await s.read();
      if (!bytes) {
        locations.push({ location: s.id, label: s.label, status: 'missing' });
        continue;
      }
      // KeePassXC is asked first, so its answer is known even for a location ssot cannot read.
      const refused = opts.keepassxc ? await keepassxcRefusal(opts.keepassxc, bytes, s) : undefined;
      if (opts.keepassxc) checked = { keepassxc: refused ? 'refused' : 'ok' };
      const db = await rt.codec.open(bytes, s.label);
      const problems = db.readerProblems;
      if (problems.length > 0) throw keepassxcWouldRefuse(s.label, problems);
      const digest = db.contentDigest();
      if (s.id === PRIMARY) missingRequired = requireProblems(db, rt.vault.require);
      reference ??= { digest, root: db.rootUuid };
      const status = db.rootUuid !== reference.root ? 'other-database' : digest === reference.digest ? 'ok' : 'differs';
      const found = { location: s.id, label: s.label, entries: db.summary().entries, digest: digest.slice(0, 12), ...checked };
      locations.push(refused ? { ...found, status: 'error', error: refused } : { ...found, status });
    } catch (e) {
      if (!isSsotError(e)) throw e;
      locations.push({ location: s.id, label: s.label, status: 'error', error: e, ...checked });
    }
  }
  return { vault: rt.vault.name, locations, agree: locations.every((l) => l.status === 'ok'), missingRequired };
}

async function keepassxcRefusal(k: Keepassxc, bytes: Uint8Array, s: { label: string }): Promise<SsotError | undefined> {
  const reason = await k.refuses(bytes, s.label);
  return reason === undefined ? undefined : refusedError(s.label, k.version, reason);
}
