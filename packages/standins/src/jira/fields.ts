import type { JiraState } from './state.js';
import { ISSUE_TYPES } from './workflow.js';

/**
 * The fields of the stand-in's issues as `GET /field` lists them, and the
 * checks Jira makes of a create or edit (field errors keyed by field id).
 */

export function fieldList(st: JiraState): Record<string, unknown>[] {
  const { pointsFieldId, pointsKind } = st;
  return [
    { id: 'summary', key: 'summary', name: 'Summary', custom: false, orderable: true, navigable: true, searchable: true, clauseNames: ['summary'], schema: { type: 'string', system: 'summary' } },
    { id: 'description', key: 'description', name: 'Description', custom: false, orderable: true, navigable: true, searchable: true, clauseNames: ['description'], schema: { type: 'string', system: 'description' } },
    { id: 'labels', key: 'labels', name: 'Labels', custom: false, orderable: true, navigable: true, searchable: true, clauseNames: ['labels'], schema: { type: 'array', items: 'string', system: 'labels' } },
    { id: 'duedate', key: 'duedate', name: 'Due date', custom: false, orderable: true, navigable: true, searchable: true, clauseNames: ['due', 'duedate'], schema: { type: 'date', system: 'duedate' } },
    { id: 'status', key: 'status', name: 'Status', custom: false, orderable: false, navigable: true, searchable: true, clauseNames: ['status'], schema: { type: 'status', system: 'status' } },
    { id: 'customfield_10020', key: 'customfield_10020', name: 'Sprint', custom: true, orderable: true, navigable: true, searchable: true, clauseNames: ['Sprint', 'cf[10020]'], schema: { type: 'array', items: 'json', custom: 'com.pyxis.greenhopper.jira:gh-sprint', customId: 10020 } },
    ...(pointsFieldId
      ? [
          {
            id: pointsFieldId,
            key: pointsFieldId,
            name: pointsKind === 'company' ? 'Story Points' : 'Story point estimate',
            custom: true,
            orderable: true,
            navigable: true,
            searchable: true,
            clauseNames: [`cf[${pointsFieldId.slice(12)}]`],
            schema: {
              type: 'number',
              custom: pointsKind === 'company' ? 'com.atlassian.jira.plugin.system.customfieldtypes:float' : 'com.pyxis.greenhopper.jira:jsw-story-points',
              customId: Number(pointsFieldId.slice(12)),
            },
          },
        ]
      : []),
  ];
}

export const notOnScreen = (k: string): string => `Field '${k}' cannot be set. It is not on the appropriate screen, or unknown.`;

/** Jira's field errors for the fields of a create (`creating`) or an edit. */
export function checkFields(st: JiraState, f: Record<string, unknown>, creating: boolean): Record<string, string> {
  const { pointsFieldId } = st;
  const errors: Record<string, string> = {};
  const known = new Set(['project', 'issuetype', 'summary', 'description', 'labels', 'duedate', ...(pointsFieldId ? [pointsFieldId] : [])]);
  for (const k of Object.keys(f)) if (!known.has(k)) errors[k] = notOnScreen(k);
  if (creating) Object.assign(errors, missingOnCreate(st, f));
  if ('summary' in f && typeof f['summary'] === 'string' && f['summary'].length > 255) errors['summary'] = 'Summary must be less than 255 characters.';
  if ('description' in f && f['description'] !== null && !isAdf(f['description'])) errors['description'] = 'Operation value must be an Atlassian Document (see the Atlassian Document Format).';
  if ('labels' in f && (!Array.isArray(f['labels']) || f['labels'].some((l) => typeof l !== 'string' || /\s/.test(l)))) errors['labels'] = 'The label must not contain spaces.';
  if ('duedate' in f && f['duedate'] !== null && (typeof f['duedate'] !== 'string' || !/^\d{4}-\d{2}-\d{2}$/.test(f['duedate']))) errors['duedate'] = "Error parsing date string: expected 'yyyy-MM-dd'.";
  if (pointsFieldId && pointsFieldId in f && f[pointsFieldId] !== null && typeof f[pointsFieldId] !== 'number') errors[pointsFieldId] = 'Operation value must be a number.';
  return errors;
}

function missingOnCreate(st: JiraState, f: Record<string, unknown>): Record<string, string> {
  const errors: Record<string, string> = {};
  const proj = (f['project'] as { key?: string; id?: string } | undefined) ?? {};
  if (!st.projects.some((x) => x.key === proj.key)) errors['project'] = 'valid project is required';
  const it = (f['issuetype'] as { name?: string } | undefined)?.name;
  if (!it || !ISSUE_TYPES.includes(it)) errors['issuetype'] = 'Specify an issue type';
  if (typeof f['summary'] !== 'string' || !f['summary'].trim()) errors['summary'] = 'You must specify a summary of the issue.';
  return errors;
}

/** An Atlassian Document Format document (its root: `{ type: 'doc', version: 1, content: [...] }`). */
export function isAdf(v: unknown): boolean {
  return !!v && typeof v === 'object' && (v as { type?: unknown }).type === 'doc' && (v as { version?: unknown }).version === 1 && Array.isArray((v as { content?: unknown }).content);
}
