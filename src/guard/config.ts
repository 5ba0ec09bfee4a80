import { promises as fs } from 'node:fs';
import path from 'node:path';
import { findConfig } from '../config/find.js';
import { ErrorCode, InputError } from '../core/errors.js';
import { resolveUserPath } from '../core/paths.js';
import { isRecord } from '../core/record.js';
import type { Document, LineCounter } from 'yaml';

/**
 * The guard's part of ssot.config.yaml, read cheaply: a commit hook must not
 * pay for the full schema (zod) on every commit. The file is found the way
 * config/load.ts finds it; the `yaml` package is loaded only when a config
 * exists; only the `guard:` section is checked here (`ssot doctor` checks the
 * whole file against the schema).
 */

export interface GuardConfig {
  /** The config file, when there is one. */
  file?: string;
  blockPaths: string[];
  /** Absolute path of the baseline file, or relative to the repository root when there is no config. */
  baseline: string;
  baselineRelative: boolean;
  ignorePaths: string[];
  maxFileBytes: number;
  /** The config names vaults: their values should be indexed. */
  hasVaults: boolean;
  /**
   * With vaults configured, must the index of their values be usable?
   * `required` (default): the guard fails when it is missing or cannot be opened;
   * `optional`: it warns and runs the credential rules only.
   */
  vaultIndex: 'required' | 'optional';
}

const DEFAULT_BASELINE = '.ssot-guard-baseline.json';
const DEFAULT_MAX_FILE_BYTES = 50 * 1024 * 1024;
export const GUARD_KEYS = ['blockPaths', 'baseline', 'ignorePaths', 'maxFileBytes', 'vaultIndex'] as const;


function defaults(): GuardConfig {
  return {
    blockPaths: [],
    baseline: DEFAULT_BASELINE,
    baselineRelative: true,
    ignorePaths: [],
    maxFileBytes: DEFAULT_MAX_FILE_BYTES,
    hasVaults: false,
    vaultIndex: 'required',
  };
}

/**
 * The guard's settings. With `cacheDir` (the state folder), settings read once
 * are reused while the config file stays the same file (config-cache.ts).
 */
export async function loadGuardConfig(opts: { explicit?: string | undefined; cwd: string; env: NodeJS.ProcessEnv; cacheDir?: string; racyMs?: number }): Promise<GuardConfig> {
  const file = await findConfig(opts);
  if (!file) return defaults();
  if (!opts.cacheDir) return readGuardConfig(file);
  const { rememberedConfig } = await import('./config-cache.js');
  return rememberedConfig({ dir: opts.cacheDir, file, env: opts.env, ...(opts.racyMs !== undefined ? { racyMs: opts.racyMs } : {}) }, () => readGuardConfig(file));
}

async function readGuardConfig(file: string): Promise<GuardConfig> {
  let text: string;
  try {
    text = await fs.readFile(file, 'utf8');
  } catch (e) {
    throw new InputError(ErrorCode.Config, `cannot read the config: ${(e as Error).message}`, { file });
  }
  const { parseDocument, LineCounter: Counter } = await import('yaml');
  const lines = new Counter();
  const doc = parseDocument(text, { lineCounter: lines, prettyErrors: false });
  const [err] = doc.errors;
  if (err) {
    const pos = lines.linePos(err.pos[0]);
    throw new InputError(ErrorCode.Config, `not valid YAML: ${err.message.split('\n')[0] ?? ''}`, { file, line: pos.line, column: pos.col });
  }
  const root: unknown = doc.toJS() ?? {};
  const cfg = defaults();
  cfg.file = file;
  if (!isRecord(root)) return cfg;
  const vaults = root['vaults'];
  cfg.hasVaults = Array.isArray(vaults) && vaults.length > 0;
  cfg.baseline = resolveUserPath(cfg.baseline, path.dirname(file));
  cfg.baselineRelative = false;
  const guard = root['guard'];
  if (guard === undefined || guard === null) return cfg;
  applyGuardSection(cfg, guard, file, doc, lines);
  return cfg;
}

/** The `guard:` section, checked key by key; an error names the key and its line. */
function applyGuardSection(cfg: GuardConfig, guard: unknown, file: string, doc: Document, lines: LineCounter): void {
  const bad = (key: string, what: string): InputError => {
    const node = doc.getIn(['guard', key], true) as { range?: [number, number, number] } | undefined;
    const pos = node?.range ? lines.linePos(node.range[0]) : undefined;
    return new InputError(ErrorCode.Config, `guard.${key} must be ${what}`, { file, ...(pos ? { line: pos.line, column: pos.col } : {}), path: `guard.${key}` });
  };
  if (!isRecord(guard)) throw bad('', 'a mapping');
  for (const k of Object.keys(guard)) {
    if (!(GUARD_KEYS as readonly string[]).includes(k)) {
      throw new InputError(ErrorCode.Config, `unknown key guard.${k}`, { file, path: `guard.${k}` }, `known keys: ${GUARD_KEYS.join(', ')}`);
    }
  }
  const strings = (key: 'blockPaths' | 'ignorePaths'): string[] => {
    const v = guard[key];
    if (v === undefined) return [];
    if (!Array.isArray(v) || !v.every((x) => typeof x === 'string' && x.length > 0)) throw bad(key, 'a list of non-empty strings');
    return v as string[];
  };
  cfg.blockPaths = strings('blockPaths');
  cfg.ignorePaths = strings('ignorePaths');
  if (guard['baseline'] !== undefined) {
    if (typeof guard['baseline'] !== 'string' || guard['baseline'].length === 0) throw bad('baseline', 'a non-empty string');
    // Relative to the config file, as every path in the config.
    cfg.baseline = resolveUserPath(guard['baseline'], path.dirname(file));
  }
  if (guard['maxFileBytes'] !== undefined) {
    const n = guard['maxFileBytes'];
    if (typeof n !== 'number' || !Number.isInteger(n) || n <= 0) throw bad('maxFileBytes', 'a positive integer');
    cfg.maxFileBytes = n;
  }
  if (guard['vaultIndex'] !== undefined) {
    if (guard['vaultIndex'] !== 'required' && guard['vaultIndex'] !== 'optional') throw bad('vaultIndex', '`required` or `optional`');
    cfg.vaultIndex = guard['vaultIndex'];
  }
}
