import { shannon } from './entropy.js';
import type { NameStrength } from './generic-names.js';

/**
 * Which values given to a secret name are secrets, for the generic rule: a
 * value must look random, and must not be a placeholder (`${X}`, `{{ x }}`,
 * `<token>`, `%(pw)s`, `$VAR`), a reference or code (an identifier, an env
 * var's name, a path, a URL, a host, a file, a call, a version, an option), a
 * public key, or made of words (`base64encodedkey==`, `hunter42`).
 */

/** Whole values that are not secrets. */
const STOP_VALUES = new Set([
  'true', 'false', 'null', 'nil', 'none', 'undefined', 'required', 'optional', 'string', 'default', 'empty', 'hidden',
  'unset', 'disabled', 'enabled', 'secret', 'password', 'token', 'changeme', 'changeit',
]);

/** Parts of values that mark them as placeholders or examples. */
const STOP_PARTS = [
  'example', 'placeholder', 'changeme', 'change_me', 'change-me', 'changeit', 'your_', 'your-', 'yourkey', 'yoursecret',
  'yourtoken', 'yourpassword', 'redacted', 'dummy', 'insert', 'replace', 'todo', 'fixme', 'lorem', 'foobar', 'sample',
  'secret', 'password', 'passwd', 'token', 'notreal', 'not_real', 'not-real', 'notasecret', 'fake', 'test',
  'abcdefgh', 'bcdefghi', 'cdefghij', 'defghijk', '01234567', '12345678', '23456789', 'qwer', 'asdf', 'zxcv',
  'aws4_request',
];

