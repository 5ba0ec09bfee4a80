import { promises as fs } from 'node:fs';
import { ErrorCode, InputError } from '../core/errors.js';
import { shortHash } from '../core/hash.js';

/**
 * Accepted findings, committed with the repository: one fingerprint per
 * finding, never a value. A fingerprint hashes the rule, the file and the
 * matched text, so it survives the line moving and is not a usable oracle for
 * anything that is not already in the committed file it names.
 */

export interface BaselineEntry {
  fingerprint: string;
  rule: string;
  file: string;
  /** Where it was when accepted; informational only. */
  line?: number;
}

interface BaselineFile {
  version: 1;
  findings: BaselineEntry[];
}

export function fingerprintOf(rule: string, file: string, matched: string): string {
  // Whitespace does not count: a multi-line match reads the same staged (diff) and whole (--all).
  const m = matched.replace(/\s+/g, '');
  return shortHash(`ssot-guard-baseline-v1\0${rule}\0${file}\0${m}`, 32);
}

/** The fingerprints in a baseline file; none when the file does not exist. A damaged file is an error (exit 2). */
export async function readBaseline(file: string): Promise<Set<string>> {
  let text: string;
  try {
    text = await fs.readFile(file, 'utf8');
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return new Set();
    throw new InputError(ErrorCode.Input, `cannot read the guard baseline: ${(e as Error).message}`, { file });
  }
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch (e) {
    throw new InputError(ErrorCode.Input, `the guard baseline is not valid JSON: ${(e as Error).message}`, { file }, 'fix it, or delete it and run `ssot guard --write-baseline`');
  }
  const findings = (data as { findings?: unknown } | null)?.findings;
  if (!Array.isArray(findings)) {
    throw new InputError(ErrorCode.Input, 'the guard baseline has no "findings" list', { file, path: 'findings' }, 'run `ssot guard --all --write-baseline` to write one');
  }
  const out = new Set<string>();
  findings.forEach((f, i) => {
    const fp = (f as { fingerprint?: unknown } | null)?.fingerprint;
    if (typeof fp !== 'string' || !/^[0-9a-f]{16,64}$/.test(fp)) {
      throw new InputError(ErrorCode.Input, `findings[${i}].fingerprint is missing or not a hex string`, { file, path: `findings[${i}].fingerprint` });
    }
    out.add(fp);
  });
  return out;
}

/** An entry of a baseline read from disk: a hand edit may have left anything in the list. */
function isEntry(f: unknown): f is BaselineEntry {
  return typeof (f as { fingerprint?: unknown } | null)?.fingerprint === 'string';
}

/** Write (merge into) the baseline: existing entries are kept, new ones added, sorted for stable diffs. */
export async function writeBaseline(file: string, entries: BaselineEntry[]): Promise<{ added: number; total: number }> {
  let existing: BaselineEntry[] = [];
  try {
    const data = JSON.parse(await fs.readFile(file, 'utf8')) as { findings?: unknown } | null;
    const findings = data?.findings;
    if (Array.isArray(findings)) existing = findings.filter(isEntry);
  } catch {
    /* none yet, or unreadable: start afresh */
  }
  const byFp = new Map(existing.map((e) => [e.fingerprint, e]));
  let added = 0;
  for (const e of entries) {
    if (byFp.has(e.fingerprint)) continue;
    byFp.set(e.fingerprint, e);
    added++;
  }
  const findings = [...byFp.values()].sort((a, b) => a.file.localeCompare(b.file) || a.rule.localeCompare(b.rule) || a.fingerprint.localeCompare(b.fingerprint));
  // (loaded here: a commit that only reads the baseline does not pay for the writer)
  const { writeJsonAtomic } = await import('../core/atomic.js');
  await writeJsonAtomic(file, { version: 1, findings } satisfies BaselineFile);
  return { added, total: findings.length };
}
