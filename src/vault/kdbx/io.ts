/**
 * Reading and writing whole KDBX files: the container (format/), kdbxweb's
 * object model for the XML, and the lossless layer that writes back what no
 * one changed as it was read (lossless/).
 */
import { createHash } from 'node:crypto';
import * as kdbxweb from './kdbxweb.js';
import { toArrayBuffer } from './bytes.js';
import { databaseDigest } from './canonical.js';
import { keepassxcProblems } from './check/xml-rules.js';
import { openContainer, renewHeader, sealContainer, type InnerBinary, type OpenedContainer } from './format/container.js';
import { corrupt } from './format/errors.js';
import { captureOrigins, newSourceId } from './lossless/origin.js';
import { parseDocument, type XDoc } from './lossless/parse.js';
import { must } from '../../core/must.js';
import { sha256Hex } from '../../core/hash.js';

export interface LoadedKdbx {
  kdbx: kdbxweb.Kdbx;
  /** The version the file declared ("2.0" for a KDBX 2 file, which is saved as 3.1). */
  version: string;
  cipher: string;
  /** What KeePassXC would refuse in the file: worked out when first asked for. */
  problems: () => string[];
}

/** Characters XML 1.0 does not allow (tab, newline and carriage return are allowed: a value may hold them). */
const INVALID_XML_CHARS = /[\x00-\x08\x0B\x0C\x0E-\x1F]/g;

export async function compositeOf(credentials: kdbxweb.KdbxCredentials): Promise<Uint8Array> {
  return new Uint8Array(await credentials.getHash());
}

interface Model {
  kdbx: kdbxweb.Kdbx;
  doc: XDoc;
  sourceId: number;
}

/** The inner stream of protected values: openContainer refuses a file without its key and id; a created or renewed header has them. */
function innerStreamOf(h: kdbxweb.KdbxHeader): Promise<kdbxweb.ProtectSaltGenerator> {
  return kdbxweb.ProtectSaltGenerator.create(must(h.protectedStreamKey, 'the inner stream key'), must(h.crsAlgorithm, 'the inner stream id'));
}

/** kdbxweb's model of an opened container's XML. */
async function readModel(c: OpenedContainer, credentials: kdbxweb.KdbxCredentials): Promise<Model> {
  const kdbx = new kdbxweb.Kdbx();
  kdbx.header = c.header;
  kdbx.credentials = credentials;
  for (const b of c.binaries) kdbx.binaries.addWithNextId(b.protected ? kdbxweb.ProtectedValue.fromBinary(toArrayBuffer(b.data)) : b.data);
  const sourceId = newSourceId();
  const doc = parseDocument(c.xml.replace(INVALID_XML_CHARS, ''), sourceId);
  const salts = await innerStreamOf(c.header);
  decryptProtected(doc, salts);
  // kdbxweb's readers take the small DOM of parse.ts: it has the part of the DOM they use.
  kdbx.xml = doc as unknown as Document;
  await kdbx.loadFromXml(new kdbxweb.KdbxContext({ kdbx }));
  kdbx.xml = undefined;
  keepPoolOrder(kdbx, c.major >= 4 ? c.binaries.map((_, i) => String(i)) : metaBinaryIds(doc));
  const hash = kdbx.meta.headerHash;
  if (c.major < 4 && hash && !createHash('sha256').update(c.headerBytes).digest().equals(Buffer.from(hash))) {
    throw corrupt('the header hash stored in the database does not match its header: the header is damaged');
  }
  if (!kdbx.groups[0]) throw corrupt('the database has no root group');
  return { kdbx, doc, sourceId };
}

function metaBinaryIds(doc: XDoc): string[] {
  const ids: string[] = [];
  for (const m of doc.documentElement.childNodes) {
    if (m.tagName !== 'Meta') continue;
    for (const b of m.childNodes) {
      if (b.tagName !== 'Binaries') continue;
      for (const x of b.childNodes) if (x.tagName === 'Binary') ids.push(x.getAttribute('ID') ?? '');
    }
  }
  // The pool is written numbered from 0 in its order: ID n first keeps reference n.
  return ids.sort((a, b) => Number(a) - Number(b) || (a < b ? -1 : a > b ? 1 : 0));
}

/**
 * kdbxweb fills its attachment pool in the order its hashes finish: put it
 * back in the file's order, so that an unchanged file keeps its references.
 */
function keepPoolOrder(kdbx: kdbxweb.Kdbx, ids: string[]): void {
  const ordered = ids.map((ref) => kdbx.binaries.getByRef({ ref })).filter((b): b is kdbxweb.KdbxBinaryWithHash => b !== undefined);
  const all = kdbx.binaries.getAllWithHashes();
  for (const b of all) kdbx.binaries.deleteWithHash(b.hash);
  const seen = new Set<string>();
  for (const b of [...ordered, ...all]) {
    if (seen.has(b.hash)) continue;
    seen.add(b.hash);
    kdbx.binaries.addWithHash(b);
  }
}

