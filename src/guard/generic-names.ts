/**
 * Which names hold secrets, for the generic assignment rule. A name is read by
 * its words (`DB_PASSWORD`, `clientSecret`, `api.key` → db password, client
 * secret, api key). Some words make it a secret name on their own (`password`,
 * `secret`, `token`); some only with a qualifier (`key` in `api_key`, not in
 * `cache_key`; `pass` in `db_pass`, not in a test's `pass:`); and some words
 * say the value is something else (`token_url`, `key_id`, `public_key`,
 * `password_hint`).
 */

export type NameStrength = 'none' | 'weak' | 'strong';

/** Words that make a name secret on their own. */
const STRONG = new Set([
  'token', 'secret', 'secrets', 'password', 'passwords', 'passwd', 'passphrase', 'apikey', 'accesskey',
  'secretkey', 'privatekey', 'authkey', 'authtoken', 'apitoken', 'accesstoken', 'refreshtoken', 'authorization',
  'bearer', 'credential', 'credentials', 'creds', 'clientsecret', 'masterkey', 'signingkey', 'encryptionkey',
  'appkey', 'appsecret', 'licensekey', 'sharedkey', 'hmackey', 'accountkey', 'subscriptionkey', 'apisecret',
  'sessiontoken', 'sessionkey', 'privkey', 'secretkeybase', 'webhooksecret', 'jwtsecret', 'dbpass', 'dbpassword',
]);
// `pwd` alone is as often the working directory (shell prompts) as a password: weak, like `pass`

/** Words that make a name secret only beside a qualifier (or with a very random value). */
const WEAK = new Set(['key', 'keys', 'pass', 'pwd', 'auth', 'pat', 'pw', 'cred', 'pin', 'salt', 'seed']);

/** Qualifiers that turn a weak word into a secret name: `api_key`, `DB_PASS`, `master.key`. */
const QUALIFIERS = new Set([
  'api', 'access', 'secret', 'private', 'priv', 'auth', 'master', 'signing', 'sign', 'signature', 'encryption', 'encrypt',
  'decrypt', 'enc', 'crypt', 'crypto', 'cipher', 'app', 'license', 'licence', 'shared', 'hmac', 'account', 'subscription',
  'client', 'consumer', 'service', 'aes', 'rsa', 'jwt', 'webhook', 'deploy', 'ssh', 'root', 'admin',
  'kms', 'sse', 'server', 'db', 'database', 'user', 'login', 'smtp', 'mail', 'email', 'ftp', 'sftp', 'sudo', 'proxy',
  'redis', 'mysql', 'postgres', 'pg', 'mongo', 'wifi', 'vpn', 'ldap', 'bind', 'sas', 'storage', 'write', 'upload',
  'derivation', 'session', 'cookie', 'oauth', 'personal', 'bot', 'slack', 'github', 'gitlab', 'stripe', 'twilio',
  'aws', 'azure', 'gcp', 'google', 'firebase', 'algolia', 'sendgrid', 'mailgun', 'openai', 'jira', 'confluence',
]);
// not 'gpg' / 'pgp': a "GPG key" in a config is a key id or fingerprint (the key itself is an armored block)

/** Words that say the value is not a secret, whatever else the name says. */
const DENY = new Set([
  'id', 'ids', 'url', 'uri', 'urls', 'endpoint', 'host', 'hostname', 'port', 'path', 'paths', 'file', 'filename', 'files',
  'dir', 'folder', 'size', 'length', 'len', 'count', 'type', 'types', 'kind', 'version', 'event', 'format', 'field',
  'fields', 'header', 'headers', 'selector', 'index', 'idx', 'schema', 'column', 'prefix', 'suffix', 'algorithm', 'alg',
  'label', 'description', 'desc', 'hint', 'placeholder', 'expiry', 'expires', 'expiration', 'timeout', 'ttl', 'region',
  'generator', 'template', 'regex', 'pattern', 'method', 'provider', 'source', 'chars', 'charset', 'alphabet', 'title',
  'arn', 'kid', 'env', 'var', 'variable', 'param', 'prompt', 'policy', 'enabled', 'required', 'min', 'max', 'nonce',
  'state', 'cache', 'lock', 'public', 'pub', 'pubkey', 'publickey', 'hash', 'hashed', 'digest', 'checksum',
  'fingerprint', 'thumbprint', 'ident', 'identity', 'cancel', 'cancellation', 'csrf', 'xsrf', 'authenticity', 'forgery',
  'lexer', 'parser', 'tokenizer', 'tokens', 'next', 'page', 'continuation', 'cursor', 'sort', 'primary', 'foreign',
  'partition', 'widget', 'dialog', 'button', 'edit', 'view', 'menu', 'input', 'form', 'validator', 'validation',
  'strength', 'quality', 'health', 'visible', 'visibility', 'show', 'hide', 'toggle', 'reset', 'forgot', 'repeat',
  'confirmation', 'callback', 'handler', 'listener', 'error', 'errors', 'tooltip', 'icon', 'name',
  'names', 'mock', 'example', 'sample', 'dummy', 'fake', 'test', 'tests', 'store', 'keystore', 'truststore', 'pair',
  'mode', 'ref', 'tag', 'tags', 'bucket', 'keyword', 'keywords', 'css', 'class', 'style', 'color', 'font', 'width',
  'height', 'mapping', 'map', 'lookup', 'group', 'binding', 'bindings', 'shortcut', 'hotkey', 'press', 'pressed',
  'down', 'up', 'code', 'char', 'modifier', 'modifiers', 'alias', 'sequence', 'policy', 'rotation', 'length',
  // an error message's key, a digest of a secret
  'invalid', 'missing', 'wrong', 'incorrect', 'bad', 'failed', 'md5', 'sha1', 'sha256', 'sha512', 'crc', 'crc32',
]);

function splitWords(name: string): string[] {
  return name
    .replace(/([a-z0-9])([A-Z])/g, '$1 $2')
    .replace(/([A-Z]+)([A-Z][a-z])/g, '$1 $2')
    .toLowerCase()
    .split(/[^a-z0-9]+/)
    .filter((w) => w.length > 0);
}

/** How strongly a name (variable, key, tag, header) says its value is a secret. */
export function nameStrength(name: string): NameStrength {
  const words = splitWords(name);
  let strong = false;
  let weak = 0;
  let qualified = false;
  for (const w of words) {
    if (DENY.has(w)) return 'none';
    if (STRONG.has(w) || /^\d*password\d*$/.test(w) || (w.length > 6 && /(?:secret|passwd|password|token|apikey)$/.test(w))) strong = true;
    else if (WEAK.has(w)) weak++;
    else if (QUALIFIERS.has(w)) qualified = true;
  }
  if (strong) return 'strong';
  // `auth_key`: two weak words qualify each other
  if (weak > 0) return qualified || weak > 1 ? 'strong' : 'weak';
  return 'none';
}

/** Is a name one whose value is a secret (on its own, without a very random value)? */
export function isSecretName(name: string): boolean {
  return nameStrength(name) === 'strong';
}

/** Names that say "password": there a passphrase of plain words is exactly what people write. */
export function isPasswordName(name: string): boolean {
  return /pass|pwd/i.test(name);
}
