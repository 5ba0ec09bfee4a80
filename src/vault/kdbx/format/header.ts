/**
 * The outer header of a KDBX file, read with the rules KeePassXC's readers
 * apply (KeePass2Reader, Kdbx3Reader, Kdbx4Reader, KdbxReader in KeePassXC
 * 2.7): every field the file has is checked for its size and value, so a
 * header KeePassXC would refuse is refused here too, naming the field.
 *
 * KDBX 2.x (format version 2, KeePass 2.00 to 2.19) has the same header as
 * 3.x; KeePassXC reads it with its KDBX 3 reader, and so does this module.
 */
import { createHash } from 'node:crypto';
import * as kdbxweb from '../kdbxweb.js';
import { corrupt, KdbxFormatError } from './errors.js';
import { must } from '../../../core/must.js';

const SIG1 = 0x9aa2d903;
const SIG2 = 0xb54bfb67;
const SIG2_KDB = 0xb54bfb65;

/** Header field ids (KeePass2::HeaderFieldID). */
const Field = {
  End: 0,
  Comment: 1,
  CipherID: 2,
  CompressionFlags: 3,
  MasterSeed: 4,
  TransformSeed: 5,
  TransformRounds: 6,
  EncryptionIV: 7,
  ProtectedStreamKey: 8,
  StreamStartBytes: 9,
  InnerRandomStreamID: 10,
  KdfParameters: 11,
  PublicCustomData: 12,
} as const;

/** Cipher UUIDs, as 32 hex digits. */
const Cipher = {
  aes256: '31c1f2e6bf714350be5805216afc5aff',
  aes128: '61ab05a1946441c38d743a563df8dd35',
  chacha20: 'd6038a2b8b6f4cb5a524339a31dbb59a',
  twofish: 'ad68f29f576f4bb9a36ad47af965346c',
} as const;
export type CipherName = keyof typeof Cipher;

/** KDF UUIDs, as 32 hex digits. */
const Kdf = {
  aesKdbx3: 'c9d9f39a628a4460bf740d08c18a4fea',
  aesKdbx4: '7c02bb8279a74ac0927d114a00648238',
  argon2d: 'ef636ddf8c29444b91f7a9a403e30a0c',
  argon2id: '9e298b1956db4773b23dfc3ec6f0a1e6',
} as const;

/** Inner random stream ids (KeePass2::ProtectedStreamAlgo). */
export const Stream = { ArcFour: 1, Salsa20: 2, ChaCha20: 3 } as const;

/** Nonce length each cipher takes, as KeePassXC's SymmetricCipher checks it. */
export const IV_LENGTH: Record<CipherName, number> = { aes256: 16, aes128: 16, twofish: 16, chacha20: 12 };

export interface ParsedHeader {
  major: number;
  minor: number;
  cipher: CipherName;
  /** Everything up to and including the end-of-header field: hashed and HMAC-ed. */
  bytes: Uint8Array;
  /** kdbxweb's view, which the XML layer reads (version, stream key, KDF). */
  header: kdbxweb.KdbxHeader;
}

const hex = (b: Uint8Array): string => Buffer.from(b).toString('hex');
export const cipherName = (uuid: Uint8Array): CipherName | undefined =>
  (Object.keys(Cipher) as CipherName[]).find((k) => Cipher[k] === hex(uuid));

const view = (b: Uint8Array): DataView => new DataView(b.buffer, b.byteOffset, b.byteLength);
const own = (b: Uint8Array): ArrayBuffer => {
  const out = new ArrayBuffer(b.byteLength);
  new Uint8Array(out).set(b);
  return out;
};

/** Reads the signature, the version and every header field; throws KdbxFormatError. */
export function parseHeader(bytes: Uint8Array): ParsedHeader {
  if (bytes.byteLength < 12) throw new KdbxFormatError('truncated', `the file is empty or truncated (${bytes.byteLength} bytes)`);
  const v = view(bytes);
  const sig1 = v.getUint32(0, true);
  const sig2 = v.getUint32(4, true);
  if (sig1 === SIG1 && sig2 === SIG2_KDB) {
    throw new KdbxFormatError('unsupported', 'a KeePass 1 database (.kdb); import it into KeePassXC first (Database > Import)');
  }
  if (sig1 !== SIG1 || sig2 !== SIG2) throw new KdbxFormatError('signature', 'not a KeePass database (bad signature)');
  const minor = v.getUint16(8, true);
  const major = v.getUint16(10, true);
  if (major < 2 || major > 4) {
    throw new KdbxFormatError('unsupported', `KDBX format version ${major}.${minor} (KeePassXC reads versions 2 to 4)`);
  }
  const header = new kdbxweb.KdbxHeader();
  // kdbxweb knows versions 3 and 4 only; a version 2 header has the same fields as 3.0.
  header.versionMajor = major === 2 ? 3 : major;
  header.versionMinor = major === 2 ? 0 : minor;
  const { fields, end } = scanFields(bytes, major);
  // KDBX 4 stores the header's SHA-256 right after it: a damaged header is told
  // as such before any of its values is judged (a flipped byte in the cipher id
  // is damage, not an unknown cipher).
  if (major >= 4 && bytes.byteLength >= end + 32) {
    const stored = bytes.subarray(end, end + 32);
    if (!createHash('sha256').update(bytes.subarray(0, end)).digest().equals(stored)) {
      throw corrupt('the header hash (SHA-256) does not match: the header is damaged');
    }
  }
  let cipher: CipherName | undefined;
  for (const { id, data } of fields) {
    const c = readField(header, major, id, data);
    if (c) cipher = c;
  }
  const known = requireFields(header, major, cipher);
  header.endPos = end;
  return { major, minor, cipher: known, bytes: bytes.subarray(0, end), header };
}

