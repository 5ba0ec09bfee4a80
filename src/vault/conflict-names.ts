/**
 * The names file-sync tools give the second file when two machines saved one
 * file at once. Pure and dependency-free: the watcher imports it too.
 * docs/conflict-copies.md lists each scheme with the tool's own source or
 * documentation.
 *
 * A name is a conflict copy of `chronos.kdbx` when it is `chronos`, then one
 * or more of the suffixes below, then `.kdbx` (a conflict copy of a conflict
 * copy carries two suffixes). The last suffix names the tool.
 */
import path from 'node:path';
import type { VaultConfig } from '../config/schema.js';

interface Scheme {
  tool: string;
  /** The part inserted before the extension (a regular expression). */
  suffix: string;
  /**
   * The base name may differ in case or Unicode normalisation: the copy is the
   * one that lost a clash of two names the filesystem takes for one.
   */
  anyCase?: boolean;
}

// Order matters where two suffixes could read the same text: the loosest
// (OneDrive's `-MACHINE`) comes last.
const SCHEMES: readonly Scheme[] = [
  // Syncthing: <name>.sync-conflict-<yyyyMMdd>-<HHmmss>-<short device id><ext> (older releases: no device id).
  { tool: 'Syncthing', suffix: String.raw`\.sync-conflict-\d{8}-\d{6}(?:-[A-Z0-9]+)?` },
  // Nextcloud / ownCloud desktop 2.5+: <name> (conflicted copy [<user> ]<yyyy-MM-dd HHmmss>)<ext>.
  { tool: 'Nextcloud / ownCloud', suffix: String.raw` \(conflicted copy (?:[^()/]+ )?\d{4}-\d{2}-\d{2} \d{6}\)` },
  // ownCloud / Nextcloud before 2.5: <name>_conflict[_<user>]-<yyyyMMdd>-<HHmmss><ext>.
  { tool: 'ownCloud / Nextcloud (older clients)', suffix: String.raw`_conflict(?:_[^/]+?)?-\d{8}-\d{6}` },
  // Nextcloud 3.8+, two server names that differ only in case: <Name> (case clash from <yyyy-MM-dd HHmmss>)<ext>.
  { tool: 'Nextcloud', suffix: String.raw` \(case clash from \d{4}-\d{2}-\d{2} \d{6}\)`, anyCase: true },
  // Dropbox: <name> ([<person or computer>'s ]conflicted copy <yyyy-MM-dd>[ (<n>)])<ext>.
  { tool: 'Dropbox', suffix: String.raw` \((?:[^()/]+['’]s )?conflicted copy \d{4}-\d{2}-\d{2}(?: \(\d+\))?\)` },
  // Dropbox, names its servers keep apart but the local filesystem cannot.
  { tool: 'Dropbox', suffix: String.raw` \((?:Case|Unicode Encoding|Selective Sync) Conflict(?: \(\d+\)| \d+)?\)`, anyCase: true },
  // OneDrive for Linux (abraunegg/onedrive): <name>-<hostname>-safeBackup-<nnnn><ext>.
  { tool: 'OneDrive (Linux client)', suffix: String.raw`-[^/]+-safeBackup-\d{4}` },
  // Google Drive for desktop, OneDrive and Windows: a second file of one name becomes <name> (<n>)<ext>.
  { tool: 'Google Drive for desktop / OneDrive', suffix: String.raw` \(\d{1,3}\)` },
  // OneDrive "keep both": <name>-<computer name><ext>.
  { tool: 'OneDrive', suffix: String.raw`-[A-Za-z0-9][A-Za-z0-9-]{0,62}` },
];

const ANY_SUFFIX = SCHEMES.map((s) => `(?:${s.suffix})`).join('|');
const cache = new Map<string, RegExp>();
function suffixRe(s: Scheme): RegExp {
  const key = s.suffix;
  let re = cache.get(key);
  if (!re) cache.set(key, (re = new RegExp(`^(?:${ANY_SUFFIX})*(?:${s.suffix})$`, s.anyCase ? 'iu' : 'u')));
  return re;
}

const fold = (s: string): string => s.normalize('NFC').toLowerCase();

/** `chronos.kdbx` → [`chronos`, `.kdbx`]; a name without a dot has no extension. */
function splitExt(name: string): [string, string] {
  const dot = name.lastIndexOf('.');
  return dot > 0 ? [name.slice(0, dot), name.slice(dot)] : [name, ''];
}

/**
 * The tool whose conflict copy of `fileName` the name `candidate` is, or
 * undefined when it is not one. Both are bare file names (no folder).
 */
export function conflictCopyTool(fileName: string, candidate: string): string | undefined {
  if (candidate === fileName) return undefined;
  const [stem, ext] = splitExt(fileName);
  for (const s of SCHEMES) {
    const rest = restAfter(stem, ext, candidate, s.anyCase === true);
    if (rest && suffixRe(s).test(rest)) return s.tool;
  }
  return undefined;
}

/** What `candidate` adds between the base name and the extension; undefined if it does not start and end like `stem…ext`. */
function restAfter(stem: string, ext: string, candidate: string, anyCase: boolean): string | undefined {
  const [a, b, c] = anyCase ? [fold(stem), fold(ext), fold(candidate)] : [stem, ext, candidate];
  if (!c.startsWith(a) || !c.endsWith(b) || c.length <= a.length + b.length) return undefined;
  return c.slice(a.length, c.length - b.length);
}

/** The files a vault is configured to use on local or mounted filesystems (its primary, its folder copies): never a conflict copy. */
export function vaultFiles(v: Pick<VaultConfig, 'path' | 'copies'>): string[] {
  return [v.path, ...v.copies.flatMap((c) => ('folder' in c ? [path.join(c.folder.path, c.folder.name ?? path.basename(v.path))] : []))];
}
