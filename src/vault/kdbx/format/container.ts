/**
 * The encrypted container of a KDBX file, on Node's own crypto: header,
 * key, cipher, block stream, compression and (KDBX 4) inner header, in and
 * out. The XML inside is left to the caller.
 *
 * ssot reads this layer itself rather than through kdbxweb so that it can
 * read KDBX 2.x as KeePassXC does, check what KeePassXC checks, say which
 * part of a damaged file failed, write a ChaCha20 nonce of the right size in
 * KDBX 3.1, and reuse a derived key (see kdf.ts).
 */
import { createCipheriv, createDecipheriv, createHash, randomBytes, type Cipher, type Decipher } from 'node:crypto';
import { gunzipSync, gzipSync } from 'node:zlib';
import * as kdbxweb from '../kdbxweb.js';
import { dataAfterEnd, headerHmac, readHashedBlocks, readHmacBlocks, writeHashedBlocks, writeHmacBlocks } from './blocks.js';
import { corrupt, KdbxFormatError } from './errors.js';
import { cipherName, innerStreamId, IV_LENGTH, parseHeader, Stream, type CipherName } from './header.js';
import { transformKey } from './kdf.js';

export interface InnerBinary {
  protected: boolean;
  data: Uint8Array;
}

export interface OpenedContainer {
  /** The version the file declares (2, 3 or 4). */
  major: number;
  minor: number;
  cipher: CipherName;
  /** kdbxweb's header object (a version 2 file shows as 3.0 there). */
  header: kdbxweb.KdbxHeader;
  /** The raw header bytes (KDBX 3.1 keeps their SHA-256 in the XML). */
  headerBytes: Uint8Array;
  xml: string;
  /** KDBX 4's attachment pool, in order (index = Ref). */
  binaries: InnerBinary[];
}

const sha256 = (...parts: Uint8Array[]): Buffer => {
  const h = createHash('sha256');
  for (const p of parts) h.update(p);
  return h.digest();
};

const u8 = (b: ArrayBuffer | undefined): Uint8Array => new Uint8Array(b ?? new ArrayBuffer(0));

/** OpenSSL's name and IV for a KDBX cipher; throws for the ciphers ssot does not support. */
function opensslCipher(name: CipherName, iv: Uint8Array): { algorithm: string; iv: Uint8Array } {
  if (name === 'twofish' || name === 'aes128') throw new KdbxFormatError('unsupported', `the ${name === 'twofish' ? 'Twofish' : 'AES-128'} cipher`);
  // OpenSSL's ChaCha20 IV is a 4-byte little-endian block counter (0) and the 12-byte nonce.
  if (name === 'chacha20') return { algorithm: 'chacha20', iv: Buffer.concat([Buffer.alloc(4), iv]) };
  return { algorithm: 'aes-256-cbc', iv };
}

function cipherFor(name: CipherName, key: Uint8Array, iv: Uint8Array): Cipher {
  const c = opensslCipher(name, iv);
  return createCipheriv(c.algorithm, key, c.iv);
}

function decipherFor(name: CipherName, key: Uint8Array, iv: Uint8Array): Decipher {
  const c = opensslCipher(name, iv);
  return createDecipheriv(c.algorithm, key, c.iv);
}

function gunzip(data: Uint8Array): Buffer {
  try {
    return gunzipSync(data);
  } catch (e) {
    throw corrupt(`the compressed content is damaged (${(e as Error).message})`);
  }
}

