/**
 * The one place that imports kdbxweb. kdbxweb 2.1.1 is a webpack CommonJS bundle:
 * under Node's ESM loader its named exports are not detected, so it is imported
 * as a default (module.exports) and re-exported here with its types. Other
 * modules of this folder use `import * as kdbxweb from './kdbxweb.js'`.
 */
import lib from 'kdbxweb';
import type * as T from 'kdbxweb';

const k = lib as unknown as typeof T;

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
