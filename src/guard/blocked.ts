/**
 * Files that must never be committed: by path (`.secrets_tmp/**`,
 * `**\/*.secrets.md`, `guard.blockPaths`) and plaintext KeePass exports
 * recognised by their content. Encrypted `.kdbx` files are allowed.
 */

export const DEFAULT_BLOCK_PATHS = ['.secrets_tmp/**', '**/.secrets_tmp/**', '**/*.secrets.md'] as const;

/**
 * A gitignore-like glob to a RegExp: `**` any folders, `*` and `?` within one
 * path segment, `[…]` a class. A pattern without a slash matches the file name
 * at any depth; one with a slash is anchored at the repository root.
 */
export function globToRegExp(glob: string): RegExp {
  let g = glob.trim().replace(/^\.\//, '');
  const anchored = g.replace(/\/$/, '').includes('/');
  if (g.endsWith('/')) g += '**';
  if (g.startsWith('/')) g = g.slice(1);
  let out = '';
  for (let i = 0; i < g.length; i++) {
    const c = g[i]!;
    if (c === '*') {
      if (g[i + 1] === '*') {
        const slashAfter = g[i + 2] === '/';
        out += slashAfter ? '(?:.*/)?' : '.*';
        i += slashAfter ? 2 : 1;
      } else out += '[^/]*';
    } else if (c === '?') out += '[^/]';
    else if (c === '[') {
      const end = g.indexOf(']', i + 1);
      if (end < 0) out += '\\[';
      else {
        out += '[' + g.slice(i + 1, end).replace(/^!/, '^').replace(/\\/g, '\\\\') + ']';
        i = end;
      }
    } else out += c.replace(/[.+^${}()|\\]/g, '\\$&');
  }
  return new RegExp(anchored ? `^${out}$` : `(?:^|/)${out}$`);
}

export function pathMatcher(globs: readonly string[]): (p: string) => string | undefined {
  const compiled = globs.map((g) => [g, globToRegExp(g)] as const);
  return (p) => compiled.find(([, r]) => r.test(p))?.[0];
}

const KDBX_SIGNATURE = Buffer.from([0x03, 0xd9, 0xa2, 0x9a]);

/** An encrypted KeePass database (KDBX 1.x–4.x): allowed. */
export function isKdbx(bytes: Uint8Array): boolean {
  return bytes.length >= 8 && Buffer.from(bytes.subarray(0, 4)).equals(KDBX_SIGNATURE);
}

/** Is this the beginning of a plaintext KeePass export? Returns its kind. */
export function detectExport(head: string): 'keepass-csv' | 'keepass-xml' | 'keepass-html' | undefined {
  const text = head.replace(/^\uFEFF/, '');
  const firstLine = (text.split(/\r?\n/, 1)[0] ?? '').toLowerCase().replace(/["']/g, '');
  const cols = firstLine.split(/[,;\t]/).map((c) => c.trim());
  const has = (...names: string[]): boolean => names.some((n) => cols.includes(n));
  // KeePassXC / KeePass 2: Group,Title,Username,Password,URL,Notes; KeePass 1: Account,Login Name,Password,Web Site,Comments
  if (has('password') && has('title', 'account') && has('username', 'user name', 'login name')) return 'keepass-csv';
  // XML and HTML: the document itself must be the export (not code or docs that mention the tags)
  const start = text.trimStart();
  const isXml = /^(?:<\?xml[^>]*>\s*)?(?:<!--[\s\S]*?-->\s*)?</.test(start);
  if (isXml && /^(?:<\?xml[^>]*>\s*)?(?:<!--[\s\S]*?-->\s*)?<KeePassFile>/.test(start) && /<(?:Root|Group|Meta)>/.test(text)) return 'keepass-xml';
  if (isXml && /^(?:<\?xml[^>]*>\s*)?<pwlist>/i.test(start) && /<pwentry/i.test(text)) return 'keepass-xml';
  if (/^(?:<!DOCTYPE html[^>]*>\s*)?<html/i.test(start) && /KeePass/i.test(text) && /password/i.test(text)) return 'keepass-html';
  return undefined;
}
