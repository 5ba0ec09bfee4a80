import { promises as fs } from 'node:fs';
import path from 'node:path';
import { ExitCode } from '../../core/errors.js';
import { stateDir } from '../../core/paths.js';
import type { ConflictCopyRecord } from '../../vault/index.js';
import type { LoadedConfig } from '../../config/load.js';
import type { CommandContext } from '../context.js';

/**
 * `ssot status [--json]`: what this machine knows, without a password and
 * without the network: every vault location from the sync state (agreement,
 * last sync, age, last error), the docs mapping, the notes' pending items and
 * the watcher's targets. `ssot doctor` is the one that reaches out.
 */
export async function run(ctx: CommandContext): Promise<number> {
  const config = await ctx.config();
  if (config.vaults.length > 0) await vaultSection(ctx, config);

  if (config.confluence) await docsSection(ctx, config);

  if (config.jira) {
    const { listNotes, loadMapping } = await import('../../tickets/index.js');
    const notesDir = config.tickets?.notes ?? path.join(config.dir, 'docs', 'session_notes');
    const pending: string[] = [];
    for (const f of await listNotes(notesDir)) {
      const text = await fs.readFile(f, 'utf8');
      text.split('\n').forEach((line, i) => {
        if (/<!--\s*ssot:pending\b/.test(line)) pending.push(`${path.relative(config.dir, f)}:${i + 1}`);
      });
    }
    const mappingFile = config.tickets?.mapping ?? path.join(config.dir, 'mapping', 'jira.json');
    const tied = Object.keys((await loadMapping(mappingFile)).items).length;
    ctx.out.info(`\ntickets: ${tied} note items tied to Jira keys, ${pending.length} create(s) pending (interrupted; the next sync finishes them)`);
    for (const p of pending) ctx.out.info(`  pending: ${p}`);
    ctx.out.emit({ type: 'tickets', tied, pending });
  }

  await watcherSection(ctx, config);
  return ExitCode.OK;
}

/**
 * One row per location the config has now (the state may remember copies
 * that were removed since): its content against the primary's, as of the
 * last sync; a primary or folder copy saved since then (KeePassXC) shows as
 * changed, without a password (a hash of the file); and the last error, from
 * a failed sync too (a wrong password, a branch mismatch).
 */
async function vaultSection(ctx: CommandContext, config: LoadedConfig): Promise<void> {
  const dir = stateDir(ctx.env);
  const { copyIdentity, readVaultState, VAULT_WIDE } = await import('../../vault/index.js');
  const { formatAge } = await import('../../watch/status-file.js');
  const now = Date.now();
  const age = (iso: string | undefined): string => (iso ? `${formatAge(now - Date.parse(iso))} ago` : 'never');
  const rows = [['VAULT', 'LOCATION', 'CONTENT', 'LAST SYNC', 'LAST ERROR']];
  for (const v of config.vaults) {
    const s = await readVaultState(dir, v.name);
    const ref = s.primary?.digest;
    const locs = [
      { id: 'primary', name: `primary ${v.path}`, file: v.path as string | undefined, ls: s.primary },
      ...v.copies.map((c) => {
        const { id, kind } = copyIdentity(c, v.path);
        return { id, name: id, file: kind === 'folder' ? id.slice('folder:'.length) : undefined, ls: s.copies[id] };
      }),
    ];
    for (const l of locs) {
      const err = s.errors?.[l.id] ?? l.ls?.lastError;
      const saved = l.ls && l.file ? await changedOnDisk(l.file, l.ls.rev) : false;
      const content = !l.ls ? 'never synced' : saved ? 'CHANGED, not synced yet' : l.ls.digest === ref ? 'same' : 'DIFFERS';
      rows.push([v.name, l.name, content, age(l.ls?.syncedAt), err ? `${err.code}: ${err.message}` : '']);
      ctx.out.emit({ type: 'vault-location', vault: v.name, location: l.id, agrees: l.ls !== undefined && !saved && l.ls.digest === ref, changedSinceSync: saved, lastSync: l.ls?.syncedAt ?? null, lastError: err ?? null });
    }
    const wide = s.errors?.[VAULT_WIDE];
    if (wide) {
      rows.push([v.name, '(the vault)', '', age(s.lastSync?.at), `${wide.code}: ${wide.message}`]);
      ctx.out.emit({ type: 'vault-error', vault: v.name, lastError: wide });
    }
  }
  ctx.out.table(rows);
  for (const v of config.vaults) await showConflictCopies(ctx, v.name, (await readVaultState(dir, v.name)).conflictCopies ?? [], age);
}

