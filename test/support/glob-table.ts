import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';

/**
 * The one table of path-glob cases (docs/configuration.md, "Path globs"), run
 * against every user of the matcher: the matcher itself, `guard.blockPaths`,
 * `guard.ignorePaths` and `docs.exclude`, each on a tree of its own per row.
 * Every path is a markdown file (so that the docs walker lists it) and none
 * sits in a dot-folder (which the docs walker never enters): a row means the
 * same for every user.
 */

export interface GlobCase {
  glob: string;
  /** Files the glob matches (blocked, ignored, excluded). */
  match: string[];
  /** Files it leaves alone. */
  miss: string[];
  /** Why git reads this glob otherwise in a .gitignore (where ssot differs on purpose). */
  notGit?: string;
}

export const GLOB_TABLE: readonly GlobCase[] = [
  // No slash: a file or a folder of that name at any depth, and everything under the folder.
  { glob: 'notes.md', match: ['notes.md', 'a/notes.md', 'a/b/notes.md', 'b/notes.md/x.md'], miss: ['xnotes.md', 'a/notes.md.md'] },
  { glob: 'secrets', match: ['secrets/a.md', 'a/secrets/b.md', 'a/secrets/c/d.md'], miss: ['secrets.md', 'a/secretsx/b.md', 'xsecrets/a.md'] },
  { glob: '*.secrets.md', match: ['x.secrets.md', 'a/b/y.secrets.md', 'z.secrets.md/inner.md'], miss: ['secrets.md', 'a/secrets.md'] },
  // A leading slash anchors at the root.
  { glob: '/top.md', match: ['top.md'], miss: ['a/top.md'] },
  { glob: '/drafts', match: ['drafts/a.md', 'drafts/b/c.md'], miss: ['a/drafts/x.md', 'drafts.md'] },
  // A trailing slash: folders only.
  { glob: 'notes.md/', match: ['notes.md/x.md', 'a/notes.md/y.md'], miss: ['b/notes.md', 'c/d/notes.md'] },
  { glob: 'guide/old/', match: ['guide/old/a.md', 'guide/old/b/c.md'], miss: ['x/guide/old/a.md', 'guide/old.md'] },
  // A slash inside anchors at the root too; a matched folder takes what is under it.
  { glob: 'guide/*.md', match: ['guide/a.md', 'guide/x.md/y.md'], miss: ['x/guide/a.md', 'guide/sub/a.md'] },
  { glob: 'guide/sub', match: ['guide/sub/a.md', 'guide/sub/b/c.md'], miss: ['x/guide/sub/a.md', 'guide/subway/a.md'] },
  { glob: './guide/x.md', match: ['guide/x.md'], miss: ['a/guide/x.md'], notGit: 'git never matches a pattern that starts with ./' },
  // `**` crosses folders, zero or more.
  { glob: '**/tmp/**', match: ['tmp/a.md', 'a/b/tmp/c.md'], miss: ['tmpx/a.md', 'a/tmp.md'] },
  { glob: 'a/**/z.md', match: ['a/z.md', 'a/b/z.md', 'a/b/c/z.md'], miss: ['b/a/z.md', 'a/z.mdx.md'] },
  { glob: '**/*.draft.md', match: ['a.draft.md', 'x/y/b.draft.md', '.hidden.draft.md'], miss: ['draft.md', 'a.draft.md.md'] },
  // `?` and classes stay inside one name.
  { glob: 'file?.md', match: ['file1.md', 'd/fileA.md'], miss: ['file12.md', 'file.md'] },
  { glob: '[ab]*.md', match: ['a1.md', 'd/b.md'], miss: ['c.md', 'd/c.md'] },
  { glob: '[!ab]*.md', match: ['c.md', 'd/c1.md'], miss: ['a.md', 'b2.md'] },
  // Everything else is literal: no regular-expression groups, braces, negation; `\` escapes.
  { glob: 'a+b(c).md', match: ['a+b(c).md', 'd/a+b(c).md'], miss: ['a+bc.md', 'ab(c).md'] },
  { glob: '{a,b}.md', match: ['{a,b}.md'], miss: ['a.md', 'b.md'] },
  { glob: '!keep.md', match: ['!keep.md'], miss: ['keep.md', 'other.md'], notGit: 'a leading ! negates in .gitignore (\\! for the name)' },
  { glob: '\\*.md', match: ['*.md'], miss: ['a.md'] },
  { glob: 'my notes.md', match: ['my notes.md', 'x/my notes.md'], miss: ['my-notes.md'] },
  // Case-sensitive.
  { glob: 'README.md', match: ['README.md', 'x/README.md'], miss: ['y/readme.md', 'x/y/Readme.md'] },
];

/** Writes every path of a row under `dir` (folders made on the way), each with `content`. */
export function writeRow(dir: string, row: GlobCase, content: string): void {
  for (const p of [...row.match, ...row.miss]) {
    mkdirSync(path.dirname(path.join(dir, p)), { recursive: true });
    writeFileSync(path.join(dir, p), content);
  }
}
