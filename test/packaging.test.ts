import { execFileSync } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { builtinModules } from 'node:module';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { REPO } from './support/cli.js';

/**
 * What ssot ships and what it needs at run time: the stand-ins of Confluence,
 * Jira and Drive are the workspace package packages/standins, never part of
 * the published package; shipped code imports only its declared runtime
 * dependencies (the one exception, `ssot dev-services`, loads the stand-ins
 * lazily and says it needs a clone when they are absent).
 */

type Pkg = { dependencies?: Record<string, string>; devDependencies?: Record<string, string>; files?: string[]; workspaces?: string[] };
const readPkg = (dir: string): Pkg => JSON.parse(readFileSync(path.join(dir, 'package.json'), 'utf8')) as Pkg;
const root = readPkg(REPO);
const standinsDir = path.join(REPO, 'packages', 'standins');
const standins = readPkg(standinsDir);

function tsFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true, recursive: true })
    .filter((e) => e.isFile() && e.name.endsWith('.ts') && !e.name.endsWith('.test.ts'))
    .map((e) => path.join(e.parentPath, e.name));
}

/** The packages a source file imports (static, re-exported or dynamic; type-only imports are left out: they are erased). */
function bareImports(file: string): string[] {
  const text = readFileSync(file, 'utf8');
  const specs = [...text.matchAll(/^\s*(?:import(?!\s+type\b)|export(?!\s+type\b))[^'"]*?from\s+'([^']+)'/gm), ...text.matchAll(/\bimport\(\s*'([^']+)'\s*\)/g)].map((m) => m[1]!);
  return specs.filter((s) => !s.startsWith('.')).map((s) => (s.startsWith('@') ? s.split('/').slice(0, 2).join('/') : s.split('/')[0]!));
}

const builtin = (s: string): boolean => s.startsWith('node:') || builtinModules.includes(s);

describe('packaging', () => {
  it('the stand-ins are a workspace package with their own dependencies', () => {
    expect(root.workspaces).toEqual(['packages/*']);
    expect(root.devDependencies?.['@ssot/standins']).toBeDefined();
    expect(root.dependencies?.['@ssot/standins']).toBeUndefined();
    expect(Object.keys(standins.dependencies ?? {}).sort()).toEqual(['ajv', 'ajv-formats', 'fast-xml-parser']);
    expect(Object.keys(root.dependencies ?? {})).not.toContain('ajv');
  });

  it('shipped code imports only node built-ins and the declared runtime dependencies; dev-services alone loads the stand-ins', () => {
    const stray: string[] = [];
    for (const file of tsFiles(path.join(REPO, 'src'))) {
      for (const spec of bareImports(file)) {
        if (builtin(spec) || root.dependencies?.[spec]) continue;
        if (spec === '@ssot/standins' && path.relative(REPO, file) === path.join('src', 'cli', 'commands', 'dev-services.ts')) continue;
        stray.push(`${path.relative(REPO, file)}: ${spec}`);
      }
    }
    expect(stray).toEqual([]);
  });

  it('the stand-ins import only node built-ins and their own dependencies', () => {
    const stray = tsFiles(path.join(standinsDir, 'src')).flatMap((f) => bareImports(f).filter((s) => !builtin(s) && !standins.dependencies?.[s]).map((s) => `${path.relative(REPO, f)}: ${s}`));
    expect(stray).toEqual([]);
    // The check above sees imports at all (it would pass on nothing).
    expect(bareImports(path.join(standinsDir, 'src', 'confluence', 'storage.ts'))).toEqual(['fast-xml-parser']);
    expect(bareImports(path.join(standinsDir, 'src', 'jira', 'spec.ts'))).toEqual(['node:fs', 'ajv', 'ajv-formats']);
  });

  it('the published package carries no stand-in', () => {
    const npm = process.env['npm_execpath'];
    const out = npm
      ? execFileSync(process.execPath, [npm, 'pack', '--dry-run', '--json', '--ignore-scripts'], { cwd: REPO, encoding: 'utf8' })
      : execFileSync('npm', ['pack', '--dry-run', '--json', '--ignore-scripts'], { cwd: REPO, encoding: 'utf8' });
    const files = (JSON.parse(out) as { files: { path: string }[] }[])[0]!.files.map((f) => f.path);
    expect(files).toContain('dist/cli/main.js');
    expect(files).toContain('dist/cli/commands/dev-services.js');
    expect(files.filter((f) => f.startsWith('packages/') || f.includes('devservices') || f.includes('standins'))).toEqual([]);
  });
});
