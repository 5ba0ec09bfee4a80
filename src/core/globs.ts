import { createRequire } from 'node:module';
import type Picomatch from 'picomatch/posix.js';

// Required, not imported: Node's ESM wrapper of this CommonJS package cost 3 to 5 ms more
// at start (measured), and `ssot guard` runs on every commit.
const picomatch = createRequire(import.meta.url)('picomatch/posix.js') as typeof Picomatch;

/**
 * The one reading of path globs (`guard.blockPaths`, `guard.ignorePaths`,
 * `docs.exclude`), gitignore-like and matched by picomatch:
 * - a pattern without a slash matches a file or a folder of that name at any
 *   depth; a pattern with a slash (leading or inside) is anchored at the root;
 * - a trailing slash matches folders only;
 * - a matched folder takes everything under it;
 * - `**` crosses folders; `*`, `?` and `[…]` (`[!…]` negated) stay inside one
 *   name and match dotfiles too; `\` makes the next character literal.
 * Everything else is literal: no `!` negation, no braces, no extglobs or
 * regular-expression groups (a file may well be called `a+b(c).txt`).
 * Paths are relative, with "/" separators, and compared case-sensitively.
 */

export type PathMatcher = (path: string, isFolder?: boolean) => string | undefined;

/**
 * `posix` for `[!…]` and `[[:alpha:]]` classes; `strictSlashes` so that `dir/**`
 * is what is inside the folder, not the folder; the others keep to gitignore's syntax.
 */
const OPTIONS: Picomatch.PicomatchOptions = { dot: true, posix: true, nonegate: true, nobrace: true, noextglob: true, strictSlashes: true };

interface Compiled {
  glob: string;
  /** The path itself is the match. */
  self: RegExp;
  /** The path lies under a matched folder. */
  under: RegExp;
  dirOnly: boolean;
}

function compile(glob: string): Compiled | undefined {
  let g = glob.trim().replace(/^(?:\.\/)+/, '');
  const dirOnly = g.endsWith('/');
  g = g.replace(/\/+$/, '');
  const anchored = g.includes('/');
  g = g.replace(/^\/+/, '');
  if (g === '') return undefined; // "/" or "./": nothing
  // picomatch hands unescaped parentheses to the RegExp as groups, even without extglobs.
  g = g.replace(/(\\.)|[()]/g, (m, escaped: string | undefined) => escaped ?? `\\${m}`);
  if (!anchored) g = `**/${g}`;
  return { glob, self: picomatch.makeRe(g, OPTIONS), under: picomatch.makeRe(`${g}/**`, OPTIONS), dirOnly };
}

/** The first of `globs` that matches a path (a file's unless `isFolder`), or undefined. */
export function pathMatcher(globs: readonly string[]): PathMatcher {
  const compiled = globs.map(compile).filter((c): c is Compiled => c !== undefined);
  return (p, isFolder = false) => compiled.find((c) => c.under.test(p) || ((isFolder || !c.dirOnly) && c.self.test(p)))?.glob;
}
