import { promises as fs } from 'node:fs';
import path from 'node:path';
import { UsageError } from '../core/errors.js';
import { git, repoRoot } from './git.js';

/**
 * `ssot guard install` / `uninstall`. The hook calls node and ssot's entry
 * point by absolute paths captured at install time (never npx: 0.4 s a
 * commit); when ssot is gone it warns and lets the commit through, so
 * removing ssot never blocks commits. An existing hook is kept and chained;
 * `core.hooksPath` is respected; with husky, a marked block goes into
 * `.husky/pre-commit` and calls a launcher kept inside `.git` (machine paths
 * never land in a committed file).
 */

export const HOOK_MARK = 'ssot guard pre-commit hook';
const PREV_SUFFIX = '.ssot-prev';
const BLOCK_START = '# >>> ssot guard >>>';
const BLOCK_END = '# <<< ssot guard <<<';

export interface HookPaths {
  node: string;
  cli: string;
}

export interface InstallResult {
  kind: 'hooks-dir' | 'husky';
  hookFile: string;
  /** The hook that was there and now runs first. */
  chained?: string;
  updated: boolean;
}

export interface UninstallResult {
  kind: 'hooks-dir' | 'husky' | 'none';
  hookFile?: string;
  restored?: string;
}

function sq(s: string): string {
  return `'${s.replace(/'/g, `'\\''`)}'`;
}

export function hookScript(p: HookPaths, chainPrev: boolean): string {
  return [
    '#!/bin/sh',
    `# ${HOOK_MARK}: installed by \`ssot guard install\`; \`ssot guard uninstall\` removes it`,
    `# and puts back the hook that was here before (kept beside it as pre-commit${PREV_SUFFIX}).`,
    `SSOT_NODE=${sq(p.node)}`,
    `SSOT_CLI=${sq(p.cli)}`,
    ...(chainPrev ? [`prev="$(dirname "$0")/pre-commit${PREV_SUFFIX}"`, 'if [ -x "$prev" ]; then "$prev" "$@" || exit $?; fi'] : []),
    'if [ -x "$SSOT_NODE" ] && [ -f "$SSOT_CLI" ]; then',
    '  exec "$SSOT_NODE" "$SSOT_CLI" guard --hook pre-commit',
    'fi',
    'echo "ssot guard: ssot is no longer at $SSOT_CLI; the secret scan was skipped (reinstall ssot and run \\`ssot guard install\\`, or \\`ssot guard uninstall\\`)" >&2',
    'exit 0',
    '',
  ].join('\n');
}

async function exists(p: string): Promise<boolean> {
  try {
    await fs.lstat(p);
    return true;
  } catch {
    return false;
  }
}

async function isOurs(file: string): Promise<boolean> {
  try {
    return (await fs.readFile(file, 'utf8')).includes(HOOK_MARK);
  } catch {
    return false;
  }
}

interface HookLocation {
  root: string;
  hooksDir: string;
  /** `.husky/pre-commit` when husky manages the hooks. */
  husky?: string;
  launcher: string;
}

async function locate(cwd: string): Promise<HookLocation> {
  const root = repoRoot(cwd);
  const hooksDir = path.resolve(root, git(root, ['rev-parse', '--git-path', 'hooks']).stdout.toString('utf8').trim());
  const commonDir = path.resolve(root, git(root, ['rev-parse', '--git-common-dir']).stdout.toString('utf8').trim());
  const launcher = path.join(commonDir, 'ssot', 'guard-pre-commit');
  const hooksPath = git(root, ['config', '--get', 'core.hooksPath'], undefined, true).stdout.toString('utf8').trim();
  const rel = path.relative(root, hooksDir).split(path.sep).join('/');
  // husky 9 points core.hooksPath at .husky/_ (generated); husky 4–8 at .husky.
  if (hooksPath && (rel === '.husky/_' || rel === '.husky')) {
    return { root, hooksDir, husky: path.join(root, '.husky', 'pre-commit'), launcher };
  }
  return { root, hooksDir, launcher };
}