const PLACEHOLDER_FORMS: readonly RegExp[] = [
  /\$\{[^}]*\}?/, // ${VAR}, ${{ expr }}
  /\{\{.*?(?:\}\}|$)/, // {{ var }}
  /#\{[^}]*\}/, // Ruby interpolation
  /<%.*?%>/, // ERB, EJS
  /%\([\w.-]+\)[sdr]/, // Python %(name)s
  /<[A-Za-z][\w .:-]*>/, // <your-token>
  /\$\([\w ./-]+\)/, // $(cat file)
  /^\$[A-Za-z_{(\d]/, // $VAR
  /^%[A-Za-z_]\w*%$/, // %VAR%
  /^@[A-Za-z_]\w*@$/, // @VAR@
  /^__[A-Za-z0-9_]+__$/, // __VAR__
  /^\{.*\}$/, // {name}, {accessKey:.*}, a JSON object
  /^[\w.:/-]*%[sd][\w.:/-]*$/, // token_%s
  /x{4,}|X{4,}|\*{3,}|•{3,}|\.{3,}|…|_{4,}|-{4,}|#{4,}|0{6,}|1{6,}|9{6,}/,
];

export function isPlaceholder(value: string): boolean {
  const lower = value.toLowerCase();
  if (STOP_VALUES.has(lower)) return true;
  for (const p of STOP_PARTS) if (lower.includes(p)) return true;
  for (const r of PLACEHOLDER_FORMS) if (r.test(value)) return true;
  if (/^(.{1,4})\1{2,}$/.test(value)) return true; // abababab, 12341234
  // a short value built on a run: AbCeFG123, qwe12345
  if (value.length < 12 && /(?:123|234|345|456|567|678|789|abc|bcd|cde|def)/i.test(value)) return true;
  if (value.endsWith('%') && /^%?\w+%$/.test(value)) return true;
  return alphabetRun(lower);
}

/** `A1B2C3D4E5F6G7H8I9J0`: letters in alphabet order, a made-up value. */
function alphabetRun(lower: string): boolean {
  const letters = lower.replace(/[^a-z]/g, '');
  if (letters.length < 6) return false;
  let run = 1;
  for (let i = 1; i < letters.length; i++) {
    run = letters.charCodeAt(i) === letters.charCodeAt(i - 1) + 1 ? run + 1 : 1;
    if (run >= 6) return true;
  }
  return false;
}

/**
 * A word, maybe with a few digits after it: `instance`, `Anvil2`, `k8s`, `HTTP`,
 * `uuid4`. Random chunks are not: `Zf3`, `D0`, `P84OE7UT4QR` (one letter, or
 * letters and digits mixed, or no vowel in a long run).
 */
function wordLike(part: string): boolean {
  if (/^\d{1,4}$/.test(part)) return true;
  const core = part.replace(/\d{1,6}$/, '');
  if (/^[A-Z]$/.test(core)) return true; // X-Header, S3
  if (core.length < 2 || !/^(?:[A-Z]?[a-z]+|[A-Z]+)$/.test(core)) return /^[a-z]\d[a-z]$/.test(part); // k8s
  return core.length < 5 || /[aeiouyAEIOUY]/.test(core);
}

/** An identifier made of words: `BlindKeySignatures`, `uuid4`, `key_length`. */
function identifierLike(part: string): boolean {
  const words = part.split(/[-_$]+|(?<=[a-z])(?=[A-Z])/).filter((p) => p.length > 0);
  return words.length > 0 && words.every(wordLike);
}

/** An identifier, a reference, a path, a URL, a call, a version: code or text, not a secret. */
export function looksLikeCode(value: string): boolean {
  const v = value.replace(/[;,]$/, '');
  // an env var's name, an identifier made of words: S3_SECRET_KEY, chain_Anvil2_Key, myApiKeyName, __vite_ssr_import__
  if (/^[A-Z][A-Z0-9]*(?:_[A-Z0-9]+)+$/.test(v)) return true;
  if (/^[A-Za-z_$][\w$]*(?:[-_][\w$]+)*$/.test(v) && (/[-_]/.test(v) || /[a-z][A-Z]/.test(v))) {
    const parts = v.split(/[-_$]+|(?<=[a-z])(?=[A-Z])/).filter((p) => p.length > 0);
    if (parts.length >= 2 && parts.every(wordLike) && parts.filter((p) => p.length >= 3).length * 2 >= parts.length) return true;
  }
  // a dotted or scoped reference: config.api.key, os.environ, Foo::Bar, a->b, a?.b, uuid.uuid4().hex
  if (/^[A-Za-z_$][\w$]*(?:\(\))?(?:(?:\.|::|->|\?\.)[A-Za-z_$][\w$]*(?:\(\))?)+$/.test(v) && v.replace(/\(\)/g, '').split(/\.|::|->|\?\./).every(identifierLike)) {
    return true;
  }
  // a path or a URL without credentials, an email, a host, an IP address
  if (/^(?:\.{0,2}\/|~\/|[A-Za-z]:\\|[a-z][a-z0-9+.-]*:\/\/[^@]*$)/i.test(v)) return true;
  if (/^[\w.+-]+@[\w-]+(?:\.[\w-]+)+$/.test(v)) return true;
  if (/^[a-z0-9-]+(?:\.[a-z0-9-]+)+(?::\d+)?$/i.test(v) && /\.[a-z]{2,6}(?::\d+)?$/i.test(v)) return true;
  if (/^\d{1,3}(?:\.\d{1,3}){3}(?::\d+)?$/.test(v)) return true;
  if (/^[\w.@-]+(?:\/[\w.@-]+)+\/?$/.test(v) && v.split('/').filter(Boolean).every((p) => p.split(/[.-]/).every((q) => q === '' || wordLike(q)))) return true;
  // a file name
  if (/\.(?:pem|p12|pfx|cer|crt|der|key|keytab|jks|json|ya?ml|toml|ini|txt|md|js|ts|py|rb|go|java|png|jpe?g|gif|svg|html?|xml|jar|zip|gz|exe|dll|so|log|csv|env|conf|cfg|sh|bin|dat|db|sqlite|kdbx|enc|gpg|asc|age)$/i.test(v)) {
    return true;
  }
  // a call, a type, an index, an option
  if (/^[\w.$:]+\(.*\)$/.test(v) || /^[\w.]+<.*>$/.test(v) || /^[\w.]+\[.*\]$/.test(v) || /^--?[A-Za-z][\w-]*(?:=.*)?$/.test(v)) return true;
  // a version or package spec, a MIME type, a hash named by its algorithm, a date
  if (/^(?:npm|workspace|file|link|patch|portal|github|git\+[a-z]+):/i.test(v) || /^[~^<>=v]*\d+\.\d+(?:\.\d+)?(?:[-+][\w.]+)?$/.test(v)) return true;
  if (/^(?:application|text|image|audio|video|multipart|font)\/[\w.+-]+$/.test(v)) return true;
  if (/^(?:sha(?:1|224|256|384|512)|md5|blake2[bs]?|sha3-\d+|crc32)[-:]/i.test(v)) return true;
  if (/^\d{4}-\d\d-\d\d(?:[T ]\d\d:\d\d)?/.test(v)) return true;
  // a short name with a number in it: Argon2id, utf8mb4, sha256sum
  if (v.length < 12 && /^[A-Za-z]{3,}\d{1,5}[a-z]{0,4}$/.test(v)) return true;
  // an ordinary word or CamelCase identifier without digits
  if (/^[A-Za-z]+$/.test(v) && (v.length < 20 || shannon(v) < 3.8)) return true;
  return false;
}

/** A regular expression: a character class with a range, `\\d`, `(?:`, a quantified class. */
function looksLikeRegex(value: string): boolean {
  return /\[[^\]]*[a-z0-9]-[a-z0-9][^\]]*\]|\(\?[:=!<]|\\[dswbDSWB]|\][+*?]|\]\{\d|^\^.*\$$/.test(value);
}

