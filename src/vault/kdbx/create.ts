/** A new kdbxweb database with KeePassXC's defaults, not kdbxweb's weak ones. */
import { ErrorCode, SsotError } from '../../core/errors.js';
import * as kdbxweb from './kdbxweb.js';
import { must } from '../../core/must.js';

export interface CreateOptions {
  name?: string;
  kdf?: 'argon2id' | 'argon2d' | 'aes';
  /** Argon2 memory in KiB. */
  memoryKiB?: number;
  /** Argon2 iterations, or AES-KDF rounds. */
  iterations?: number;
  parallelism?: number;
  version?: 3 | 4;
  cipher?: 'aes' | 'chacha20';
}

/** KeePassXC's defaults (64 MiB, 10 iterations, 2 lanes), not kdbxweb's 1 MiB/2 iterations. */
export const DEFAULT_KDF = { memoryKiB: 64 * 1024, iterations: 10, parallelism: 2, aesRounds: 2_000_000 } as const;

/** KDBX 4, Argon2id 64 MiB / 10 iterations / 2 lanes, AES unless told otherwise; 10 history items, 6 MiB. */
export function newKdbx(credentials: kdbxweb.KdbxCredentials, name: string, opts: CreateOptions): kdbxweb.Kdbx {
  const db = kdbxweb.Kdbx.create(credentials, name);
  const version = opts.version ?? 4;
  const kdf = opts.kdf ?? (version === 3 ? 'aes' : 'argon2id');
  if (version === 3) {
    if (kdf !== 'aes') throw new SsotError(ErrorCode.Usage, 'KDBX 3.1 supports only the AES-KDF');
    db.setVersion(3);
    db.header.keyEncryptionRounds = opts.iterations ?? DEFAULT_KDF.aesRounds;
  } else {
    db.setVersion(4);
    const K = kdbxweb.Consts.KdfId;
    db.setKdf(kdf === 'aes' ? K.Aes : kdf === 'argon2d' ? K.Argon2d : K.Argon2id);
    const p = must(db.header.kdfParameters, 'the KDF parameters setKdf made');
    const { UInt32, UInt64 } = kdbxweb.VarDictionary.ValueType;
    if (kdf === 'aes') {
      p.set('R', UInt64, kdbxweb.Int64.from(opts.iterations ?? DEFAULT_KDF.aesRounds));
    } else {
      p.set('M', UInt64, kdbxweb.Int64.from((opts.memoryKiB ?? DEFAULT_KDF.memoryKiB) * 1024));
      p.set('I', UInt64, kdbxweb.Int64.from(opts.iterations ?? DEFAULT_KDF.iterations));
      p.set('P', UInt32, opts.parallelism ?? DEFAULT_KDF.parallelism);
      p.set('V', UInt32, 0x13);
    }
  }
  if (opts.cipher === 'chacha20') db.header.dataCipherUuid = new kdbxweb.KdbxUuid(kdbxweb.Consts.CipherId.ChaCha20);
  // KeePassXC's defaults: 10 history items, 6 MiB.
  db.meta.historyMaxItems = 10;
  db.meta.historyMaxSize = 6 * 1024 * 1024;
  return db;
}
