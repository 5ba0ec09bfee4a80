import { shannon } from './entropy.js';
import type { Source } from './scan-rules.js';

/**
 * The generic "a secret-looking name is given a secret-looking value" rule:
 * `password = "…"`, `api_key: …`, `"clientSecret": "…"`, `<authToken>…</authToken>`,
 * `System.setProperty("X_TOKEN", "…")`. The name decides whether the value
 * is meant to be secret (token, secret, password, key …, but not `tokenUrl`,
 * `key_id` or `publicKey`); the value must look random (length, entropy) and
 * must not be a placeholder, a variable, a path, a host or a code reference.
 */

/** Words in a name that mark its value as secret. */
const SECRET_WORDS = new Set([
  'token', 'tokens', 'secret', 'secrets', 'password', 'passwd', 'pwd', 'pass', 'passphrase', 'pw', 'key', 'apikey',
  'accesskey', 'secretkey', 'privatekey', 'authkey', 'authtoken', 'apitoken', 'accesstoken', 'refreshtoken', 'auth',
  'authorization', 'bearer', 'credential', 'credentials', 'creds', 'clientsecret', 'masterkey', 'signingkey',
  'encryptionkey', 'appkey', 'appsecret', 'licensekey', 'sharedkey', 'hmackey', 'accountkey', 'subscriptionkey',
  'apisecret', 'sessiontoken', 'sessionkey', 'pat',
]);

/** Words in a name that mark its value as not secret, even beside a secret word (`token_url`, `key_id`). */
const DENY_WORDS = new Set([
  'id', 'ids', 'name', 'names', 'url', 'uri', 'urls', 'endpoint', 'host', 'hostname', 'port', 'file', 'filename',
  'files', 'path', 'dir', 'folder', 'size', 'length', 'len', 'type', 'types', 'version', 'event', 'hash', 'pair',
  'public', 'pub', 'pubkey', 'publickey', 'format', 'field', 'fields', 'header', 'pressed', 'selector', 'count',
  'index', 'idx', 'schema', 'sequence', 'primary', 'foreign', 'bucket', 'csrf', 'xsrf', 'mode', 'policy', 'ref',
  'column', 'prefix', 'suffix', 'algorithm', 'alg', 'label', 'description', 'desc', 'hint', 'placeholder', 'expiry',
  'expires', 'expiration', 'timeout', 'ttl', 'user', 'username', 'login', 'email', 'region', 'store', 'keystore',
  'generator', 'template', 'regex', 'pattern', 'method', 'provider', 'source', 'chars', 'charset', 'alphabet',
  'label', 'title', 'key_name', 'arn', 'kid', 'env', 'var', 'variable', 'param', 'prompt', 'policy', 'enabled',
  'required', 'min', 'max', 'authenticity', 'nonce', 'state', 'cache', 'lock', 'test', 'tests', 'mock', 'example', 'sample', 'dummy', 'fake', 'tag', 'tags',
]);

/** Whole values that are not secrets. */
const STOP_VALUES = new Set([
  'true', 'false', 'null', 'nil', 'none', 'undefined', 'password', 'passwd', 'secret', 'token', 'changeme',
  'change_me', 'changeit', 'example', 'redacted', 'placeholder', 'required', 'optional', 'string', 'default',
]);

/** Parts of values that mark them as placeholders or examples. */
const STOP_PARTS = [
  'xxxx', '****', '....', '____', '----', '####', '<', '>', 'example', 'placeholder', 'changeme', 'change_me',
  'your_', 'your-', 'yourkey', 'yoursecret', 'yourtoken', 'redacted', 'dummy', 'insert', 'replace', 'todo',
  'abcdefgh', 'bcdefghi', '01234567', '12345678', 'qwertyui', 'lorem', 'foobar', '${', '{{', '%(', '%s',
];