/** Decrypts a KDBX file's container with a composite key; throws KdbxFormatError. */
export async function openContainer(bytes: Uint8Array, composite: Uint8Array): Promise<OpenedContainer> {
  const ph = parseHeader(bytes);
  const h = ph.header;
  if (ph.cipher === 'twofish' || ph.cipher === 'aes128') opensslCipher(ph.cipher, new Uint8Array(0));
  const transformed = await transformKey(composite, h);
  const seed = u8(h.masterSeed);
  const key = sha256(seed, transformed);
  const base = { major: ph.major, minor: ph.minor, cipher: ph.cipher, header: h, headerBytes: ph.bytes };
  if (ph.major >= 4) {
    const end = ph.bytes.byteLength;
    if (bytes.byteLength < end + 64) throw new KdbxFormatError('truncated', 'the file is truncated right after its header');
    if (!sha256(ph.bytes).equals(bytes.subarray(end, end + 32))) {
      throw corrupt('the header hash (SHA-256) does not match: the header is damaged');
    }
    const hmacKey = createHash('sha512').update(seed).update(transformed).update(Buffer.from([1])).digest();
    if (!headerHmac(hmacKey, ph.bytes).equals(bytes.subarray(end + 32, end + 64))) {
      throw new KdbxFormatError('key', 'the header HMAC does not match');
    }
    const encrypted = readHmacBlocks(bytes.subarray(end + 64), hmacKey);
    let plain = decryptAll(ph.cipher, key, u8(h.encryptionIV), encrypted);
    if (h.compression === 1) plain = gunzip(plain);
    return { ...base, ...readInnerHeader(plain, h) };
  }
  const plain = decryptV3(ph.cipher, key, u8(h.encryptionIV), u8(h.streamStartBytes), bytes.subarray(ph.bytes.byteLength));
  const xml = h.compression === 1 ? gunzip(plain) : plain;
  return { ...base, xml: xml.toString('utf8'), binaries: [] };
}

function decryptAll(name: CipherName, key: Uint8Array, iv: Uint8Array, data: Uint8Array): Buffer {
  const d = decipherFor(name, key, iv);
  try {
    return Buffer.concat([d.update(data), d.final()]);
  } catch {
    throw corrupt('the encrypted content does not decrypt (bad padding): the file is damaged');
  }
}

/**
 * KDBX 2/3: decrypts, checks the stream start bytes (a wrong key shows there
 * first), then reads the hashed blocks and what follows them.
 */
function decryptV3(name: CipherName, key: Uint8Array, iv: Uint8Array, startBytes: Uint8Array, body: Uint8Array): Buffer {
  if (body.byteLength < 32) throw new KdbxFormatError('truncated', 'the file is truncated right after its header');
  const aligned = name === 'chacha20' ? body.byteLength : body.byteLength - (body.byteLength % 16);
  const d = decipherFor(name, key, iv).setAutoPadding(false);
  const plain = Buffer.concat([d.update(body.subarray(0, aligned)), d.final()]);
  if (!plain.subarray(0, 32).equals(Buffer.from(startBytes))) throw new KdbxFormatError('key', 'the stream start bytes do not match');
  const { data, rest } = readHashedBlocks(plain.subarray(32));
  const unaligned = body.byteLength - aligned;
  if (name === 'chacha20') {
    if (rest > 0) throw dataAfterEnd(rest);
    return data;
  }
  // AES-CBC: what follows the final block must be exactly PKCS#7 padding (1 to 16 bytes).
  if (unaligned > 0 || rest > 16) throw dataAfterEnd();
  const pad = plain.readUInt8(plain.length - 1);
  if (rest === 0 || pad !== rest || !plain.subarray(plain.length - rest).every((b) => b === pad)) {
    throw corrupt('the encrypted content does not decrypt (bad padding): the file is damaged');
  }
  return data;
}

function readInnerHeader(plain: Buffer, h: kdbxweb.KdbxHeader): { xml: string; binaries: InnerBinary[] } {
  const binaries: InnerBinary[] = [];
  let pos = 0;
  for (;;) {
    if (pos + 5 > plain.length) throw corrupt('the inner header is cut short');
    const id = plain.readUInt8(pos);
    const len = plain.readUInt32LE(pos + 1);
    const data = plain.subarray(pos + 5, pos + 5 + len);
    if (data.length !== len) throw corrupt(`inner header field ${id} is cut short`);
    pos += 5 + len;
    if (id === 0) break;
    if (id === 1) h.crsAlgorithm = innerStreamId(data);
    else if (id === 2) h.protectedStreamKey = new Uint8Array(data).buffer;
    else if (id === 3) {
      if (len < 1) throw corrupt('invalid inner header binary size');
      binaries.push({ protected: (data.readUInt8(0) & 1) === 1, data: new Uint8Array(data.subarray(1)) });
    }
  }
  if (!h.crsAlgorithm || !h.protectedStreamKey?.byteLength) throw corrupt('the inner header lacks the protected stream id or key');
  return { xml: plain.subarray(pos).toString('utf8'), binaries };
}

