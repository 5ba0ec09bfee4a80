/**
 * What a user is told when a file does not open: a wrong key is a
 * credential error (exit 2, check the password); anything else is a damaged
 * or unsupported file (exit 2), with the part that failed named.
 */
import { CredentialError, ErrorCode, InputError, type SsotError } from '../../core/errors.js';
import { KdbxFormatError } from './format/errors.js';
import * as kdbxweb from './kdbxweb.js';

const RESTORE = 'restore it from another copy (`ssot vault restore`)';

/** The typed error for a file that failed to open; `source` names it, never a value from it. */
export function openError(e: unknown, source: string, bytes: Uint8Array): SsotError {
  const place = { file: source };
  if (e instanceof KdbxFormatError) {
    switch (e.failure) {
      case 'key': {
        const v3 = bytes.byteLength >= 12 && new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength).getUint16(10, true) < 4;
        return new CredentialError(ErrorCode.InvalidKey, `cannot decrypt ${source}: wrong password or key file`, {
          place,
          hint: v3
            ? 'check the password and key file configured for this vault (a KDBX 3 file cannot tell a wrong key from a damaged header: if the key is right, restore the file from another copy)'
            : 'check the password and key file configured for this vault',
        });
      }
      case 'signature':
        return new InputError(ErrorCode.Corrupt, `cannot open ${source}: ${e.message}`, place);
      case 'unsupported':
        return new InputError(ErrorCode.Corrupt, `cannot open ${source}: unsupported database format: ${e.message}`, place,
          'ssot reads KDBX 2.x to 4.x encrypted with AES-256 or ChaCha20 (not Twofish, for which no well-kept JavaScript implementation exists); change the encryption in KeePassXC (Database settings > Security > Encryption settings)', e);
      case 'truncated':
        return new InputError(ErrorCode.Corrupt, `cannot open ${source}: ${e.message}`, place, RESTORE, e);
      default:
        return new InputError(ErrorCode.Corrupt, `cannot open ${source}: the file is damaged: ${e.message}`, place, RESTORE, e);
    }
  }
  const why = e instanceof kdbxweb.KdbxError ? e.message.replace(/^Error /, '') : e instanceof Error ? e.message : String(e);
  return new InputError(ErrorCode.Corrupt, `cannot open ${source}: the file is damaged (${why})`, place, RESTORE, e);
}
