import { shannon } from './entropy.js';
import { re, type FindEnv, type Rule } from './rule-kit.js';
import type { Source } from './scan-rules.js';

/**
 * Private keys, whatever their first line looks like: PEM (RSA, EC, DSA,
 * PKCS#8, encrypted or not), OpenSSH (ed25519, RSA, ECDSA; with or without a
 * passphrase), PGP private key blocks, PuTTY files; also JSON-escaped or split
 * over string literals. The body is judged whole: the first line of every
 * OpenSSH key is nearly the same (`b3BlbnNzaC1rZXktdjE…`), so only the whole
 * body says whether it is a real key or a placeholder.
 */

const HEADER_BEFORE = /-----BEGIN[ A-Z0-9_-]{0,100}$/;
const HEADER_AFTER = /^PRIVATE KEY(?: BLOCK)?-----/i;
/** How far a key body may reach past its header (an RSA 8192 key is about 6.5 KB). */
const MAX_BODY = 16384;

/** Base64 runs of each line, without armor headers (`Proc-Type:`, `DEK-Info:`, `Comment:`, `Version:`). */
function bodyBase64(body: string): string {
  let out = '';
  for (const line of body.replace(/\\r|\\n/g, '\n').split('\n')) {
    if (/^[\s"'+,]*[A-Za-z][A-Za-z0-9-]*:\s/.test(line)) continue;
    for (const m of line.matchAll(/[A-Za-z0-9+/=]{16,}/g)) out += m[0];
  }
  return out;
}

/** A real key body: long, random, no placeholder (`...`, `<key>`, `xxxx`, `REDACTED`). */
function isKeyBody(raw: string): boolean {
  if (/\.\.\.|…|<[A-Za-z]|x{4,}|X{4,}|\*{4,}|redacted|your[ _-]/i.test(raw)) return false;
  const b64 = bodyBase64(raw);
  if (b64.length < 64) return false;
  return shannon(b64.slice(0, 4096)) >= 4.6;
}

/** What the armor header says: `-----BEGIN OPENSSH ` → OpenSSH private key. */
function keyKind(header: string): string {
  const words = header.replace(/^-----BEGIN\s*/, '').trim().toUpperCase();
  if (words === '') return 'private key (PKCS#8)';
  if (words === 'ENCRYPTED') return 'encrypted private key (PKCS#8)';
  if (words === 'OPENSSH') return 'OpenSSH private key';
  if (words === 'PGP') return 'PGP private key block';
  if (/^(?:RSA|EC|DSA)$/.test(words)) return `${words} private key (PEM)`;
  return `${words} private key`;
}

/** Where the body's first base64 line starts (past the armor headers). */
function firstBodyOffset(raw: string): number {
  for (const m of raw.matchAll(/[A-Za-z0-9+/=]{16,}/g)) {
    const before = raw.slice(0, m.index);
    const lineStart = Math.max(before.lastIndexOf('\n'), before.lastIndexOf('\\n') + 1);
    // before it on its line only quotes, `+`, comment or margin marks (` * `, `|`, `#`, `//`, `>`)
    if (/^[\s"'+,\\|*#/;>]*$/.test(raw.slice(lineStart + 1, m.index))) return m.index;
  }
  return 0;
}

function findPrivateKeys(src: Source, positions: readonly number[], env: FindEnv): void {
  let coveredTo = -1;
  for (const p of positions) {
    if (p < coveredTo) continue;
    const lineStart = src.lastNewline(p) + 1;
    const w = env.fix(src.slice(lineStart, Math.min(src.length, p + MAX_BODY)));
    const k = src.charsBetween(lineStart, p);
    const before = HEADER_BEFORE.exec(w.slice(Math.max(0, k - 110), k));
    if (!before) continue;
    const h = HEADER_AFTER.exec(w.slice(k, k + 40));
    if (!h) continue;
    let bodyStart = k + h[0].length;
    const endAt = w.indexOf('-----END', bodyStart);
    const bodyEnd = endAt < 0 ? w.length : endAt;
    const raw = w.slice(bodyStart, bodyEnd);
    if (!isKeyBody(raw)) continue;
    bodyStart += firstBodyOffset(raw);
    const secret = w.slice(bodyStart, bodyEnd).replace(/(?:\\[rn]|[\s"'+,\\])+$/, '');
    env.emit({ rule: 'private-key', index: src.offsetIn(lineStart, w, bodyStart), secret, description: keyKind(before[0]) });
    coveredTo = p + (bodyEnd - k);
  }
}

export const KEY_RULES: readonly Rule[] = [
  {
    id: 'private-key',
    description: 'private key (PEM, OpenSSH, PGP)',
    keywords: ['private key'],
    find: findPrivateKeys,
  },
  {
    id: 'putty-private-key',
    description: 'PuTTY private key',
    keywords: ['putty-user-key-file'],
    span: 8192,
    // also JSON-escaped (`\n` for each line break)
    regex: re(`PuTTY-User-Key-File-\\d:[^\\n]*?(?:\\n|\\\\n)[\\s\\S]{0,6000}?Private-Lines:[ \\t]*\\d+[ \\t]*(?:\\r?\\n|(?:\\\\r)?\\\\n)[ \\t]*(?<s>[A-Za-z0-9+/=]{40,})`),
    check: (s) => !/x{4,}|\.\.\./i.test(s) && shannon(s) >= 3.5,
  },
];
