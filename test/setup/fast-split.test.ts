import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';

// `npm run test:fast` leaves out every *.e2e.test.ts file and does not build:
// a file that runs the built CLI (which may be stale), rclone's servers or the
// demo belongs in the end-to-end set, so that the fast set neither reads an
// old dist/ nor grows slow unnoticed. `npm test` runs both.
const TEST = path.resolve(import.meta.dirname, '..');

function testFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((d) => {
    const p = path.join(dir, d.name);
    if (d.isDirectory()) return testFiles(p);
    return d.name.endsWith('.test.ts') ? [p] : [];
  });
}

/** What makes a test file end-to-end, by what it imports or runs. */
const E2E_SIGNS: [RegExp, string][] = [
  [/import \{[^}]*\b(runSsot|BIN)\b[^}]*\} from '(\.\.?\/)+support\/cli\.js'/, 'runs the built CLI (test/support/cli.ts)'],
  [/import \{[^}]*\b(ssot|BIN)\b[^}]*\} from '\.\/helpers\.js'/, 'runs the built CLI (the guard helpers)'],
  [/from '(\.\.?\/)+support\/rclone\.js'/, 'starts rclone servers (test/support/rclone.ts)'],
  [/scripts\/demo|'scripts', 'demo/, 'runs the demo'],
];

function e2eReasons(source: string): string[] {
  return E2E_SIGNS.filter(([re]) => re.test(source)).map(([, why]) => why);
}

describe('the fast and the end-to-end test sets', () => {
  it('a test file that runs the built CLI, rclone servers or the demo is named *.e2e.test.ts', () => {
    const misplaced = testFiles(TEST)
      .filter((f) => !f.endsWith('.e2e.test.ts') && f !== import.meta.filename) // this file quotes the signs
      .flatMap((f) => e2eReasons(readFileSync(f, 'utf8')).map((why) => `${path.relative(TEST, f)}: ${why}`));
    expect(misplaced).toEqual([]);
  });

  it('tells each sign apart', () => {
    expect(e2eReasons("import { runSsot } from '../support/cli.js';")).toEqual(['runs the built CLI (test/support/cli.ts)']);
    expect(e2eReasons("import { BIN, jsonLines } from '../../support/cli.js';")).toHaveLength(1);
    expect(e2eReasons("import { REPO } from './support/cli.js';")).toEqual([]);
    expect(e2eReasons("import { ssot, tempDir } from './helpers.js';")).toEqual(['runs the built CLI (the guard helpers)']);
    expect(e2eReasons("import { tempDir, rand } from './helpers.js';")).toEqual([]);
    expect(e2eReasons("import { startRcloneWorld } from '../support/rclone.js';")).toEqual(['starts rclone servers (test/support/rclone.ts)']);
    expect(e2eReasons("spawn(process.execPath, [path.join(REPO, 'scripts', 'demo.mjs')])")).toEqual(['runs the demo']);
    expect(e2eReasons("import { keepassxc } from '../support/keepassxc.js';")).toEqual([]);
  });

  it('the end-to-end set holds the slow files: the corpus, KeePassXC interop, git and rclone copies, the demo', () => {
    const e2e = testFiles(TEST).filter((f) => f.endsWith('.e2e.test.ts')).map((f) => path.relative(TEST, f));
    expect(e2e).toEqual(expect.arrayContaining([
      'vault/kdbx/corpus.e2e.test.ts',
      'vault/kdbx/interop.keepassxc.e2e.test.ts',
      'vault/copies/git.e2e.test.ts',
      'vault/copies/rclone.e2e.test.ts',
      'docs/roundtrip.e2e.test.ts',
      'demo.e2e.test.ts',
    ]));
  });
});
