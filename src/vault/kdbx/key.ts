/**
 * Credentials of a vault: a password, a key file, or both.
 *
 * Key files are reduced to their 32-byte key here, the way KeePassXC reads them,
 * and handed to kdbxweb as 32 raw bytes (which it uses as-is). Doing it here
 * rather than in kdbxweb also covers the files kdbxweb mishandles (an XML file
 * that is not a KeePass key file must be hashed, not rejected).
 */
import { createHash } from 'node:crypto';
import * as kdbxweb from './kdbxweb.js';
import { CredentialError, ErrorCode } from '../../core/errors.js';
import { toArrayBuffer } from './bytes.js';

export interface VaultKey {
  password?: string;
  keyFile?: Uint8Array;
}

const sha256 = (data: Uint8Array): Uint8Array => new Uint8Array(createHash('sha256').update(data).digest());

/**
 * The 32-byte key of a key file. Formats, in KeePassXC's order: XML v1.0 (base64
 * `<Data>`), XML v2.0 (hex `<Data>` with a `Hash` attribute that is checked),
 * exactly 32 bytes (raw), exactly 64 hex characters; anything else is hashed
 * with SHA-256.
 */
export function keyFileKey(file: Uint8Array, source = 'key file'): Uint8Array {
  const xml = parseXmlKeyFile(file, source);
  if (xml) return xml;
  if (file.length === 32) return new Uint8Array(file);
  if (file.length === 64) {
    const text = Buffer.from(file).toString('latin1');
    if (/^[0-9a-fA-F]{64}$/.test(text)) return new Uint8Array(Buffer.from(text, 'hex'));
  }
  return sha256(file);
}

function parseXmlKeyFile(file: Uint8Array, source: string): Uint8Array | undefined {
  if (file.length > 64 * 1024) return undefined;
  let text = Buffer.from(file).toString('utf8');
  if (text.charCodeAt(0) === 0xfeff) text = text.slice(1);
  if (!/^\s*(<\?xml[^>]*\?>\s*)?<KeyFile[\s>]/.test(text)) return undefined;
  const version = /<Meta>[\s\S]*?<Version>\s*([^<\s]+)\s*<\/Version>[\s\S]*?<\/Meta>/.exec(text)?.[1];
  const data = /<Key>[\s\S]*?<Data(\s[^>]*)?>([\s\S]*?)<\/Data>[\s\S]*?<\/Key>/.exec(text);
  if (!version || !data) return undefined;
  const body = (data[2] ?? '').replace(/\s+/g, '');
  if (version.startsWith('1.')) {
    const bytes = Buffer.from(body, 'base64');
    if (bytes.length === 32) return new Uint8Array(bytes);
    return undefined;
  }
  if (version.startsWith('2.')) {
    if (!/^[0-9a-fA-F]{64}$/.test(body)) return undefined;
    const bytes = new Uint8Array(Buffer.from(body, 'hex'));
    const hashAttr = /\bHash="([0-9a-fA-F]+)"/.exec(data[1] ?? '')?.[1];
    if (hashAttr) {
      const expected = Buffer.from(sha256(bytes).subarray(0, 4)).toString('hex');
      if (expected.toLowerCase() !== hashAttr.toLowerCase()) {
        throw new CredentialError(ErrorCode.InvalidKey, `key file for ${source} is damaged: its checksum does not match`, {
          hint: 'use an intact copy of the key file',
        });
      }
    }
    return bytes;
  }
  return undefined;
}

/** kdbxweb credentials for a key; throws if the key has neither part. */
export async function toCredentials(key: VaultKey, source: string): Promise<kdbxweb.KdbxCredentials> {
  if (key.password === undefined && key.keyFile === undefined) {
    throw new CredentialError(ErrorCode.Credential, `no password or key file given for ${source}`);
  }
  const password = key.password === undefined ? null : kdbxweb.ProtectedValue.fromString(key.password);
  const keyFile = key.keyFile === undefined ? null : toArrayBuffer(keyFileKey(key.keyFile, source));
  const creds = new kdbxweb.KdbxCredentials(password, keyFile);
  await creds.ready;
  return creds;
}
