import { promises as fs } from 'node:fs';
import path from 'node:path';
import { ExitCode, UsageError, worstExit } from '../../core/errors.js';
import type { LoadedConfig } from '../../config/load.js';
import type { RestoreSource } from '../../vault/index.js';
import type { CommandContext } from '../context.js';
import { credentialContext } from '../credentials.js';
import { describe } from '../output.js';
import { confirm } from '../prompt.js';

async function runtimeFor(ctx: CommandContext, config: LoadedConfig, name: string) {
  const { findVault, prepareVault } = await import('../../vault/index.js');
  return prepareVault(findVault(config, name), { config, creds: credentialContext(ctx, config) });
}

export interface VerifyOptions {
  /** One vault; none: every vault. */
  name?: string;
  /** Also ask keepassxc-cli to open every location. */
  keepassxc: boolean;
}

/** `ssot vault verify [NAME] [--keepassxc]` */
export async function verify(ctx: CommandContext, opts: VerifyOptions): Promise<number> {
  const config = await ctx.config();
  const names = opts.name ? [opts.name] : config.vaults.map((v) => v.name);
  if (names.length === 0) throw new UsageError('no vaults in the config');
  const { findKeepassxc, verifyVault } = await import('../../vault/index.js');
  // Before any vault is read: without keepassxc-cli, --keepassxc cannot be honoured at all.
  if (opts.keepassxc) await findKeepassxc({});
  let code: ExitCode = ExitCode.OK;
  for (const name of names) {
    const rt = await runtimeFor(ctx, config, name);
    const keepassxc = opts.keepassxc ? await findKeepassxc({ password: rt.key.password, keyFilePath: rt.vault.keyFile }) : undefined;
    const report = await verifyVault(rt, keepassxc ? { keepassxc } : {});
    const rows = [['LOCATION', 'STATUS', 'ENTRIES', 'CONTENT', ...(keepassxc ? ['KEEPASSXC'] : [])]];
    for (const l of report.locations) {
      rows.push([l.label, l.error ? `error: ${describe(l.error)}` : l.status, l.entries?.toString() ?? '-', l.digest ?? '-', ...(keepassxc ? [l.keepassxc ?? '-'] : [])]);
      ctx.out.emit({ type: 'verify', vault: name, location: l.location, status: l.status, entries: l.entries, ...(l.keepassxc ? { keepassxc: l.keepassxc } : {}), ...(l.error ? { error: l.error.toJSON() } : {}) });
      if (l.error) code = worstExit(code, l.error.exitCode);
    }
    ctx.out.info(`vault ${name}:`);
    ctx.out.table(rows);
    for (const m of report.missingRequired) ctx.out.warn(`vault ${name}: ${m}`);
    ctx.out.emit({ type: 'verify-summary', vault: name, agree: report.agree, missingRequired: report.missingRequired });
    if (!report.agree || report.missingRequired.length > 0) code = worstExit(code, ExitCode.FAILURE);
    ctx.out.info(report.agree ? `  all ${report.locations.length} locations hold the same content` : '  the locations differ: run `ssot sync --only vault`');
  }
  return code;
}

export interface RestoreOptions {
  name: string;
  from: RestoreSource;
  /** A version id or a date; none: the newest. */
  at?: string;
  yes: boolean;
  /** Only list the versions. */
  list: boolean;
}

