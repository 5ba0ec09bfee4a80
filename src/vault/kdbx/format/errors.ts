/**
 * What went wrong in the outer layer of a KDBX file, said precisely enough
 * for the user to act: a wrong key is a credential problem (exit 2, "check
 * the password"), everything else names the part of the file that failed
 * (the header hash, the HMAC of block N, data after the end...).
 */
export type FormatFailure =
  /** The key does not open the file (header HMAC, stream start bytes). */
  | 'key'
  /** Not a KeePass 2 file at all. */
  | 'signature'
  /** A format version, cipher or KDF this program cannot read. */
  | 'unsupported'
  /** The file ends before its last block. */
  | 'truncated'
  /** Anything else that does not add up: hashes, sizes, values. */
  | 'corrupt';

export class KdbxFormatError extends Error {
  readonly failure: FormatFailure;
  constructor(failure: FormatFailure, message: string) {
    super(message);
    this.name = 'KdbxFormatError';
    this.failure = failure;
  }
}

export const corrupt = (message: string): KdbxFormatError => new KdbxFormatError('corrupt', message);
