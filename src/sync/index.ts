import type * as DocsPart from './docs-part.js';
import type * as TicketsPart from './tickets-part.js';
import type * as VaultPart from './vault-part.js';

/**
 * The parts of `ssot sync`, as the command and the watcher run them. Other
 * folders import from here. Light to import: a part's module, and the domain
 * behind it, load when that part first runs.
 */
export { PARTS, type Part, type PartOptions, type PartResult } from './types.js';

export const runVaultPart: typeof VaultPart.runVaultPart = async (...a) => (await import('./vault-part.js')).runVaultPart(...a);
export const runDocsPart: typeof DocsPart.runDocsPart = async (...a) => (await import('./docs-part.js')).runDocsPart(...a);
export const runTicketsPart: typeof TicketsPart.runTicketsPart = async (...a) => (await import('./tickets-part.js')).runTicketsPart(...a);
