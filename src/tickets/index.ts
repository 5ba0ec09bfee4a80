/**
 * The tickets domain's public entry: what `ssot tickets sync`, the `ssot sync`
 * orchestrator, the watcher (readyOnly), `ssot status` and `ssot doctor`
 * use. Other folders import from here, never from the modules behind it.
 */
export { syncTickets, ticketsSettings, type SyncTicketsOptions } from './sync.js';
export {
  OpKind,
  describeOutcome,
  verb,
  type ItemOutcome,
  type NoteReadings,
  type OutcomeStatus,
  type PlanItem,
  type PlanOp,
  type TicketsEvent,
  type TicketsPlan,
  type TicketsSyncResult,
} from './plan.js';
export { listNotes } from './notes/files.js';
export { readiness } from './notes/frontmatter.js';
export { parseNote } from './notes/grammar.js';
export { NoteParseError, type NoteItem, type ParsedNote, type Reading } from './notes/types.js';
export { loadMapping } from './mapping.js';
export { connectJira, pickPointsField } from './jira.js';
export { transitionToDone, transitionToProgress } from './transitions.js';
