import { shannon } from './entropy.js';
import { findGeneric } from './generic.js';
import { isPlaceholder, looksLikeCode, looksWordy } from './generic-values.js';
import { E, percentDecode, re, type Rule } from './rule-kit.js';

/**
 * Rules that need the text around a secret to tell it from code: connection
 * strings and URLs with a password, HTTP authorization headers, `curl -u`, the
 * provider tokens recognised by the name they are given (Django, Twilio,
 * Telegram, classic Atlassian tokens), and the generic assignment rule.
 */

/** Passwords that documentation uses for its examples (`scott:tiger`, `foo:bar`, `aladdin:opensesame`). */
const EXAMPLE_PASSWORDS = new Set([
  'pass', 'pwd', 'pw', 'passw0rd', 'p4ssw0rd', 'p@ssw0rd', 'p@ssword', 'pa55word', 'tiger', 'bar', 'foo', 'baz', 'qux',
  'hunter2', 'opensesame', 'letmein', 'admin', 'root', 'guest', 'user', 'postgres', 'mysql', 'redis', 'default',
  'secretkey', 'accesskey', 'mypass', 'mypwd', 'pass123', 'abc123', 'qwerty', 'test', 'testing', 'demo', 'secret',
]);

/** Parts of a URL password that say it is a placeholder (a real password may hold "secret" or "pass"). */
const URL_PLACEHOLDER = /^(?:some|my)[_-]|password|passwd|example|changeme|change_me|your[_-]|replace|redacted|placeholder|dummy|xxxx|\*\*\*|abcd|1234|qwer|asdf/;

/** Hosts of examples and local services. */
const LOCAL_HOST = /^(?:localhost|127(?:\.\d+){3}|0\.0\.0\.0|\[::1?\]|::1|host|hostname|server|db|database|example|[\w.-]*\.(?:example|invalid|test|local|localhost|localdomain)|[\w.-]*example\.(?:com|org|net))(?::\d+|$)/i;

/** A weak password a person made up: one word, maybe digits (`minio123`, `MagicWord`). */
function weakPassword(pw: string): boolean {
  return /^[A-Za-z]{1,16}\d{0,6}[!.]?$/.test(pw) || looksWordy(pw) || shannon(pw) < 2.5;
}