/**
 * The protected values, decrypted in document order with the file's inner
 * stream: kdbxweb's setProtectedValues, without walking every element (the
 * parser already listed the protected ones).
 */
function decryptProtected(doc: XDoc, salts: kdbxweb.ProtectSaltGenerator): void {
  for (const el of doc.protectedElements) {
    const value = Buffer.from(el.textContent, 'base64');
    if (value.byteLength === 0) continue;
    el.protectedValue = new kdbxweb.ProtectedValue(toArrayBuffer(value), salts.getSalt(value.byteLength));
  }
}

/** What KeePassXC would refuse (or misread) in an opened container's document. */
function readerProblems(c: OpenedContainer, doc: XDoc): string[] {
  return keepassxcProblems(doc, { innerBinaries: c.major >= 4 ? c.binaries.length : undefined });
}

/** Decrypts and reads a file; throws KdbxFormatError (or kdbxweb's KdbxError for a bad XML body). */
export async function loadKdbx(bytes: Uint8Array, credentials: kdbxweb.KdbxCredentials): Promise<LoadedKdbx> {
  const c = await openContainer(bytes, await compositeOf(credentials));
  const { kdbx, doc, sourceId } = await readModel(c, credentials);
  poolBinaries(kdbx);
  captureOrigins(kdbx, doc, sourceId);
  let problems: string[] | undefined;
  return { kdbx, version: `${c.major}.${c.minor}`, cipher: c.cipher, problems: () => (problems ??= readerProblems(c, doc)) };
}

/** A save that did not read back as written, or that KeePassXC would refuse: nothing may be written. */
export class WriteCheckError extends Error {
  readonly problems: string[];
  constructor(problems: string[]) {
    super(problems.join('; '));
    this.name = 'WriteCheckError';
    this.problems = problems;
  }
}

/**
 * The check made on every save before the bytes go anywhere: they are
 * decrypted again (the derived key is reused, see kdf.ts), checked against
 * KeePassXC's reader rules (format/header.ts, check/xml-rules.ts), and read
 * back into a model whose content must be the content that was saved.
 */
export async function checkSaved(bytes: Uint8Array, credentials: kdbxweb.KdbxCredentials, digest: string): Promise<void> {
  let c: OpenedContainer;
  let model: Model;
  try {
    c = await openContainer(bytes, await compositeOf(credentials));
    model = await readModel(c, credentials);
  } catch (e) {
    throw new WriteCheckError([`the written file does not open again (${e instanceof Error ? e.message : String(e)})`]);
  }
  const problems = readerProblems(c, model.doc);
  if (databaseDigest(model.kdbx) !== digest) problems.push('the written file does not read back with the content that was saved');
  if (problems.length > 0) throw new WriteCheckError(problems);
}

function bytesOf(b: kdbxweb.KdbxBinary): Uint8Array {
  return b instanceof kdbxweb.ProtectedValue ? b.getBinary() : new Uint8Array(b);
}

/**
 * Every attachment of every entry and history item in the pool (an old
 * KDBX 3 file may hold one inline), and nothing else in it.
 */
function poolBinaries(kdbx: kdbxweb.Kdbx): void {
  const used = new Set<string>();
  const visit = (e: kdbxweb.KdbxEntry): void => {
    for (const [name, b] of e.binaries) {
      if (kdbxweb.KdbxBinaries.isKdbxBinaryWithHash(b)) {
        if (!kdbx.binaries.getValueByHash(b.hash)) kdbx.binaries.addWithHash(b);
        used.add(b.hash);
      } else {
        const withHash = { hash: sha256Hex(bytesOf(b)), value: b };
        kdbx.binaries.addWithHash(withHash);
        e.binaries.set(name, withHash);
        used.add(withHash.hash);
      }
    }
  };
  for (const e of kdbx.getDefaultGroup().allEntries()) {
    visit(e);
    for (const h of e.history) visit(h);
  }
  for (const b of kdbx.binaries.getAllWithHashes()) if (!used.has(b.hash)) kdbx.binaries.deleteWithHash(b.hash);
}

/** Encrypts a database: new salts, the lossless XML, the container (checked by the caller with checkSaved). */
export async function saveKdbx(kdbx: kdbxweb.Kdbx): Promise<Uint8Array> {
  const composite = await compositeOf(kdbx.credentials);
  poolBinaries(kdbx);
  const headerBytes = renewHeader(kdbx.header);
  if (kdbx.header.versionMajor < 4) kdbx.meta.headerHash = new Uint8Array(createHash('sha256').update(headerBytes).digest()).buffer;
  const salts = await innerStreamOf(kdbx.header);
  // The writer (and xmldom, which it uses) loads only when something is saved: verify and guard never pay for it.
  const { buildXml } = await import('./lossless/emit.js');
  const xml = buildXml(kdbx, salts);
  const binaries: InnerBinary[] = kdbx.header.versionMajor >= 4 ? kdbx.binaries.getAll().map((b) => ({ protected: b.value instanceof kdbxweb.ProtectedValue, data: bytesOf(b.value) })) : [];
  return sealContainer(kdbx.header, headerBytes, composite, xml, binaries);
}