/** The header's fields (id and bytes) up to the end-of-header field, and where the header ends. */
function scanFields(bytes: Uint8Array, major: number): { fields: { id: number; data: Uint8Array }[]; end: number } {
  const v = view(bytes);
  const sizeBytes = major >= 4 ? 4 : 2;
  const fields: { id: number; data: Uint8Array }[] = [];
  for (let pos = 12; ; ) {
    if (pos + 1 + sizeBytes > bytes.byteLength) throw new KdbxFormatError('truncated', 'the file ends inside its header');
    const id = v.getUint8(pos);
    const len = sizeBytes === 4 ? v.getUint32(pos + 1, true) : v.getUint16(pos + 1, true);
    const start = pos + 1 + sizeBytes;
    if (start + len > bytes.byteLength) throw new KdbxFormatError('truncated', `the file ends inside header field ${id}`);
    pos = start + len;
    if (id === Field.End) return { fields, end: pos };
    fields.push({ id, data: bytes.subarray(start, pos) });
  }
}

function fixedSize(data: Uint8Array, size: number, what: string): void {
  if (data.byteLength !== size) throw corrupt(`invalid ${what} size in the header: ${data.byteLength} bytes, ${size} expected`);
}

/** One header field into kdbxweb's header; returns the cipher when the field names it. */
function readField(h: kdbxweb.KdbxHeader, major: number, id: number, data: Uint8Array): CipherName | undefined {
  const legacy: number[] = [Field.TransformSeed, Field.TransformRounds, Field.ProtectedStreamKey, Field.StreamStartBytes, Field.InnerRandomStreamID];
  if (major >= 4 && legacy.includes(id)) throw corrupt(`KDBX 3 header field ${id} in a KDBX 4 file`);
  switch (id) {
    case Field.CipherID: {
      fixedSize(data, 16, 'cipher id');
      const name = cipherName(data);
      if (!name) throw new KdbxFormatError('unsupported', `unknown cipher ${hex(data)}`);
      h.dataCipherUuid = new kdbxweb.KdbxUuid(own(data));
      return name;
    }
    case Field.CompressionFlags: {
      fixedSize(data, 4, 'compression flags');
      const c = view(data).getUint32(0, true);
      if (c > 1) throw new KdbxFormatError('unsupported', `compression algorithm ${c}`);
      h.compression = c;
      return undefined;
    }
    case Field.MasterSeed:
      fixedSize(data, 32, 'master seed');
      h.masterSeed = own(data);
      return undefined;
    case Field.TransformSeed:
      fixedSize(data, 32, 'transform seed');
      h.transformSeed = own(data);
      return undefined;
    case Field.TransformRounds:
      fixedSize(data, 8, 'transform rounds');
      h.keyEncryptionRounds = Number(view(data).getBigUint64(0, true));
      return undefined;
    case Field.EncryptionIV:
      h.encryptionIV = own(data);
      return undefined;
    case Field.ProtectedStreamKey:
      h.protectedStreamKey = own(data);
      return undefined;
    case Field.StreamStartBytes:
      fixedSize(data, 32, 'stream start bytes');
      h.streamStartBytes = own(data);
      return undefined;
    case Field.InnerRandomStreamID:
      h.crsAlgorithm = innerStreamId(data);
      return undefined;
    case Field.KdfParameters:
      h.kdfParameters = readVariantMap(data, 'KDF parameters');
      return undefined;
    case Field.PublicCustomData:
      h.publicCustomData = readVariantMap(data, 'public custom data');
      return undefined;
    default:
      // KeePassXC skips fields it does not know (the comment included).
      return undefined;
  }
}

/** An inner random stream id (KDBX 3 header, KDBX 4 inner header): Salsa20 or ChaCha20. */
export function innerStreamId(data: Uint8Array): number {
  fixedSize(data, 4, 'inner random stream id');
  const id = view(data).getUint32(0, true);
  if (id !== Stream.Salsa20 && id !== Stream.ChaCha20) throw corrupt(`invalid inner random stream cipher ${id}`);
  return id;
}

