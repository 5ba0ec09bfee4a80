/**
 * `npm run build` empties dist/ first: a module deleted from src/ must not
 * live on in dist/, where bin/ssot would still load it and `npm pack` would
 * ship it. `npm test` builds before it runs this.
 */
import { existsSync, readdirSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { REPO } from '../support/cli.js';

function orphans(dist: string, src: string): string[] {
  if (!existsSync(dist)) return [];
  return readdirSync(dist, { recursive: true, encoding: 'utf8' })
    .filter((f) => f.endsWith('.js'))
    .filter((f) => !existsSync(path.join(src, f.replace(/\.js$/, '.ts'))));
}

describe('the build output', () => {
  it('holds no module whose source is gone (root and stand-ins package)', () => {
    expect(existsSync(path.join(REPO, 'dist/cli/main.js'))).toBe(true);
    expect(orphans(path.join(REPO, 'dist'), path.join(REPO, 'src'))).toEqual([]);
    expect(orphans(path.join(REPO, 'packages/standins/dist'), path.join(REPO, 'packages/standins/src'))).toEqual([]);
  });
});
