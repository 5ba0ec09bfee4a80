/**
 * Files that must never be committed: by path (`.secrets_tmp/**`,
 * `**\/*.secrets.md`, `guard.blockPaths`) and plaintext KeePass exports
 * recognised by their content. Encrypted `.kdbx` files are allowed.
 */

export const DEFAULT_BLOCK_PATHS = ['.secrets_tmp/**', '**/.secrets_tmp/**', '**/*.secrets.md'] as const;

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
