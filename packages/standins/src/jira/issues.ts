import type { Reply, Router } from '../http/index.js';
import { checkFields, fieldList, isAdf, notOnScreen } from './fields.js';
import type { JiraState } from './state.js';
import type { StandInComment, StandInIssue } from './types.js';

/**
 * The Jira stand-in's REST v3 endpoints for fields, the caller, projects,
 * issues (create, read with `fields`, edit with `fields` and `update`),
 * transitions and comments, with Jira's status codes and error payloads.
 */

interface RouteCtx {
  query: URLSearchParams;
  body: unknown;
}

export type JiraRouter = Router<RouteCtx, Reply>;

const API = '/rest/api/3';
const NO_ISSUE = 'Issue does not exist or you do not have permission to see it.';

/** Jira's error payload: messages, and errors keyed by field. */
export function errorBody(messages: string[], errors: Record<string, string> = {}): Record<string, unknown> {
  return { errorMessages: messages, errors };
}

export function addIssueRoutes(router: JiraRouter, st: JiraState): void {
  const withIssue = (idOrKey: string, then: (i: StandInIssue) => Reply): Reply => {
    const i = st.findIssue(idOrKey);
    return i ? then(i) : { status: 404, json: errorBody([NO_ISSUE]) };
  };
  router
    .on('GET', `${API}/field`, () => ({ status: 200, json: fieldList(st) }))
    .on('GET', `${API}/myself`, () => ({
      status: 200,
      json: { accountId: '5b10a2844c20165700ede21g', emailAddress: st.email, displayName: 'Dev', active: true, self: `${st.base}${API}/user?accountId=5b10a2844c20165700ede21g` },
    }))
    .on('GET', `${API}/project/{key}`, (_c, { key }) =>
      st.projects.some((x) => x.key === key) ? { status: 200, json: st.projectJson(key) } : { status: 404, json: errorBody([`No project could be found with key '${key}'.`]) },
    )
    .on('POST', `${API}/issue`, ({ body }) => createIssue(st, body))
    .on('GET', `${API}/issue/{id}`, ({ query }, { id }) =>
      withIssue(id, (i) => {
        const wanted = query.getAll('fields').flatMap((v) => v.split(',')).filter(Boolean);
        return { status: 200, json: st.issueJson(i, wanted.length ? wanted : ['*navigable']) };
      }),
    )
    .on('PUT', `${API}/issue/{id}`, ({ body }, { id }) => withIssue(id, (i) => editIssue(st, i, body)))
    .on('GET', `${API}/issue/{id}/transitions`, (_c, { id }) => withIssue(id, (i) => listTransitions(st, i)))
    .on('POST', `${API}/issue/{id}/transitions`, ({ body }, { id }) => withIssue(id, (i) => transition(st, i, body)))
    .on('GET', `${API}/issue/{id}/comment`, ({ query }, { id }) => withIssue(id, (i) => listComments(st, i, query)))
    .on('POST', `${API}/issue/{id}/comment`, ({ body }, { id }) => withIssue(id, (i) => addComment(st, i, body)));
}

function createIssue(st: JiraState, body: unknown): Reply {
  const f = (body as { fields?: Record<string, unknown> } | undefined)?.fields ?? {};
  const errors = checkFields(st, f, true);
  if (Object.keys(errors).length) return { status: 400, json: errorBody([], errors) };
  const custom: Record<string, unknown> = {};
  if (st.pointsFieldId && f[st.pointsFieldId] !== undefined) custom[st.pointsFieldId] = f[st.pointsFieldId];
  const i = st.newIssue({
    project: (f['project'] as { key: string }).key,
    issueType: (f['issuetype'] as { name: string }).name,
    summary: f['summary'] as string,
    description: f['description'] ?? null,
    labels: (f['labels'] as string[] | undefined) ?? [],
    duedate: (f['duedate'] as string | undefined) ?? null,
    custom,
  });
  return { status: 201, json: { id: i.id, key: i.key, self: `${st.base}${API}/issue/${i.id}` } };
}

function editIssue(st: JiraState, i: StandInIssue, body: unknown): Reply {
  const b = (body ?? {}) as { fields?: Record<string, unknown>; update?: Record<string, { add?: unknown; remove?: unknown; set?: unknown }[]> };
  const f = b.fields ?? {};
  const errors = checkFields(st, f, false);
  for (const k of Object.keys(b.update ?? {})) if (k !== 'labels') errors[k] = notOnScreen(k);
  if (Object.keys(errors).length) return { status: 400, json: errorBody([], errors) };
  if (typeof f['summary'] === 'string') i.summary = f['summary'];
  if ('description' in f) i.description = f['description'] ?? null;
  if ('labels' in f) i.labels = [...(f['labels'] as string[])];
  if ('duedate' in f) i.duedate = (f['duedate'] as string | null) ?? null;
  if (st.pointsFieldId && st.pointsFieldId in f) i.custom[st.pointsFieldId] = f[st.pointsFieldId];
  for (const op of b.update?.['labels'] ?? []) {
    if (typeof op.add === 'string' && !i.labels.includes(op.add)) i.labels.push(op.add);
    if (typeof op.remove === 'string') i.labels = i.labels.filter((l) => l !== op.remove);
  }
  return { status: 204 };
}

const offered = (st: JiraState, i: StandInIssue) => st.transitions.filter((t) => (t.from === '*' || t.from.includes(i.statusId)) && t.to !== i.statusId);

function listTransitions(st: JiraState, i: StandInIssue): Reply {
  const transitions = offered(st, i).map((t) => ({
    id: t.id,
    name: t.name,
    to: st.statusJson(t.to),
    hasScreen: false,
    isGlobal: t.from === '*',
    isInitial: false,
    isAvailable: true,
    isConditional: false,
    isLooped: false,
  }));
  return { status: 200, json: { expand: 'transitions', transitions } };
}

function transition(st: JiraState, i: StandInIssue, body: unknown): Reply {
  const id = (body as { transition?: { id?: string } } | undefined)?.transition?.id;
  const t = offered(st, i).find((x) => x.id === id);
  if (!t) return { status: 400, json: errorBody([`Transition id '${String(id)}' is not valid for this issue.`]) };
  i.statusId = t.to;
  return { status: 204 };
}

function commentJson(st: JiraState, i: StandInIssue, c: StandInComment): Record<string, unknown> {
  return { self: `${st.base}${API}/issue/${i.id}/comment/${c.id}`, id: c.id, body: c.body, created: c.created, updated: c.created, jsdPublic: true };
}

function listComments(st: JiraState, i: StandInIssue, query: URLSearchParams): Reply {
  const startAt = Number(query.get('startAt') ?? 0);
  const maxResults = Math.min(Number(query.get('maxResults') ?? 50), st.maxPage);
  const page = i.comments.slice(startAt, startAt + maxResults);
  return { status: 200, json: { startAt, maxResults, total: i.comments.length, comments: page.map((c) => commentJson(st, i, c)) } };
}

function addComment(st: JiraState, i: StandInIssue, body: unknown): Reply {
  const b = (body as { body?: unknown } | undefined)?.body;
  if (!isAdf(b)) return { status: 400, json: errorBody([], { comment: 'Comment body is not valid!' }) };
  const c: StandInComment = { id: st.nextCommentId(), body: b, created: new Date().toISOString().replace('Z', '+0000') };
  i.comments.push(c);
  return { status: 201, json: commentJson(st, i, c) };
}
