/**
 * The tickets domain's public entry: what `ssot tickets sync`, the `ssot sync`
 * orchestrator, the watcher (readyOnly), `ssot status` and `ssot doctor`
 * use. Other folders import from here, never from the modules behind it.
 */
export { syncTickets, type SyncTicketsOptions } from './sync.js';
export { describeOutcome, verb, type NoteReadings, type PlanOp, type TicketsPlan, type TicketsSyncResult } from './plan.js';
export { listNotes } from './notes/files.js';
export { parseNote } from './notes/grammar.js';
export { NoteParseError, type NoteItem, type ParsedNote } from './notes/types.js';
export { loadMapping } from './mapping.js';
export { connectJira, pickPointsField } from './jira.js';
