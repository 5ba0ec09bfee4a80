import { promises as fs } from 'node:fs';
import path from 'node:path';
import { LineCounter, parseDocument, isMap, isPair, isScalar, isSeq, visit, type Document, type Node } from 'yaml';
import type { z } from 'zod';
import { ErrorCode, InputError } from '../core/errors.js';
import { resolveUserPath } from '../core/paths.js';
import { configSchema, type RawConfig } from './schema.js';
import { nearest } from './suggest.js';

export { CONFIG_FILE, findConfig } from './find.js';

/** A loaded, validated config, with every path made absolute. */
export interface LoadedConfig extends RawConfig {
  /** Absolute path of the config file. */
  file: string;
  /** The folder relative paths are resolved against. */
  dir: string;
}

export async function loadConfig(file: string): Promise<LoadedConfig> {
  let text: string;
  try {
    text = await fs.readFile(file, 'utf8');
  } catch (e) {
    throw new InputError(ErrorCode.Config, `cannot read the config: ${(e as Error).message}`, { file }, 'run `ssot init` to write one', e);
  }
  return parseConfig(text, file);
}

export function parseConfig(text: string, file: string): LoadedConfig {
  const lines = new LineCounter();
  const doc = parseDocument(text, { lineCounter: lines, prettyErrors: false, uniqueKeys: true });
  const [err] = doc.errors;
  if (err) {
    const pos = lines.linePos(err.pos[0]);
    throw new InputError(ErrorCode.Config, `not valid YAML: ${err.message.replace(/\n[\s\S]*/, '')}`, { file, line: pos.line, column: pos.col });
  }
  const raw = toPlain(doc, lines, file);
  const result = configSchema.safeParse(raw);
  if (!result.success) {
    const issue = pickIssue(result.error.issues);
    const keyPath = issue.path;
    const where = locate(doc.contents, keyPath, lines, issue.code === 'unrecognized_keys' ? issue.keys[0] : undefined);
    const { message, hint } = describeIssue(issue);
    throw new InputError(ErrorCode.Config, message, { file, ...where, path: formatPath(keyPath, issue) }, hint);
  }
  const dir = path.dirname(path.resolve(file));
  return { ...absolutise(result.data, dir), file: path.resolve(file), dir };
}

/** YAML aliases that expand without bound ("billion laughs") hang or exhaust memory: bounded, and named. */
const MAX_ALIASES = 100;

function toPlain(doc: Document, lines: LineCounter, file: string): unknown {
  try {
    return doc.toJS({ maxAliasCount: MAX_ALIASES }) ?? {};
  } catch (e) {
    if (!/alias/i.test((e as Error).message)) throw e;
    const where = firstAlias(doc, lines);
    throw new InputError(
      ErrorCode.Config,
      `too many YAML aliases: they expand beyond ${MAX_ALIASES} copies (a pattern used to exhaust memory)`,
      { file, ...where },
      'write the values out; a config has no need for nested aliases',
    );
  }
}

/** The line and key path of the first alias (`*name`) in the document. */
function firstAlias(doc: Document, lines: LineCounter): { line?: number; column?: number; path?: string } {
  let found: { line?: number; column?: number; path?: string } = {};
  visit(doc, {
    Alias(_key, node, ancestry) {
      const keys: PropertyKey[] = [];
      for (const [i, a] of ancestry.entries()) {
        if (isPair(a) && isScalar(a.key)) keys.push(String(a.key.value));
        else if (isSeq(a)) {
          const child = ancestry[i + 1] ?? node;
          const at = a.items.indexOf(child);
          if (at >= 0) keys.push(at);
        }
      }
      const pos = node.range ? lines.linePos(node.range[0]) : undefined;
      found = { ...(pos ? { line: pos.line, column: pos.col } : {}), path: keyPath(keys) || '(top level)' };
      return visit.BREAK;
    },
  });
  return found;
}

function keyPath(p: readonly PropertyKey[]): string {
  let s = '';
  for (const k of p) s += typeof k === 'number' ? `[${k}]` : s === '' ? String(k) : `.${String(k)}`;
  return s;
}

type Issue = z.core.$ZodIssue;

/**
 * For a union, report the branch that got furthest: that is the one the user
 * meant. Within it, an unknown key comes first: a typo explains the "missing"
 * key beside it.
 */
function pickIssue(issues: readonly Issue[]): Issue {
  const first = issues.find((i) => i.code === 'unrecognized_keys') ?? issues[0];
  if (!first) throw new Error('the config schema failed without naming an issue');
  if (first.code !== 'invalid_union') return first;
  let best: Issue[] | undefined;
  let bestDepth = 0;
  for (const branch of first.errors) {
    const depth = Math.max(...branch.map((sub) => sub.path.length + (sub.code === 'unrecognized_keys' ? 1 : 0)));
    if (depth > bestDepth) {
      bestDepth = depth;
      best = branch.map((sub): Issue => ({ ...sub, path: [...first.path, ...sub.path] }));
    }
  }
  if (!best || bestDepth < 2) return first;
  return pickIssue(best);
}

