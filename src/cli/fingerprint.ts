import { promises as fs } from 'node:fs';
import type { LoadedConfig } from '../config/load.js';
import { stateDir } from '../core/paths.js';
import type { VaultDatabase, VaultDb } from '../vault/index.js';
import type { CommandContext } from './context.js';
import { credentialContext } from './credentials.js';

/**
 * The glue between the vault and the guard: the values of every configured
 * vault go into the guard's keyed-hash index. The guard never sees a
 * database; the vault never sees the index.
 */
export async function rebuildFingerprints(
  ctx: CommandContext,
  config: LoadedConfig,
  opened: Map<string, VaultDb> = new Map(),
): Promise<{ indexed: number; skipped: number }> {
  const { openPrimary } = await import('../vault/index.js');
  const { buildFingerprintIndex } = await import('../guard/index.js');
  const creds = credentialContext(ctx, config);
  const values: { vault: string; entryPath: string; field: string; value: string }[] = [];
  for (const v of config.vaults) {
    const db = (opened.get(v.name) as VaultDatabase | undefined) ?? (await openPrimary(v, creds));
    for (const s of db.secretValues()) values.push({ vault: v.name, ...s });
  }
  const r = await buildFingerprintIndex(values, {
    stateDir: stateDir(ctx.env),
    sources: await Promise.all(
      config.vaults.map(async (v) => {
        const st = await fs.stat(v.path);
        return { vault: v.name, path: v.path, mtimeMs: st.mtimeMs, size: st.size };
      }),
    ),
  });
  return { indexed: r.indexed, skipped: r.skipped };
}

/** After a vault sync: rebuild from what the sync decrypted; a vault that cannot be opened keeps the old index. */
export async function fingerprintFromDatabases(ctx: CommandContext, config: LoadedConfig, dbs: Map<string, VaultDb>): Promise<void> {
  try {
    const r = await rebuildFingerprints(ctx, config, dbs);
    ctx.out.verbose(`guard index: ${r.indexed} values indexed, ${r.skipped} skipped`);
  } catch (e) {
    ctx.out.warn(`the guard's index of vault values was not rebuilt (${e instanceof Error ? e.message : String(e)}); run \`ssot vault fingerprint\``);
  }
}