/**
 * New salts, seeds and nonce for a save, as KeePassXC draws them. KDBX 3
 * files are written as 3.1 with a Salsa20 inner stream (KeePassXC's KDBX 3
 * reader uses nothing else); ChaCha20 takes a 12-byte nonce in both versions
 * (kdbxweb's generateSalts draws 16 bytes for every KDBX 3 cipher: that is
 * where the 16-byte ChaCha20 nonce KeePassXC refused came from).
 */
export function renewHeader(h: kdbxweb.KdbxHeader): Uint8Array {
  h.generateSalts();
  const name = cipherName(u8(h.dataCipherUuid?.bytes)) ?? 'aes256';
  h.encryptionIV = new Uint8Array(randomBytes(IV_LENGTH[name])).buffer;
  if (h.versionMajor < 4) {
    h.versionMinor = 1;
    h.crsAlgorithm = Stream.Salsa20;
  }
  const stm = new kdbxweb.BinaryStream();
  h.write(stm);
  return new Uint8Array(stm.getWrittenBytes());
}

function innerHeader(h: kdbxweb.KdbxHeader, binaries: InnerBinary[]): Buffer {
  const field = (id: number, data: Uint8Array): Buffer => {
    const head = Buffer.alloc(5);
    head[0] = id;
    head.writeUInt32LE(data.byteLength, 1);
    return Buffer.concat([head, data]);
  };
  const streamId = Buffer.alloc(4);
  streamId.writeUInt32LE(h.crsAlgorithm ?? Stream.ChaCha20);
  const parts = [field(1, streamId), field(2, u8(h.protectedStreamKey))];
  for (const b of binaries) parts.push(field(3, Buffer.concat([Buffer.from([b.protected ? 1 : 0]), b.data])));
  parts.push(field(0, new Uint8Array(0)));
  return Buffer.concat(parts);
}

/** Encrypts the XML (and KDBX 4's attachments) under a header renewed by renewHeader. */
export async function sealContainer(h: kdbxweb.KdbxHeader, headerBytes: Uint8Array, composite: Uint8Array, xml: string, binaries: InnerBinary[]): Promise<Uint8Array> {
  const name = cipherName(u8(h.dataCipherUuid?.bytes)) ?? 'aes256';
  const transformed = await transformKey(composite, h);
  const seed = u8(h.masterSeed);
  const key = sha256(seed, transformed);
  const iv = u8(h.encryptionIV);
  if (h.versionMajor >= 4) {
    let plain: Buffer = Buffer.concat([innerHeader(h, binaries), Buffer.from(xml, 'utf8')]);
    if (h.compression === 1) plain = gzipSync(plain);
    const c = cipherFor(name, key, iv);
    const encrypted = Buffer.concat([c.update(plain), c.final()]);
    const hmacKey = createHash('sha512').update(seed).update(transformed).update(Buffer.from([1])).digest();
    return Buffer.concat([headerBytes, sha256(headerBytes), headerHmac(hmacKey, headerBytes), writeHmacBlocks(encrypted, hmacKey)]);
  }
  let payload: Buffer = Buffer.from(xml, 'utf8');
  if (h.compression === 1) payload = gzipSync(payload);
  const c = cipherFor(name, key, iv);
  const body = Buffer.concat([u8(h.streamStartBytes), writeHashedBlocks(payload)]);
  return Buffer.concat([headerBytes, c.update(body), c.final()]);
}