/** A file whose bytes are not the ones last synced (a hash; no password needed). */
async function changedOnDisk(file: string, rev: string): Promise<boolean> {
  const { sha256File } = await import('../../core/hash.js');
  try {
    return (await sha256File(file)) !== rev;
  } catch {
    return true; // gone since the sync
  }
}

/** The watcher, and only the targets of this config (its status file may be from another config, or an older one). */
async function watcherSection(ctx: CommandContext, config: LoadedConfig): Promise<void> {
  const { readWatchStatus, describeTargets, defaultStatusFile } = await import('../../watch/status-file.js');
  const w = await readWatchStatus(defaultStatusFile(ctx.env));
  if (!w) {
    ctx.out.info('\nwatcher: has not run on this machine (`ssot watch`, or `ssot service install`)');
    return;
  }
  const state = w.running ? `running (pid ${w.pid})` : 'not running';
  if (w.configFile && w.configFile !== config.file) {
    ctx.out.info(`\nwatcher: ${state}, for another config (${w.configFile}); its targets are not this config's`);
    ctx.out.emit({ type: 'watcher', running: w.running, pid: w.pid, configFile: w.configFile, targets: [] });
    return;
  }
  const wanted = new Set<string>(['config', ...config.vaults.map((v) => `vault:${v.name}`), ...(config.confluence ? ['docs'] : []), ...(config.jira ? ['tickets'] : [])]);
  const view = { ...w, targets: w.targets.filter((t) => wanted.has(t.id)) };
  ctx.out.info(`\nwatcher: ${state}`);
  ctx.out.table(describeTargets(view));
  ctx.out.emit({ type: 'watcher', running: w.running, pid: w.pid, targets: view.targets });
}

/** File-sync tools' conflict copies the last syncs met: merged (and where they went), or left alone (and why). */
async function showConflictCopies(ctx: CommandContext, vault: string, records: ConflictCopyRecord[], age: (iso: string) => string): Promise<void> {
  for (const r of records) {
    // One left alone that has since been moved away by hand is no longer news (the state keeps it until the next merge).
    if (r.outcome === 'left alone' && !(await fs.access(r.file).then(() => true, () => false))) continue;
    const what = r.outcome === 'merged' ? `merged ${age(r.at)}${r.movedTo ? `, moved to ${r.movedTo}` : ''}` : `LEFT ALONE: ${r.reason ?? 'it cannot be merged'}`;
    ctx.out.info(`vault ${vault}: ${r.tool} conflict copy ${r.file}: ${what}`);
    ctx.out.emit({ type: 'vault-conflict-copy', vault, file: r.file, tool: r.tool, outcome: r.outcome, at: r.at, ...(r.reason ? { reason: r.reason } : {}), ...(r.movedTo ? { movedTo: r.movedTo } : {}) });
  }
}

/** The docs: mapping, unmapped docs, conflict copies waiting for a person, pages of removed docs. */
async function docsSection(ctx: CommandContext, config: LoadedConfig): Promise<void> {
  const { docsStatus, orphanLabel } = await import('../../docs/index.js');
  const d = await docsStatus(config);
  ctx.out.info(`\ndocs: ${d.mapped} mapped, ${d.published} published, ${d.unmapped.length} unmapped, ${d.conflicts.length} conflict(s) saved for review, ${d.orphans.length} orphan page(s)`);
  for (const c of d.conflicts) ctx.out.info(`  conflict: ${c} (merge it into the doc, or \`ssot docs pull\`)`);
  for (const o of d.orphans) ctx.out.info(`  orphan: ${orphanLabel(d.root, o, ctx.cwd)} (\`ssot docs prune\` archives it)`);
  ctx.out.emit({ type: 'docs', mapped: d.mapped, published: d.published, unmapped: d.unmapped, conflicts: d.conflicts, orphans: d.orphans, pages: d.pages });
}