/** `ssot vault restore NAME --from git|gdrive|rclone|backup [--at REV|DATE] [--list] [--yes]` */
export async function restore(ctx: CommandContext, opts: RestoreOptions): Promise<number> {
  const config = await ctx.config();
  const { name, from } = opts;
  const rt = await runtimeFor(ctx, config, name);
  const { listVersions, pickVersion, restoreVersion } = await import('../../vault/index.js');
  const versions = await listVersions(rt, from);
  if (opts.list) {
    ctx.out.table([['VERSION', 'TIME', 'DESCRIPTION'], ...versions.map((v) => [v.id, v.time.toISOString(), v.description ?? ''])]);
    for (const v of versions) ctx.out.emit({ type: 'version', id: v.id, time: v.time.toISOString(), description: v.description });
    return ExitCode.OK;
  }
  const version = await pickVersion(versions, opts.at);
  ctx.out.info(`restoring vault ${name} from ${from} version ${version.id} (${version.time.toISOString()})`);
  if (!opts.yes) {
    if (!ctx.interactive) throw new UsageError('restore replaces the primary', 'pass --yes to confirm when not on a terminal');
    if (!(await confirm('The current primary is backed up first. Go on?'))) return ExitCode.FAILURE;
  }
  const r = await restoreVersion(rt, from, version);
  if (r.backup) ctx.out.info(`the previous primary is backed up as ${r.backup}`);
  const { syncVault } = await import('../../vault/index.js');
  const s = await syncVault({ vault: name, primaryPath: rt.primaryPath, copies: rt.copies, codec: rt.codec, stateDir: rt.stateDir, primaryWins: true, backupsKeep: rt.vault.backups?.keep ?? 20 });
  ctx.out.info(`restored (${r.entries} entries); written to ${s.written.filter((w) => w !== 'primary').length} copies as a new version`);
  ctx.out.emit({ type: 'restore', vault: name, from, version: version.id, backup: r.backup, written: s.written });
  for (const e of s.errors) ctx.out.warn(`${e.location}: ${describe(e.error)}`);
  return worstExit(...s.errors.map((e) => e.error.exitCode));
}

/**
 * `ssot vault merge-driver %O %A %B %P`: git's merge driver for *.kdbx.
 * Exit 0 when merged (the result is in %A), non-zero leaves git's conflict.
 */
export interface MergeDriverOptions {
  /** git's %O, %A (the result goes here), %B and %P. */
  base: string;
  ours: string;
  theirs: string;
  path?: string;
}

export async function mergeDriver(ctx: CommandContext, opts: MergeDriverOptions): Promise<number> {
  const { ours, theirs } = opts;
  const config = await ctx.config();
  const file = opts.path ?? ours;
  // The vault whose file name this is; else the only vault there is.
  const vault = config.vaults.find((v) => path.basename(v.path) === path.basename(file) || v.copies.some((c) => ('git' in c && c.git.name === path.basename(file)))) ?? (config.vaults.length === 1 ? config.vaults[0] : undefined);
  if (!vault) throw new UsageError(`no vault in ${config.file} matches ${file}`);
  const { kdbxCodec, mergeKdbxFiles, resolveVaultKey } = await import('../../vault/index.js');
  const key = await resolveVaultKey(vault, credentialContext(ctx, config));
  const report = await mergeKdbxFiles(await kdbxCodec(key), ours, theirs, file);
  process.stderr.write(`ssot: merged ${file}: ${report.added} added, ${report.updated} updated, ${report.deleted} deleted, ${report.conflicts.length} conflicts\n`);
  return ExitCode.OK;
}

/** `ssot vault fingerprint`: rebuild the guard's index of vault values. */
export async function fingerprint(ctx: CommandContext): Promise<number> {
  const config = await ctx.config();
  const { rebuildFingerprints } = await import('../fingerprint.js');
  const r = await rebuildFingerprints(ctx, config);
  ctx.out.info(`indexed ${r.indexed} values from ${config.vaults.length} vault(s)${r.skipped ? `; skipped ${r.skipped} too short or too weak to index safely` : ''}`);
  ctx.out.emit({ type: 'fingerprint', indexed: r.indexed, skipped: r.skipped });
  return ExitCode.OK;
}

/** `ssot vault create NAME`: a new database at the configured path (never over an existing file). */
export interface VaultCreateOptions {
  name: string;
}

export async function create(ctx: CommandContext, opts: VaultCreateOptions): Promise<number> {
  const config = await ctx.config();
  const { createDatabase, findVault, resolveVaultKey } = await import('../../vault/index.js');
  const v = findVault(config, opts.name);
  const exists = await fs.access(v.path).then(
    () => true,
    () => false,
  );
  if (exists) throw new UsageError(`${v.path} already exists`, 'nothing was written; `ssot vault verify` checks it');
  const { writeFileAtomic } = await import('../../core/atomic.js');
  const key = await resolveVaultKey(v, credentialContext(ctx, config));
  const db = await createDatabase(key, { name: v.name });
  await writeFileAtomic(v.path, await db.save(), { mode: 0o600 });
  ctx.out.info(`created ${v.path} (KDBX 4, Argon2id); run \`ssot sync --only vault\` to make its copies`);
  return ExitCode.OK;
}
