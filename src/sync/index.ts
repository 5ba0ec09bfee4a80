/**
 * The parts of `ssot sync`, as the command and the watcher run them. Other
 * folders import from here. Light to import: each part loads its domain when
 * it runs.
 */
export { runDocsPart } from './docs-part.js';
export { runTicketsPart } from './tickets-part.js';
export { runVaultPart } from './vault-part.js';
export { PARTS, type Action, type Part, type PartOptions, type PartResult } from './types.js';