export async function installHook(cwd: string, paths: HookPaths): Promise<InstallResult> {
  const loc = await locate(cwd);
  if (loc.husky) {
    await fs.mkdir(path.dirname(loc.launcher), { recursive: true });
    const updated = await exists(loc.launcher);
    await fs.writeFile(loc.launcher, hookScript(paths, false), { mode: 0o755 });
    await fs.chmod(loc.launcher, 0o755);
    let text = '';
    const had = await exists(loc.husky);
    if (had) text = await fs.readFile(loc.husky, 'utf8');
    if (!text.includes(BLOCK_START)) {
      const block = [
        BLOCK_START,
        `# ${had ? '' : '(this file was created by `ssot guard install`) '}secret scan; does nothing where ssot is not installed`,
        'ssot_hook="$(git rev-parse --git-common-dir)/ssot/guard-pre-commit"',
        'if [ -x "$ssot_hook" ]; then "$ssot_hook" || exit $?; fi',
        BLOCK_END,
        '',
      ].join('\n');
      text = text.length === 0 ? block : text.replace(/\n*$/, '\n') + block;
      await fs.writeFile(loc.husky, text, { mode: 0o755 });
    }
    await fs.chmod(loc.husky, (await fs.stat(loc.husky)).mode | 0o111);
    return { kind: 'husky', hookFile: loc.husky, updated };
  }
  const hook = path.join(loc.hooksDir, 'pre-commit');
  const prev = hook + PREV_SUFFIX;
  await fs.mkdir(loc.hooksDir, { recursive: true });
  let chained: string | undefined;
  let updated = false;
  if (await exists(hook)) {
    if (await isOurs(hook)) updated = true;
    else {
      if (await exists(prev)) {
        throw new UsageError(`both ${hook} and ${prev} exist and neither is ssot's`, `move one of them away, then run \`ssot guard install\` again`);
      }
      await fs.rename(hook, prev);
      chained = prev;
    }
  }
  if (!chained && (await exists(prev))) chained = prev;
  await fs.writeFile(hook + '.ssot-tmp', hookScript(paths, true), { mode: 0o755 });
  await fs.chmod(hook + '.ssot-tmp', 0o755);
  await fs.rename(hook + '.ssot-tmp', hook);
  return { kind: 'hooks-dir', hookFile: hook, updated, ...(chained ? { chained } : {}) };
}

export async function uninstallHook(cwd: string): Promise<UninstallResult> {
  const loc = await locate(cwd);
  if (loc.husky) {
    await fs.rm(loc.launcher, { force: true });
    if (!(await exists(loc.husky))) return { kind: 'none' };
    const text = await fs.readFile(loc.husky, 'utf8');
    const start = text.indexOf(BLOCK_START);
    if (start < 0) return { kind: 'none' };
    const endAt = text.indexOf(BLOCK_END, start);
    const created = text.slice(start, endAt).includes('this file was created by');
    const rest = (text.slice(0, start) + text.slice(endAt < 0 ? text.length : endAt + BLOCK_END.length).replace(/^\n/, '')).replace(/\n+$/, '\n');
    if (created && rest.trim() === '') await fs.rm(loc.husky);
    else await fs.writeFile(loc.husky, rest.trim() === '' ? '' : rest);
    return { kind: 'husky', hookFile: loc.husky };
  }
  const hook = path.join(loc.hooksDir, 'pre-commit');
  const prev = hook + PREV_SUFFIX;
  if (!(await isOurs(hook))) return { kind: 'none' };
  if (await exists(prev)) {
    await fs.rename(prev, hook);
    return { kind: 'hooks-dir', hookFile: hook, restored: hook };
  }
  await fs.rm(hook);
  return { kind: 'hooks-dir', hookFile: hook };
}
