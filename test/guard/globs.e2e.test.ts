import { rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { GLOB_TABLE, writeRow } from '../support/glob-table.js';
import { join, makeRepo, rand, ssot, tempDir, UPPER_DIGITS } from './helpers.js';

// `guard.blockPaths` and `guard.ignorePaths` as `ssot guard --all` reads them, on the shared glob table:
// a file the glob matches is blocked (and, ignored, not scanned); any other is scanned and its key found.

const home = tempDir('ssot-guard-home-');
afterAll(() => rmSync(home, { recursive: true, force: true }));

describe('guard.blockPaths and guard.ignorePaths: the glob table', () => {
  it.each(GLOB_TABLE)('$glob', ({ glob, match, miss }) => {
    const repo = makeRepo({ commit: false });
    try {
      writeRow(repo.dir, { glob, match, miss }, `key = ${join('AK', 'IA', rand(16, UPPER_DIGITS, 3))}\n`);
      repo.git('add', '-A');
      writeFileSync(path.join(repo.dir, 'ssot.config.yaml'), `guard:\n  blockPaths: [${JSON.stringify(glob)}]\n  ignorePaths: [${JSON.stringify(glob)}]\n`);
      const r = ssot(['guard', '--all', '--json'], { cwd: repo.dir, home });
      expect(r.status, r.stderr).toBe(1);
      const findings = r.stdout
        .split('\n')
        .filter((l) => l.startsWith('{'))
        .map((l) => JSON.parse(l) as Record<string, unknown>)
        .filter((x) => x['type'] === 'finding');
      const files = (rule: string): string[] => findings.filter((f) => f['rule'] === rule).map((f) => String(f['file'])).sort();
      expect(files('blocked-path')).toEqual([...match].sort());
      expect(files('aws-access-key-id')).toEqual([...miss].sort());
    } finally {
      repo.cleanup();
    }
  });
});
