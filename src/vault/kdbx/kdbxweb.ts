/**
 * The one place that imports kdbxweb. kdbxweb 2.1.1 is a webpack CommonJS bundle:
 * it is loaded with require() (imported from ESM, Node would first scan its
 * 9,000 lines for named exports it does not have, on every start) and
 * re-exported here with its types. Other modules of this folder use
 * `import * as kdbxweb from './kdbxweb.js'`.
 */
import { createRequire } from 'node:module';
import type * as T from 'kdbxweb';

const k = createRequire(import.meta.url)('kdbxweb') as typeof T;

/*
 * kdbxweb 2.1.1 bug (research/vault.md §1.6, keeweb #2137): in KDBX 4.1 files it writes
 * the LastModificationTime of custom data items and custom icons as an ISO string, where
 * the format wants the binary (base64) form that every other KDBX 4 time uses; KeePass 2.x
 * then refuses the file. Those two writers are the only callers of setDate that leave out
 * its `binary` argument (times go through KdbxContext.setXmlDate, which always passes it),
 * and they only run for KDBX >= 4.1, where binary is right. kdbxweb is pinned, so this
 * patch stays valid; the reader accepts both forms.
 */
type SetDate = (node: Node, date: Date | undefined, binary?: boolean) => void;
const xmlUtils = k.XmlUtils as unknown as { setDate: SetDate };
const setDate = xmlUtils.setDate;
xmlUtils.setDate = (...args: Parameters<SetDate>): void => {
  const [node, date, binary] = args;
  const fixed = args.length < 3 && (node as { tagName?: string }).tagName === 'LastModificationTime' ? true : binary;
  setDate(node, date, fixed);
};

/*
 * Readers and a writer of kdbxweb 2.1.1 drop data that KeePassXC keeps,
 * which would lose it when an entry that holds it is written anew:
 *  - an auto-type association is read only when its window and its keystroke
 *    sequence are both non-empty (KeePassXC keeps it whenever both elements
 *    are there; an empty sequence means "the entry's default");
 *  - an attachment with no bytes (an empty <Binary ID="0"/> in a KDBX 3 pool,
 *    an empty inline value) is read as no attachment;
 *  - a custom data item with an empty value is not written.
 * Exported functions, a private method and a static one: replaced here, once.
 */
type GetProtectedBinary = (node: Node) => T.KdbxBinaryOrRef | undefined;
const binaryUtils = k.XmlUtils as unknown as { getProtectedBinary: GetProtectedBinary };
const getProtectedBinary = binaryUtils.getProtectedBinary;
binaryUtils.getProtectedBinary = (node: Node): T.KdbxBinaryOrRef | undefined => {
  const el = node as Element;
  if (!node.protectedValue && !el.hasAttribute('Ref') && !node.textContent) return new ArrayBuffer(0);
  return getProtectedBinary(node);
};
type AutoTypeOwner = { autoType: T.KdbxEntryAutoType };
const entryProto = k.KdbxEntry.prototype as unknown as { readAutoTypeItem(node: Element): void };
entryProto.readAutoTypeItem = function readAutoTypeItem(this: AutoTypeOwner, node: Element): void {
  let window: string | undefined;
  let keystrokeSequence: string | undefined;
  for (let i = 0; i < node.childNodes.length; i++) {
    const el = node.childNodes[i] as Element;
    if (el.tagName === 'Window') window = el.textContent;
    else if (el.tagName === 'KeystrokeSequence') keystrokeSequence = el.textContent;
  }
  if (window !== undefined && keystrokeSequence !== undefined) this.autoType.items.push({ window, keystrokeSequence });
};
k.KdbxCustomData.write = (parent: Node, ctx: T.KdbxContext, data: T.KdbxCustomDataMap | undefined): void => {
  // kdbxweb's own writer, except that an empty string is a value (kdbxweb skips falsy ones).
  if (!data) return;
  const X = k.XmlUtils;
  const node = X.addChildNode(parent, 'CustomData');
  for (const [key, item] of data) {
    if (item.value === undefined) continue;
    const itemNode = X.addChildNode(node, 'Item');
    X.setText(X.addChildNode(itemNode, 'Key'), key);
    X.setText(X.addChildNode(itemNode, 'Value'), item.value);
    if (item.lastModified && ctx.kdbx.versionIsAtLeast(4, 1)) X.setDate(X.addChildNode(itemNode, 'LastModificationTime'), item.lastModified, true);
  }
};

export const {
  BinaryStream,
  Consts,
  Int64,
  Kdbx,
  KdbxBinaries,
  KdbxContext,
  KdbxCredentials,
  KdbxDeletedObject,
  KdbxEntry,
  KdbxError,
  KdbxGroup,
  KdbxHeader,
  KdbxMeta,
  KdbxUuid,
  ProtectedValue,
  ProtectSaltGenerator,
  VarDictionary,
  XmlUtils,
} = k;

export type BinaryStream = T.BinaryStream;
export type Int64 = T.Int64;
export type Kdbx = T.Kdbx;
export type KdbxBinaries = T.KdbxBinaries;
export type KdbxContext = T.KdbxContext;
export type KdbxCredentials = T.KdbxCredentials;
export type KdbxDeletedObject = T.KdbxDeletedObject;
export type KdbxEntry = T.KdbxEntry;
export type KdbxError = T.KdbxError;
export type KdbxGroup = T.KdbxGroup;
export type KdbxHeader = T.KdbxHeader;
export type KdbxMeta = T.KdbxMeta;
export type KdbxUuid = T.KdbxUuid;
export type ProtectedValue = T.ProtectedValue;
export type ProtectSaltGenerator = T.ProtectSaltGenerator;
export type VarDictionary = T.VarDictionary;
export type KdbxBinary = T.KdbxBinary;
export type KdbxBinaryWithHash = T.KdbxBinaryWithHash;
export type KdbxCustomDataMap = T.KdbxCustomDataMap;
export type KdbxCustomIcon = T.KdbxCustomIcon;
export type KdbxEntryField = T.KdbxEntryField;
