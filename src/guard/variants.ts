/**
 * The encodings a vault value may take in a file: each is indexed as its own
 * entry, so one pass over the staged bytes finds the value raw, inside a URL
 * (percent-encoded), inside a JSON string (escaped) or base64'd (a Basic auth
 * header, a Kubernetes secret) at any alignment.
 */

export const VARIANTS = ['raw', 'url', 'url-all-upper', 'url-all-lower', 'form', 'json', 'base64', 'base64url', 'line'] as const;
export type Variant = (typeof VARIANTS)[number];

export interface VariantText {
  variant: Variant;
  bytes: Buffer;
}

/** Percent-encode every byte outside [A-Za-z0-9] (what strict encoders and some languages do). */
function percentAll(value: string, upper: boolean): string {
  let out = '';
  for (const b of Buffer.from(value, 'utf8')) {
    const isAlnum = (b >= 48 && b <= 57) || (b >= 65 && b <= 90) || (b >= 97 && b <= 122);
    if (isAlnum) out += String.fromCharCode(b);
    else {
      const hex = b.toString(16).padStart(2, '0');
      out += '%' + (upper ? hex.toUpperCase() : hex);
    }
  }
  return out;
}

/**
 * The part of base64(prefix + value) that depends only on the value, for each
 * of the three alignments the value can have in the encoded data (YARA's
 * "base64" idea): characters mixing in unknown neighbouring bytes are dropped.
 */
export function base64Cores(value: Buffer, urlSafe: boolean): string[] {
  const cores: string[] = [];
  // o bytes before the value; the first dropStart characters mix in those unknown bytes.
  for (const [o, dropStart] of [[0, 0], [1, 2], [2, 3]] as const) {
    const buf = Buffer.concat([Buffer.alloc(o), value]);
    let s = buf.toString('base64').replace(/=+$/, '');
    const total = o + value.length;
    const dropEnd = total % 3 === 0 ? 0 : 1;
    s = s.slice(dropStart, s.length - dropEnd);
    if (urlSafe) s = s.replace(/\+/g, '-').replace(/\//g, '_');
    cores.push(s);
  }
  return cores;
}

/** Every distinct encoded form of `value` worth indexing (at least `minBytes` long). */
export function variantsOf(value: string, minBytes = 8): VariantText[] {
  const out: VariantText[] = [];
  const seen = new Set<string>();
  const add = (variant: Variant, text: string): void => {
    if (seen.has(text)) return;
    const bytes = Buffer.from(text, 'utf8');
    if (bytes.length < minBytes) return;
    seen.add(text);
    out.push({ variant, bytes });
  };
  add('raw', value);
  add('url', encodeURIComponent(value));
  add('url-all-upper', percentAll(value, true));
  add('url-all-lower', percentAll(value, false));
  if (value.includes(' ')) add('form', encodeURIComponent(value).replace(/%20/g, '+'));
  add('json', JSON.stringify(value).slice(1, -1));
  // JavaScript and some JSON writers also escape `/`.
  add('json', JSON.stringify(value).slice(1, -1).replace(/\//g, '\\/'));
  const raw = Buffer.from(value, 'utf8');
  for (const c of base64Cores(raw, false)) add('base64', c);
  for (const c of base64Cores(raw, true)) add('base64url', c);
  // A multi-line value (a key in a note): each long line on its own.
  if (value.includes('\n')) {
    for (const line of value.split(/\r?\n/)) {
      const t = line.trim();
      if (t.length >= 20) add('line', t);
    }
  }
  return out;
}
