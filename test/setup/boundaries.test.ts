/**
 * The import boundaries are an eslint rule (eslint.config.js, run by `npm run
 * lint` in CI). This checks the rule itself: each kind of crossing, static,
 * type-only or dynamic, is reported, and the allowed ones are not, so that a
 * config edit or a resolver that stops resolving `./x.js` to `x.ts` (the rule
 * then silently passes everything) fails here.
 */
import path from 'node:path';
import { ESLint, type Linter } from 'eslint';
import tseslint from 'typescript-eslint';
import { describe, expect, it } from 'vitest';
import { REPO } from '../support/cli.js';

// A plain .js module without types: loaded by path so the compiler does not look into it.
const configFile: string = '../../eslint.config.js';
const config = ((await import(configFile)) as { default: Linter.Config[] }).default;
const boundaryBlock = config.find((c) => c.rules && 'import-x/no-restricted-paths' in c.rules);

async function crossings(file: string, code: string): Promise<string[]> {
  const eslint = new ESLint({
    cwd: REPO,
    overrideConfigFile: true,
    overrideConfig: [{ files: ['**/*.ts'], languageOptions: { parser: tseslint.parser } }, { ...boundaryBlock, files: ['**/*.ts'] }],
  });
  const [result] = await eslint.lintText(code, { filePath: path.join(REPO, file) });
  return (result?.messages ?? []).map((m) => (m.ruleId === 'import-x/no-restricted-paths' ? code.split('\n')[m.line - 1]!.trim() : `${m.ruleId ?? 'parse'}: ${m.message}`));
}

describe('import boundaries (eslint.config.js)', () => {
  it('the config has the rule for src/', () => {
    expect(boundaryBlock?.files).toEqual(['src/**/*.ts']);
  });

  it('a domain reaching the command line, or into another domain past its index, is reported; through the index is not', async () => {
    const code = [
      "import type { CommandContext } from '../cli/context.js';",
      "import { syncVault } from '../vault/sync.js';",
      "import { readVaultState } from '../vault/index.js';",
      "import { ErrorCode } from '../core/errors.js';",
      "import { loadConfig } from '../config/load.js';",
      "export const a = async () => import('../guard/scan.js');",
      "export const b = async () => import('../guard/index.js');",
      'export const c = [syncVault, readVaultState, ErrorCode, loadConfig] as unknown as CommandContext;',
    ].join('\n');
    expect(await crossings('src/docs/probe.ts', code)).toEqual([
      "import type { CommandContext } from '../cli/context.js';",
      "import { syncVault } from '../vault/sync.js';",
      "export const a = async () => import('../guard/scan.js');",
    ]);
  });

  it('core imports no other folder; within a folder anything goes', async () => {
    expect(await crossings('src/core/probe.ts', "export const a = async () => import('../docs/index.js');")).toEqual(["export const a = async () => import('../docs/index.js');"]);
    expect(await crossings('src/vault/probe.ts', "import { syncVault } from './sync.js';\nexport const a = syncVault;")).toEqual([]);
  });

  it('the stand-ins are reached only from `ssot dev-services`', async () => {
    const code = "export const s = async () => import('@ssot/standins');";
    expect(await crossings('src/cli/commands/status.ts', code)).toEqual([code]);
    expect(await crossings('src/cli/commands/dev-services.ts', code)).toEqual([]);
  });
});
