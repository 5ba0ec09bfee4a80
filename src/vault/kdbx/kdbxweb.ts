/**
 * The one place that imports kdbxweb. kdbxweb 2.1.1 is a webpack CommonJS bundle:
 * under Node's ESM loader its named exports are not detected, so it is imported
 * as a default (module.exports) and re-exported here with its types. Other
 * modules of this folder use `import * as kdbxweb from './kdbxweb.js'`.
 */
import lib from 'kdbxweb';
import type * as T from 'kdbxweb';

const k = lib as unknown as typeof T;

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

export const {
  BinaryStream,
  Consts,
  CryptoEngine,
  Int64,
  Kdbx,
  KdbxBinaries,
  KdbxCredentials,
  KdbxDeletedObject,
  KdbxEntry,
  KdbxError,
  KdbxGroup,
  KdbxHeader,
  KdbxMeta,
  KdbxUuid,
  ProtectedValue,
  VarDictionary,
  XmlUtils,
} = k;

export type BinaryStream = T.BinaryStream;
export type Int64 = T.Int64;
export type Kdbx = T.Kdbx;
export type KdbxBinaries = T.KdbxBinaries;
export type KdbxCredentials = T.KdbxCredentials;
export type KdbxDeletedObject = T.KdbxDeletedObject;
export type KdbxEntry = T.KdbxEntry;
export type KdbxError = T.KdbxError;
export type KdbxGroup = T.KdbxGroup;
export type KdbxHeader = T.KdbxHeader;
export type KdbxMeta = T.KdbxMeta;
export type KdbxUuid = T.KdbxUuid;
export type ProtectedValue = T.ProtectedValue;
export type VarDictionary = T.VarDictionary;
export type KdbxBinary = T.KdbxBinary;
export type KdbxBinaryWithHash = T.KdbxBinaryWithHash;
export type KdbxCustomDataMap = T.KdbxCustomDataMap;
export type KdbxCustomIcon = T.KdbxCustomIcon;
export type KdbxEntryField = T.KdbxEntryField;
