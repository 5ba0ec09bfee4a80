import { parseConfig } from '../../src/config/load.js';
import { InputError } from '../../src/core/errors.js';

/** The InputError a config text is refused with (anything else, or no error, fails the test). */
export function configError(text: string): InputError {
  try {
    parseConfig(text, '/tmp/ssot.config.yaml');
  } catch (e) {
    if (e instanceof InputError) return e;
    throw e;
  }
  throw new Error('expected an InputError');
}
