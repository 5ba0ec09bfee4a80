import type { CredentialContext } from '../config/credentials.js';
import type { LoadedConfig } from '../config/load.js';
import { ErrorCode, ExitCode, isSsotError, worstExit, type SsotError } from '../core/errors.js';
import { PRIMARY, type SyncVaultResult, type VaultDb, type VaultRuntime } from '../vault/index.js';
import type { Action, PartOptions, PartResult } from './types.js';

/**
 * `ssot sync --only vault`: every vault in turn; one vault failing does not
 * stop the next. Afterwards the guard's index of vault values is rebuilt
 * from the databases the sync decrypted.
 */
export async function runVaultPart(
  config: LoadedConfig,
  creds: CredentialContext,
  opts: PartOptions & { vaults?: string[]; onSynced?: (dbs: Map<string, VaultDb>) => Promise<void> },
): Promise<PartResult> {
  const { prepareVault, syncVault, vaultFiles } = await import('../vault/index.js');
  const { keyCheckNeeded, keyVerified } = await import('./key-check.js');
  const actions: Action[] = [];
  const warnings: string[] = [];
  let exitCode: ExitCode = ExitCode.OK;
  const dbs = new Map<string, VaultDb>();
  for (const v of config.vaults.filter((x) => !opts.vaults || opts.vaults.includes(x.name))) {
    opts.progress?.(`vault ${v.name}: reading ${v.copies.length + 1} locations`);
    try {
      const rt = await prepareVault(v, { config, creds });
      const r = await syncVault({
        vault: v.name,
        primaryPath: rt.primaryPath,
        copies: rt.copies,
        codec: rt.codec,
        stateDir: rt.stateDir,
        dryRun: opts.dryRun,
        backupsKeep: v.backups?.keep ?? 20,
        otherVaultFiles: config.vaults.filter((x) => x.name !== v.name).flatMap(vaultFiles),
        verifyKey: keyCheckNeeded(v.name, rt.key),
      });
      keyVerified(v.name, rt.key);
      if (r.db && r.outcome === 'updated') dbs.set(v.name, r.db);
      const beside = besideActions(v.name, r, opts.dryRun, warnings);
      actions.push(...describeSync(v.name, rt, r, opts.dryRun, beside));
      for (const c of r.report?.conflicts ?? []) {
        warnings.push(`vault ${v.name}: entry ${c.uuid} was edited on two sides in the same second; the ${c.kept} version was kept, the other is in its history`);
      }
      exitCode = worstExit(exitCode, ...r.errors.map((e) => e.error.exitCode));
    } catch (e) {
      if (!isSsotError(e)) throw e;
      actions.push({ part: 'vault', target: v.name, action: 'error', error: e });
      exitCode = worstExit(exitCode, e.exitCode);
      // Failed before the sync could say where (a missing credential): `ssot status` still shows it.
      if (!opts.dryRun) await recordSetupError(v.name, creds, e);
    }
  }
  if (dbs.size > 0 && !opts.dryRun && opts.onSynced) await opts.onSynced(dbs);
  return { part: 'vault', actions, exitCode, warnings };
}

/** What the sync did beside the vault's files: conflict copies merged (actions) or left alone (warnings), stale temp files removed. */
function besideActions(vault: string, r: SyncVaultResult, dryRun: boolean, warnings: string[]): Action[] {
  const out: Action[] = [];
  for (const c of r.conflictCopies ?? []) {
    if (c.outcome === 'left alone') {
      warnings.push(`vault ${vault}: ${c.file} looks like a ${c.tool} conflict copy, but ${c.reason ?? 'it cannot be merged'}; left alone (move or rename it)`);
      continue;
    }
    const where = c.movedTo ? `moved to ${c.movedTo}` : dryRun ? 'would be moved into the backups' : `left in place: ${c.reason ?? 'not moved'}`;
    out.push({ part: 'vault', target: `${vault}: ${c.file}`, action: dryRun ? 'would merge' : 'merged', detail: `${c.tool} conflict copy; ${where}` });
  }
  for (const t of r.staleTemps ?? []) {
    out.push({ part: 'vault', target: `${vault}: ${t}`, action: dryRun ? 'would remove' : 'removed', detail: 'temp file of an interrupted ssot write' });
  }
  return out;
}

/**
 * One row per location that was written, adopted or failed. Adopting an
 * existing setup says what was taken in; a primary replaced by a merge says
 * where the previous one was backed up. Conflict copies merged and temp
 * files removed beside the vault's files count as changes too.
 */
function describeSync(vault: string, rt: VaultRuntime, r: SyncVaultResult, dryRun: boolean, beside: Action[]): Action[] {
  const labels = new Map<string, string>([[PRIMARY, rt.primaryPath], ...rt.copies.map((c) => [c.id, c.label] as [string, string])]);
  const target = (id: string): string => `${vault}: ${labels.get(id) ?? id}`;
  const actions: Action[] = [];
  for (const id of r.adopted) {
    const kind = rt.copies.find((c) => c.id === id)?.kind;
    const what = kind === 'git' ? 'the existing file and its git history' : kind === 'gdrive' ? 'the existing Drive file (same id, its revisions kept)' : 'the existing file';
    const then = r.written.includes(id) ? `; ${dryRun ? 'would be' : 'was'} updated with the merge` : '; it already held the same content';
    actions.push({ part: 'vault', target: target(id), action: dryRun ? 'would adopt' : 'adopted', detail: `${what}, merged in${then}` });
  }
  for (const id of r.written.filter((x) => !r.adopted.includes(x))) {
    let detail = r.merged ? 'merged' : 'updated';
    if (id === PRIMARY && r.merged) detail = 'replaced by the merge';
    if (id === PRIMARY && r.backup) detail += `; the previous version is backed up at ${r.backup}`;
    actions.push({ part: 'vault', target: target(id), action: dryRun ? 'would write' : 'written', detail });
  }
  actions.push(...beside);
  if (r.written.length === 0 && r.adopted.length === 0 && r.errors.length === 0 && beside.length === 0) actions.push({ part: 'vault', target: vault, action: 'unchanged' });
  for (const e of r.errors) actions.push({ part: 'vault', target: target(e.location), action: 'error', error: e.error });
  return actions;
}

/**
 * Under the vault's lock, as every state write is: another process (the
 * watcher) may be writing the state. A lock that is taken is no reason worth
 * recording (its holder is syncing), and if it stays taken the record is skipped.
 */
async function recordSetupError(vault: string, creds: CredentialContext, e: SsotError): Promise<void> {
  if (e.code === ErrorCode.Locked) return;
  const path = await import('node:path');
  const { recordVaultError } = await import('../vault/index.js');
  const { stateDir } = await import('../core/paths.js');
  const { acquireLock } = await import('../core/lock.js');
  const dir = stateDir(creds.env);
  const lock = await acquireLock(path.join(dir, 'locks', `${vault}.lock`), { command: 'ssot sync', waitMs: 2000 }).catch(() => undefined);
  if (!lock) return;
  try {
    await recordVaultError(dir, vault, e).catch(() => undefined);
  } finally {
    await lock.release();
  }
}