function describeIssue(issue: Issue): { message: string; hint?: string } {
  if (issue.code === 'unrecognized_keys') {
    const key = issue.keys[0] ?? '';
    const near = nearest(key);
    return near
      ? { message: `unknown key "${key}"`, hint: `did you mean "${near}"?` }
      : { message: `unknown key "${key}"`, hint: 'see docs/configuration.md for every key' };
  }
  if (issue.code === 'invalid_union') {
    return { message: 'not one of the accepted forms', hint: unionHint(issue.path) };
  }
  if (issue.code === 'custom' && typeof issue.params?.['hint'] === 'string') return { message: issue.message, hint: issue.params['hint'] };
  if (issue.code === 'invalid_type' && issue.message.includes('received undefined')) {
    return { message: `missing required key (expected ${issue.expected})` };
  }
  return { message: issue.message };
}

function unionHint(p: readonly PropertyKey[]): string {
  const last = p[p.length - 1];
  const parent = p[p.length - 2];
  if (parent === 'copies' || last === 'copies') return 'a copy is { git: {...} }, { gdrive: {...} }, { folder: {...} } or { rclone: {...} }';
  return 'a credential is { env: NAME }, { keyring: "service/account" }, { vault: NAME, entry: TITLE }, { file: PATH } or { prompt: TEXT }';
}

function formatPath(p: readonly PropertyKey[], issue: Issue): string {
  let s = keyPath(p);
  if (issue.code === 'unrecognized_keys') s += (s ? '.' : '') + (issue.keys[0] ?? '');
  return s || '(top level)';
}

/** Line and column of the node at `keyPath` (or of `key` in it). */
function locate(
  root: unknown,
  keyPath: readonly PropertyKey[],
  lines: LineCounter,
  key?: string,
): { line?: number; column?: number } {
  let node = root as Node | null | undefined;
  let lastGood = node;
  const steps: PropertyKey[] = [...keyPath];
  if (key !== undefined) steps.push(key);
  for (const step of steps) {
    if (isMap(node)) {
      const pair = node.items.find((it) => (it.key as { value?: unknown } | null)?.value === step);
      if (!pair) break;
      // Point at the key itself, the place a typo sits.
      lastGood = (step === key ? pair.key : (pair.value ?? pair.key)) as Node;
      node = pair.value as Node;
      if (step === key) break;
    } else if (isSeq(node) && typeof step === 'number') {
      const item = node.items[step] as Node | undefined;
      if (!item) break;
      lastGood = item;
      node = item;
    } else break;
  }
  const range = (lastGood as { range?: [number, number, number] } | undefined)?.range;
  if (!range) return {};
  const pos = lines.linePos(range[0]);
  return { line: pos.line, column: pos.col };
}

function absolutise(c: RawConfig, dir: string): RawConfig {
  const abs = (p: string): string => resolveUserPath(p, dir);
  return {
    ...c,
    vaults: c.vaults.map((v) => ({
      ...v,
      path: abs(v.path),
      ...(v.keyFile ? { keyFile: abs(v.keyFile) } : {}),
      copies: v.copies.map((cp) => {
        if ('git' in cp) return { git: { ...cp.git, repo: abs(cp.git.repo) } };
        if ('folder' in cp) return { folder: { ...cp.folder, path: abs(cp.folder.path) } };
        if ('rclone' in cp) return { rclone: { ...cp.rclone, ...(cp.rclone.config ? { config: abs(cp.rclone.config) } : {}) } };
        return cp;
      }),
    })),
    ...(c.rclone ? { rclone: absRclone(c.rclone, abs) } : {}),
    ...(c.docs ? { docs: { ...c.docs, root: abs(c.docs.root), mapping: abs(c.docs.mapping) } } : {}),
    ...(c.tickets ? { tickets: { ...c.tickets, notes: abs(c.tickets.notes), mapping: abs(c.tickets.mapping) } } : {}),
    ...(c.guard ? { guard: { ...c.guard, baseline: abs(c.guard.baseline) } } : {}),
  };
}

/** rclone's config file is a path; its binary is a path only when it has a folder part (else looked up on PATH). */
function absRclone(r: NonNullable<RawConfig['rclone']>, abs: (p: string) => string): NonNullable<RawConfig['rclone']> {
  return { ...r, path: r.path.includes('/') ? abs(r.path) : r.path, ...(r.config ? { config: abs(r.config) } : {}) };
}
