/**
 * The tickets part's public surface, for `ssot tickets sync`, the `ssot sync`
 * orchestrator and the watcher (which passes readyOnly: true).
 */
export {
  syncTickets,
  listNotes,
  readiness,
  ticketsSettings,
  OpKind,
  type SyncTicketsOptions,
  type TicketsSyncResult,
  type TicketsPlan,
  type PlanItem,
  type PlanOp,
  type ItemOutcome,
  type TicketsEvent,
} from './sync.js';
export { parseNote, NoteParseError, type ParsedNote, type NoteItem } from './grammar.js';
