import type { StandInStatus, StandInTransitionDef } from './types.js';

/**
 * The stand-in's statuses and workflows: a company-managed project's
 * To Do -> In Progress -> In Review -> Done chain, or a simple one where Done
 * is offered from every status (a global transition).
 */

export const STATUSES: StandInStatus[] = [
  { id: '10000', name: 'To Do', category: 'new' },
  { id: '3', name: 'In Progress', category: 'indeterminate' },
  { id: '10001', name: 'In Review', category: 'indeterminate' },
  { id: '10002', name: 'Done', category: 'done' },
];
export const CATEGORY = {
  new: { id: 2, key: 'new', colorName: 'blue-gray', name: 'To Do' },
  indeterminate: { id: 4, key: 'indeterminate', colorName: 'yellow', name: 'In Progress' },
  done: { id: 3, key: 'done', colorName: 'green', name: 'Done' },
} as const;
export const CHAIN: StandInTransitionDef[] = [
  { id: '11', name: 'Start work', from: ['10000'], to: '3' },
  { id: '21', name: 'Send to review', from: ['3'], to: '10001' },
  { id: '22', name: 'Stop work', from: ['3'], to: '10000' },
  { id: '31', name: 'Approve', from: ['10001'], to: '10002' },
  { id: '32', name: 'Request changes', from: ['10001'], to: '3' },
  { id: '41', name: 'Reopen', from: ['10002'], to: '10000' },
];
export const SIMPLE: StandInTransitionDef[] = [
  { id: '11', name: 'Start work', from: ['10000'], to: '3' },
  { id: '31', name: 'Done', from: '*', to: '10002' },
  { id: '41', name: 'Reopen', from: ['10002'], to: '10000' },
];
export const ISSUE_TYPES = ['Task', 'Story', 'Bug', 'Epic'];