/** The password part of `scheme://user:password@host`: not a placeholder, an example, or the user's name again. */
function urlPassword(raw: string, user: string, host: string): boolean {
  const pw = percentDecode(raw);
  if (pw.length < 4 || /\s/.test(pw) && pw.length < 8) return false;
  // placeholders: ${PW}, {{ pw }}, <password>, [password], %(pw)s, %PW%, $PW, ***, xxx, ...
  if (/^\{.*\}$|^\[.*\]$|^<.*>$|^%\w+%$/.test(pw) || /\$\{|\{\{|<%|%\(|\*\*\*|x{3,}|X{3,}|\.{3}|…/.test(raw) || /^\$[A-Za-z_({]/.test(raw)) return false;
  const lower = pw.toLowerCase();
  if (EXAMPLE_PASSWORDS.has(lower) || URL_PLACEHOLDER.test(lower) || /^(.)\1+$/.test(pw) || /^\{.*\}$/.test(pw)) return false;
  const u = percentDecode(user).toLowerCase();
  if (u && (lower === u || lower.startsWith(u) && /^\d*$/.test(lower.slice(u.length)))) return false;
  if (LOCAL_HOST.test(host) && weakPassword(pw)) return false;
  return true;
}

const SCHEME = '[A-Za-z][A-Za-z0-9]*(?:[+.-][A-Za-z0-9]+)*';

/** `Authorization: Basic …`: the decoded `user:password` must be a real one. */
function basicCredential(b64: string): boolean {
  const text = Buffer.from(b64, 'base64').toString('latin1');
  const colon = text.indexOf(':');
  if (colon < 0 || !/^[\x20-\x7e]+$/.test(text)) return shannon(b64) >= 3.5;
  return urlPassword(encodeURIComponent(text.slice(colon + 1)), text.slice(0, colon), 'remote');
}

export const CONTEXT_RULES: readonly Rule[] = [
  {
    id: 'connection-string-password',
    description: 'connection string or URL with an inline password',
    keywords: ['://'],
    regex: re(
      `(?<![A-Za-z0-9_+.-])(?<scheme>${SCHEME})://(?<u>[^:/?#@\\s"'\`<>]{0,128}):(?<s>[^/?#\\s"'\`<>]{1,256})@(?<h>[A-Za-z0-9_\\-\\[\\]%][A-Za-z0-9._\\-\\[\\]%:]*)`,
    ),
    check: (s, m) => urlPassword(s, m.groups?.['u'] ?? '', m.groups?.['h'] ?? ''),
    describe: (m) => {
      const scheme = (m.groups?.['scheme'] ?? '').toLowerCase();
      return /^(?:https?|wss?|ftps?)$/.test(scheme) ? `${scheme} URL with an inline password` : `${scheme} connection string with an inline password`;
    },
  },
  {
    id: 'http-auth-header',
    description: 'HTTP Authorization header with a credential',
    keywords: ['authorization', 'x-api-key', 'x-auth-token', 'x-access-token', 'x-apikey'],
    contextual: true,
    regex: re(
      `(?<![\\w-])(?<h>(?:proxy-)?authorization|x-api-key|x-apikey|x-auth-token|x-access-token)["']?[ \\t]*[:=][ \\t]*["']?(?:(?<scheme>basic|bearer|token|digest|apikey|sso-key)[ \\t]+)?(?<s>[A-Za-z0-9._~+/=-]{16,})`,
      'i',
    ),
    entropy: 3.2,
    check: (s, m) => {
      const scheme = (m.groups?.['scheme'] ?? '').toLowerCase();
      const header = (m.groups?.['h'] ?? '').toLowerCase();
      // `authorization = request.headers.get(…)`: without a scheme, only a header (`Authorization: <token>`) with a random value
      if (header.endsWith('authorization') && !scheme && (!/^[^=]*:/.test(m[0].slice(header.length)) || shannon(s) < 3.5)) return false;
      if (scheme === 'basic') return basicCredential(s);
      return !isPlaceholder(s) && !looksLikeCode(s);
    },
    describe: (m) => {
      const scheme = m.groups?.['scheme'];
      const header = m.groups?.['h'] ?? 'Authorization';
      return scheme ? `HTTP ${header} header with a ${scheme.charAt(0).toUpperCase()}${scheme.slice(1).toLowerCase()} credential` : `HTTP ${header} header with a key`;
    },
  },
  {
    id: 'curl-user-password',
    description: 'curl --user with a password',
    keywords: ['curl'],
    contextual: true,
    regex: re(`curl\\b[^\\n]*?\\s(?:-u|--user)[ \\t=]+["']?(?<u>[^:\\s"'\`]{1,64}):(?<s>[^\\s"'\`,;)]{3,128})`),
    check: (s, m) => !/^[$<{[(]/.test(s) && !/^[$<{[(]/.test(m.groups?.['u'] ?? '') && urlPassword(encodeURIComponent(s), m.groups?.['u'] ?? '', 'remote'),
  },
  {
    id: 'django-secret-key',
    description: 'Django SECRET_KEY',
    keywords: ['secret_key'],
    regex: re(`(?<![\\w.])SECRET_KEY[ \\t]*(?::[ \\t]*str[ \\t]*)?=[ \\t]*(?<q>["'])(?<s>(?:django-insecure-)?[a-z0-9!@#$%^&*(\\-_=+)]{40,60})\\k<q>`),
    entropy: 4,
    check: (s) => !isPlaceholder(s.replace(/^django-insecure-/, '')) && !looksWordy(s),
  },
  {
    id: 'twilio-auth-token',
    description: 'Twilio auth token',
    keywords: ['twilio'],
    regex: re(
      `twilio[\\w .-]{0,40}?(?:auth[\\w.-]{0,10}token|token|secret)[\\w.-]{0,20}["'\`]?[ \\t]*(?:[:=]|=>|:=|-|,)[ \\t]*["'\`]?(?<s>[a-f0-9]{32})${E}`,
      'i',
    ),
    entropy: 3,
  },
  {
    id: 'telegram-bot-token',
    description: 'Telegram bot token',
    keywords: ['telegram', 'tgram', 'bot'],
    regex: re(
      `(?:telegram|tgram|bot)[\\w.-]{0,30}["'\`]?[ \\t]*(?:=|:|=>|:=|::=|\\?=|\\.=|,)[ \\t]*(?:\\r?\\n[ \\t]*)?["'\`]?(?<s>\\d{5,16}:[A-Za-z0-9_-]{34,36})(?![A-Za-z0-9_-])`,
      'i',
    ),
    entropy: 3.5,
  },
  {
    id: 'telegram-bot-token',
    description: 'Telegram bot token',
    keywords: [':aa'],
    regex: re(`(?<![0-9:])(?<s>\\d{8,10}:AA[A-Za-z0-9_-]{33})(?![A-Za-z0-9_-])`),
    entropy: 3.5,
  },
  {
    id: 'atlassian-api-token',
    description: 'Atlassian API token (Jira, Confluence, Bitbucket)',
    keywords: ['atlassian', 'confluence', 'jira'],
    span: 256,
    regex: re(
      `(?:atlassian|confluence|jira)[\\w.-]{0,20}["'\`]?[ \\t]*(?:=|:|=>|:=|::=|:::=|\\?=|\\.=)[ \\t]*(?:\\r?\\n[ \\t]*)?["'\`]?(?<s>[A-Za-z0-9]{24})${E}`,
      'i',
    ),
    entropy: 3.5,
    // random 24-character tokens nearly always hold a digit; camelCase words do not
    check: (s) => /\d/.test(s),
  },
  {
    id: 'generic-secret',
    description: 'secret-looking value assigned to a secret-looking name',
    keywords: ['token', 'secret', 'pass', 'pwd', 'key', 'auth', 'cred', 'bearer'],
    contextual: true,
    find: (src, positions, env) =>
      findGeneric(
        src,
        positions,
        (h) => env.emit({ rule: 'generic-secret', index: h.secretIndex, secret: h.secret, description: `secret-looking value assigned to ${h.name.length > 48 ? h.name.slice(0, 47) + '…' : h.name}` }),
        env.fix,
        env.ctx,
      ),
  },
];