export function splitWords(name: string): string[] {
  return name
    .replace(/([a-z0-9])([A-Z])/g, '$1 $2')
    .replace(/([A-Z]+)([A-Z][a-z])/g, '$1 $2')
    .toLowerCase()
    .split(/[^a-z0-9]+/)
    .filter((w) => w.length > 0);
}

/** Is a name (variable, key, tag, header) one whose value is a secret? */
export function isSecretName(name: string): boolean {
  const words = splitWords(name);
  let secret = false;
  for (const w of words) {
    if (DENY_WORDS.has(w)) return false;
    if (SECRET_WORDS.has(w) || /^\d*password$/.test(w) || /(?:secret|passwd|password)$/.test(w)) secret = true;
  }
  return secret;
}

/** Does a value look like a placeholder, a reference or code rather than a secret? */
export function isPlaceholder(value: string): boolean {
  const lower = value.toLowerCase();
  if (STOP_VALUES.has(lower)) return true;
  for (const p of STOP_PARTS) if (lower.includes(p)) return true;
  if (/^(.)\1+$/.test(value)) return true;
  // a truncated sample: `ops_eyJzaWdu..`, `sk-…`
  if (/(?:\.\.|…)$/.test(value)) return true;
  // a short value built on a run: AbCdE123, qwe12345
  if (value.length < 12 && /(?:123|234|345|456|567|678|789|abc|bcd|cde|def)/i.test(value)) return true;
  // A variable or template: $X, %X%, @X, &X, #{…}
  if (/^[$%@&#]/.test(value) || value.endsWith('%')) return true;
  return false;
}

function looksLikeCodeOrText(value: string): boolean {
  // dotted identifiers: XSalsa20.key_length, os.environ, config.api.key
  if (/^[A-Za-z_][\w]*(?:\.[A-Za-z_][\w]*)+(?:\(\))?;?$/.test(value) && value.split('.').every((p) => /^[A-Za-z_]*\d{0,6}[A-Za-z_]*;?(?:\(\))?$/.test(p))) {
    return true;
  }
  // a path or a URL without credentials, an email, a host name
  if (/^(?:\.{0,2}\/|~\/|[a-z][a-z0-9+.-]*:\/\/[^@]*$)/i.test(value)) return true;
  if (/^[\w.+-]+@[\w-]+(?:\.[\w-]+)+$/.test(value)) return true;
  if (/^[a-z0-9-]+(?:\.[a-z0-9-]+)+(?::\d+)?$/.test(value) && /\.[a-z]{2,6}(?::\d+)?$/.test(value)) return true;
  // a file name
  if (/\.(?:pem|p12|pfx|cer|crt|der|key|keytab|jks|json|ya?ml|toml|ini|txt|md|js|ts|py|rb|go|java|png|jpe?g|gif|svg|html?|xml|jar|zip|gz|exe|dll|so|log|csv)$/i.test(value)) {
    return true;
  }
  // an identifier made of words: ACCESS_TOKEN, chain_Anvil2_Key, myApiKeyName
  if (/^[A-Za-z][A-Za-z0-9_]*$/.test(value) && (value.includes('_') || /[a-z][A-Z]/.test(value))) {
    const parts = splitWords(value);
    if (parts.length >= 2 && parts.every((p) => /^[a-z]{2,}\d{0,2}$/.test(p) || /^\d{1,2}$/.test(p))) return true;
  }
  // a function call or a type: foo(), List<String>
  if (/^[A-Za-z_][\w.]*\(.*\)$/.test(value)) return true;
  // an ordinary word or CamelCase identifier without digits
  if (/^[A-Za-z]+$/.test(value) && (value.length < 20 || shannon(value) < 3.8)) return true;
  return false;
}

/** Is this value, given under a secret name, secret-looking enough to report? */
export function isSecretValue(value: string, passwordName = false): boolean {
  if (value.length < 8 || value.length > 512) return false;
  if (isPlaceholder(value) || looksLikeCodeOrText(value)) return false;
  // a command-line option: ['secrets', '--register-aws']
  if (/^--?[A-Za-z][A-Za-z-]*$/.test(value)) return false;
  // words joined by - _ . (an identifier such as guard-index-key), unless the name says password:
  // there a passphrase is exactly what people write
  if (!passwordName && /^[A-Za-z]+(?:[-_.:/][A-Za-z]+)+$/.test(value)) return false;
  const h = shannon(value);
  if (/^\d+$/.test(value)) return value.length >= 16 && h >= 2.5;
  if (value.length < 12) return h >= 2.8 && /\d/.test(value) && /[A-Za-z]/.test(value);
  if (value.length < 20) return h >= 3.0;
  return h >= 3.2;
}

export interface GenericHit {
  index: number;
  length: number;
  secretIndex: number;
  secret: string;
  name: string;
}

// name, optional closing quote, an optional type word (Go `var x string = …`), the operator, the value.
const VALUE = `[^\\s"'\`,;\\\\<>(){}[\\]]{8,512}`;
const ASSIGN = new RegExp(
  // a quoted name may be followed by a comma: System.setProperty("X_TOKEN", "…")
  `(?<![\\w.$-])([A-Za-z0-9_$][\\w.$-]{0,80})(?:["'\`][ \\t]*,|["'\`]?(?:[ \\t]+[A-Za-z_][\\w<>[\\]*&]{0,20})?[ \\t]{0,5}(?::{1,3}=|\\?=|\\.=|\\|\\|=|=>|==|=|:))` +
    // a quoted value may sit on the next line (JSON, YAML flow); an unquoted one must not
    `[ \\t]{0,5}(?:(?:\\r?\\n[ \\t]*)?(["'\`])(${VALUE})\\2|(${VALUE}))`,
  'g',
);
const XML = /<([\w.:-]{1,80})>\s*([^\s<]{8,512})\s*<\/\1>/g;

/**
 * Find generic assignments on the lines where a secret word occurs
 * (`positions`: where the keyword prefilter saw one), and on the two lines
 * after each (a YAML value or an XML element may continue there).
 */
export function findGeneric(
  src: Source,
  positions: readonly number[],
  emit: (hit: GenericHit) => void,
  fix: (window: string) => string = (w) => w,
): void {
  for (const p of positions) {
    // The name holds the keyword, so a match starts at most 81 characters before it.
    const lineStart = src.lastNewline(p) + 1;
    const start = Math.max(lineStart, p - 81);
    let windowEnd = src.nextNewline(p);
    if (windowEnd < 0) windowEnd = src.length;
    for (let k = 0; k < 2 && windowEnd < src.length; k++) {
      const nl = src.nextNewline(windowEnd + 1);
      windowEnd = nl < 0 ? src.length : nl;
    }
    const part = fix(src.slice(start, Math.min(windowEnd, p + 700)));
    scanWindow(part, src.charsBetween(start, p), (h) =>
      emit({ ...h, index: src.offsetIn(start, part, h.index), secretIndex: src.offsetIn(start, part, h.secretIndex) }),
    );
  }
}

/** Matches in one window; offsets relative to the window. */
function scanWindow(window: string, keywordAt: number, emit: (hit: GenericHit) => void): void {
  for (const re of [ASSIGN, XML]) {
    re.lastIndex = 0;
    let a: RegExpExecArray | null;
    while ((a = re.exec(window)) !== null) {
      // Only matches whose name holds this keyword: others get their own turn.
      if (a.index > keywordAt) break;
      const name = a[1]!;
      const value = re === ASSIGN ? (a[3] ?? a[4]!) : a[2]!;
      if (a.index + name.length + 1 >= keywordAt && isSecretName(name) && isSecretValue(value, /pass|pwd/i.test(name))) {
        const secretIndex = a.index + a[0].lastIndexOf(value);
        emit({ index: a.index, length: a[0].length, secretIndex, secret: value, name });
      } else {
        // `String fooToken = …`, `var x = …`: the name may be the next word; try again after this one.
        re.lastIndex = a.index + name.length + 1;
      }
    }
  }
}