/** Throws unless the header has every field its version needs; returns the cipher. */
function requireFields(h: kdbxweb.KdbxHeader, major: number, cipher: CipherName | undefined): CipherName {
  const missing: string[] = [];
  if (!cipher) missing.push('cipher id');
  if (h.compression === undefined) missing.push('compression flags');
  if (!h.masterSeed) missing.push('master seed');
  if (!h.encryptionIV?.byteLength) missing.push('encryption IV');
  if (major < 4) {
    if (!h.transformSeed) missing.push('transform seed');
    if (!h.keyEncryptionRounds) missing.push('transform rounds');
    if (!h.protectedStreamKey?.byteLength) missing.push('protected stream key');
    if (!h.streamStartBytes) missing.push('stream start bytes');
    if (!h.crsAlgorithm) missing.push('inner random stream id');
  } else if (!h.kdfParameters) {
    missing.push('KDF parameters');
  }
  // A missing cipher or IV is in `missing`: the first two tests only tell the compiler.
  if (!cipher || !h.encryptionIV || missing.length > 0) throw corrupt(`the header lacks: ${missing.join(', ')}`);
  const ivLength = IV_LENGTH[cipher];
  if (h.encryptionIV.byteLength !== ivLength) {
    throw corrupt(`invalid IV size of ${h.encryptionIV.byteLength} bytes for ${cipher}, ${ivLength} expected`);
  }
  if (major >= 4) checkKdf(must(h.kdfParameters, 'the KDF parameters (required above)'));
  return cipher;
}

/** A KDBX 4 variant map, checked as KeePassXC reads it (version, entry sizes, explicit end). */
function readVariantMap(data: Uint8Array, what: string): kdbxweb.VarDictionary {
  const v = view(data);
  const bad = (why: string): KdbxFormatError => corrupt(`invalid ${what} in the header: ${why}`);
  if (data.byteLength < 2) throw bad('too short');
  if ((v.getUint16(0, true) & 0xff00) > 0x0100) throw bad('unsupported variant map version');
  const sizes: Record<number, number> = { 0x04: 4, 0x05: 8, 0x08: 1, 0x0c: 4, 0x0d: 8 };
  let pos = 2;
  for (;;) {
    if (pos >= data.byteLength) throw bad('no end marker');
    const type = v.getUint8(pos);
    pos += 1;
    if (type === 0) break;
    if (pos + 4 > data.byteLength) throw bad('entry cut short');
    const nameLen = v.getUint32(pos, true);
    pos += 4 + nameLen;
    if (pos + 4 > data.byteLength) throw bad('entry cut short');
    const valueLen = v.getUint32(pos, true);
    pos += 4 + valueLen;
    if (pos > data.byteLength) throw bad('entry cut short');
    if (type !== 0x18 && type !== 0x42 && sizes[type] === undefined) throw bad(`entry type ${type}`);
    if (sizes[type] !== undefined && sizes[type] !== valueLen) throw bad(`an entry of type ${type} is ${valueLen} bytes`);
  }
  try {
    return kdbxweb.VarDictionary.read(new kdbxweb.BinaryStream(own(data)));
  } catch (e) {
    throw bad(e instanceof Error ? e.message : String(e));
  }
}

const num = (x: kdbxweb.VarDictionary, k: string): number | undefined => {
  const val = x.get(k);
  if (typeof val === 'number') return val;
  if (val instanceof kdbxweb.Int64) return val.value;
  return undefined;
};

/** The KDF named in KDBX 4 parameters, with KeePassXC's bounds on each parameter. */
export function checkKdf(p: kdbxweb.VarDictionary): 'aes' | 'argon2d' | 'argon2id' {
  const uuid = p.get('$UUID');
  if (!(uuid instanceof ArrayBuffer) || uuid.byteLength !== 16) throw corrupt('the KDF parameters have no valid KDF id');
  const id = hex(new Uint8Array(uuid));
  const salt = p.get('S');
  const saltOk = salt instanceof ArrayBuffer && salt.byteLength >= 8 && salt.byteLength <= 32;
  if (id === Kdf.aesKdbx3 || id === Kdf.aesKdbx4) {
    const rounds = num(p, 'R');
    if (!saltOk || rounds === undefined || rounds < 1 || rounds >= 2 ** 31 - 1) throw corrupt('invalid AES-KDF parameters (seed or rounds)');
    return 'aes';
  }
  if (id === Kdf.argon2d || id === Kdf.argon2id) {
    const version = num(p, 'V');
    const lanes = num(p, 'P');
    const memory = num(p, 'M');
    const iterations = num(p, 'I');
    const ok =
      saltOk &&
      version !== undefined && version >= 0x10 && version <= 0x13 &&
      lanes !== undefined && lanes >= 1 && lanes < 2 ** 24 &&
      memory !== undefined && memory / 1024 >= 8 && memory / 1024 < 2 ** 32 && memory % 1024 === 0 &&
      iterations !== undefined && iterations >= 1 && iterations < 2 ** 31 - 1 &&
      p.get('K') === undefined && p.get('A') === undefined;
    if (!ok) throw corrupt('invalid Argon2 parameters (salt, version, lanes, memory or iterations)');
    return id === Kdf.argon2d ? 'argon2d' : 'argon2id';
  }
  throw new KdbxFormatError('unsupported', `unknown key derivation function ${id}`);
}
