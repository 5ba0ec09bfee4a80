import type { CredentialContext } from '../config/credentials.js';
import type { LoadedConfig } from '../config/load.js';
import { ExitCode, isSsotError } from '../core/errors.js';
import type { VaultDb } from '../vault/codec.js';
import type { SyncVaultResult } from '../vault/sync.js';
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
  const { prepareVault } = await import('../vault/setup.js');
  const { syncVault } = await import('../vault/sync.js');
  const { vaultFiles } = await import('../vault/conflict-names.js');
  const actions: Action[] = [];
  const warnings: string[] = [];
  let exitCode: ExitCode = ExitCode.OK;
  const dbs = new Map<string, VaultDb>();
  for (const v of config.vaults.filter((x) => !opts.vaults || opts.vaults.includes(x.name))) {
    opts.progress?.(`vault ${v.name}: reading ${v.copies.length + 1} locations`);
    try {
      const rt = await prepareVault(v, { config, creds });
      const labels = new Map<string, string>([['primary', rt.primaryPath], ...rt.copies.map((c) => [c.id, c.label] as [string, string])]);
      const r = await syncVault({
        vault: v.name,
        primaryPath: rt.primaryPath,
        copies: rt.copies,
        codec: rt.codec,
        stateDir: rt.stateDir,
        dryRun: opts.dryRun,
        backupsKeep: v.backups?.keep ?? 20,
        otherVaultFiles: config.vaults.filter((x) => x.name !== v.name).flatMap(vaultFiles),
      });
      if (r.db && r.outcome === 'updated') dbs.set(v.name, r.db);
      for (const id of r.written) {
        actions.push({ part: 'vault', target: `${v.name}: ${labels.get(id) ?? id}`, action: opts.dryRun ? 'would write' : 'written', detail: r.merged ? 'merged' : 'updated' });
      }
      const tidied = besideActions(v.name, r, Boolean(opts.dryRun), warnings);
      actions.push(...tidied);
      if (r.written.length === 0 && r.errors.length === 0 && tidied.length === 0) actions.push({ part: 'vault', target: v.name, action: 'unchanged' });
      for (const c of r.report?.conflicts ?? []) {
        warnings.push(`vault ${v.name}: entry ${c.uuid} was edited on two sides in the same second; the ${c.kept} version was kept, the other is in its history`);
      }
      for (const e of r.errors) {
        actions.push({ part: 'vault', target: `${v.name}: ${labels.get(e.location) ?? e.location}`, action: 'error', error: e.error });
        exitCode = worse(exitCode, e.error.exitCode);
      }
    } catch (e) {
      if (!isSsotError(e)) throw e;
      actions.push({ part: 'vault', target: v.name, action: 'error', error: e });
      exitCode = worse(exitCode, e.exitCode);
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


export function worse(a: ExitCode, b: ExitCode): ExitCode {
  return b > a ? b : a;
}