/** SSH, SPKI (DER) and age public keys: never secrets. */
function isPublicKey(value: string): boolean {
  if (/^(?:ssh-(?:rsa|dss|ed25519|ed448)|ecdsa-sha2-|sk-(?:ssh|ecdsa)-|age1[02-9ac-hj-np-z]{50,})/.test(value)) return true;
  if (!/^[A-Za-z0-9+/]{16,}/.test(value)) return false;
  const head = Buffer.from(value.slice(0, 32), 'base64');
  // an SSH key blob: uint32 length, then "ssh-…", "ecdsa-…" or "sk-…"
  if (value.startsWith('AAAA') && /^(?:ssh-|ecdsa-|sk-)/.test(head.toString('latin1', 4, 10))) return true;
  // SubjectPublicKeyInfo: SEQUENCE { SEQUENCE { OID … } BIT STRING } (a private key has an INTEGER version first)
  const len = head[1];
  if (head[0] === 0x30 && len !== undefined) {
    const lenBytes = len & 0x80 ? (len & 0x7f) + 1 : 1;
    return head[1 + lenBytes] === 0x30 && head.length > 2 + lenBytes;
  }
  return false;
}

const VOWELS = /[aeiouy]/g;

/** Mostly natural words: `base64encodedkey==`, `hunter42`, `rapunz3l`, `my-smtp-password`. */
export function looksWordy(value: string): boolean {
  const segments = value.split(/[^A-Za-z]+|(?<=[a-z])(?=[A-Z])/).filter((s) => s.length >= 4);
  let covered = 0;
  for (const s of segments) {
    const lower = s.toLowerCase();
    const vowels = (lower.match(VOWELS) ?? []).length / lower.length;
    if (vowels < 0.2 || vowels > 0.7 || /[^aeiouy]{5,}/.test(lower) || /(.)\1\1/.test(lower)) continue;
    covered += s.length;
  }
  return covered >= 0.7 * value.replace(/=+$/, '').length;
}

/** A base64 value that decodes to printable text: the text (`ZXhhbXBsZS1hcHAtc2VjcmV0` → example-app-secret). */
function decodedText(value: string): string | undefined {
  if (value.length < 12 || value.length % 4 !== 0 || !/^[A-Za-z0-9+/]+={0,2}$/.test(value)) return undefined;
  const text = Buffer.from(value, 'base64').toString('latin1');
  return /^[\x20-\x7e]+$/.test(text) ? text : undefined;
}

function classes(v: string): number {
  return (/[a-z]/.test(v) ? 1 : 0) + (/[A-Z]/.test(v) ? 1 : 0) + (/\d/.test(v) ? 1 : 0) + (/[^A-Za-z0-9]/.test(v) ? 1 : 0);
}

export interface ValueOptions {
  /** The name says password: a passphrase of words joined by dashes is one. */
  password?: boolean;
  /** A weak name (`key:`, `pass:`) needs a value that is unmistakably random. */
  strength?: NameStrength;
}

/** Is this value, given under a secret name, secret-looking enough to report? */
export function isSecretValue(value: string, opts: ValueOptions = {}): boolean {
  const v = value;
  // prose (a message, a translation) is not a secret: spaces, or letters outside ASCII
  if (v.length < 8 || v.length > 512 || /\s/.test(v) || /[^\x00-\x7f]/.test(v)) return false;
  if (isPlaceholder(v)) return false;
  if (opts.password && /^[A-Za-z]{3,}(?:[-_.][A-Za-z]{3,}){3,}$/.test(v) && v.length >= 20) return true; // a passphrase
  if (looksLikeCode(v) || isPublicKey(v) || looksLikeRegex(v)) return false;
  if (/^ey[A-Za-z0-9_-]{10,}\.ey/.test(v)) return false; // a JWT: the jwt rule judges it
  const decoded = decodedText(v);
  if (decoded !== undefined && (isPlaceholder(decoded) || looksLikeCode(decoded) || looksWordy(decoded))) return false;
  if (/^[A-Za-z]+(?:[-_.:/][A-Za-z]+)+$/.test(v) || looksWordy(v)) return false;
  const h = shannon(v);
  const c = classes(v);
  if (opts.strength === 'weak') {
    // `key: <hex>` is as often a hash as a key: a weak name needs a mixed-case random value
    return v.length >= 20 && h >= 3.7 && c >= 3 && /[A-Z]/.test(v) && /[a-z]/.test(v);
  }
  if (/^\d+$/.test(v)) return v.length >= 16 && h >= 2.5;
  if (v.length < 12) return h >= 2.8 && c >= 2 && /\d/.test(v) && /[A-Za-z]/.test(v);
  if (v.length < 20) return h >= 3.0 && c >= 2;
  return h >= 3.2;
}
