import { CredentialError, ErrorCode, RemoteError, SsotError } from '../core/errors.js';
import { withRetry, type RetryDecision } from '../core/retry.js';
import type { AdfDoc } from './adf.js';

/**
 * The few Jira operations tickets sync needs, over jira.js v6 (the cloud
 * client, generated from the v3 specification). Reads and idempotent writes
 * are retried on 429/5xx/network errors, honouring Retry-After; a create is
 * retried only on 429 (Jira did not act on it): any other failure of a create
 * leaves the pending marker in the note, and the next run looks for the
 * issue by its tie label before creating again.
 */

export interface JiraIssue {
  id: string;
  key: string;
  summary: string;
  statusName: string;
  statusCategory: string;
  labels: string[];
  duedate: string | null;
  description: unknown;
  points: number | null;
}

export interface JiraTransition {
  id: string;
  name: string;
  toName: string;
  toCategory: string;
}

export interface JiraField {
  id: string;
  name: string;
  custom?: string;
  type?: string;
}

interface CreateFields {
  project: string;
  issueType: string;
  summary: string;
  description?: AdfDoc;
  labels: string[];
  duedate?: string;
  points?: { field: string; value: number };
}

interface EditFields {
  summary?: string;
  description?: AdfDoc;
  duedate?: string;
  points?: { field: string; value: number };
  addLabels?: string[];
}

export interface JiraApi {
  getFields(): Promise<JiraField[]>;
  projectExists(key: string): Promise<boolean>;
  getIssue(key: string, pointsField?: string): Promise<JiraIssue | undefined>;
  /** Enhanced search (`/rest/api/3/search/jql`), every page followed by nextPageToken. */
  search(jql: string, pointsField?: string): Promise<JiraIssue[]>;
  createIssue(f: CreateFields): Promise<{ id: string; key: string }>;
  editIssue(key: string, f: EditFields): Promise<void>;
  getTransitions(key: string): Promise<JiraTransition[]>;
  doTransition(key: string, transitionId: string): Promise<void>;
  getCommentTexts(key: string): Promise<string[]>;
  addComment(key: string, body: AdfDoc): Promise<void>;
}

export interface JiraConnection {
  baseUrl: string;
  email: string;
  token: string;
  /** Tests: fail on any response the library's schemas do not describe. */
  strictSchemas?: boolean;
  sleep?: (ms: number) => Promise<void>;
  onRetry?: (what: string, waitMs: number) => void;
}

interface ErrorPredicates {
  isApiError: (e: unknown) => e is { status: number; body: unknown; message: string };
  isRateLimitError: (e: unknown) => e is { retryAfterMs?: number };
  isServerError: (e: unknown) => boolean;
  isNetworkError: (e: unknown) => boolean;
  isNotFoundError: (e: unknown) => boolean;
  isAuthError: (e: unknown) => boolean;
  isForbiddenError: (e: unknown) => boolean;
}

export async function connectJira(c: JiraConnection): Promise<JiraApi> {
  // Loaded here, not at the top: only commands that talk to Jira pay for jira.js.
  const { createCloudClient } = await import('jira.js');
  const core = (await import('jira.js/core')) as unknown as ErrorPredicates;
  const jira = createCloudClient({
    host: c.baseUrl.replace(/\/+$/, ''),
    auth: { type: 'basic', email: c.email, apiToken: c.token },
    onSchemaMismatch: c.strictSchemas ? 'throw' : 'silent',
  });

  const classify = (idempotent: boolean) => (err: unknown): RetryDecision => {
    if (core.isRateLimitError(err)) {
      const after = err.retryAfterMs;
      return after === undefined ? { retry: true } : { retry: true, afterMs: after };
    }
    if (!idempotent) return { retry: false };
    if (core.isServerError(err) || core.isNetworkError(err)) return { retry: true };
    return { retry: false };
  };
  const call = async <T>(what: string, idempotent: boolean, fn: () => Promise<T>): Promise<T> => {
    try {
      return await withRetry(fn, {
        attempts: 5,
        baseMs: 200,
        maxMs: 10_000,
        classify: classify(idempotent),
        ...(c.sleep ? { sleep: c.sleep } : {}),
        onRetry: (_e, _a, wait) => c.onRetry?.(what, wait),
      });
    } catch (err) {
      throw mapError(err, what, core);
    }
  };

  const fieldsFor = (pointsField?: string): string[] => ['summary', 'status', 'labels', 'duedate', 'description', ...(pointsField ? [pointsField] : [])];
  const toIssue = (raw: unknown, pointsField?: string): JiraIssue => {
    const i = raw as { id?: unknown; key?: unknown; fields?: Record<string, unknown> };
    const f = i.fields ?? {};
    const status = (f['status'] ?? {}) as { name?: string; statusCategory?: { key?: string } };
    const pts = pointsField ? f[pointsField] : undefined;
    return {
      id: scalarText(i.id),
      key: scalarText(i.key),
      summary: scalarText(f['summary']),
      statusName: status.name ?? '',
      statusCategory: status.statusCategory?.key ?? '',
      labels: Array.isArray(f['labels']) ? f['labels'].filter((l): l is string => typeof l === 'string') : [],
      duedate: typeof f['duedate'] === 'string' ? f['duedate'] : null,
      description: f['description'] ?? null,
      points: typeof pts === 'number' ? pts : null,
    };
  };

  return {
    async getFields() {
      const fields = await call('read the field list', true, () => jira.issueFields.getFields());
      return fields.map((f) => ({
        id: f.id ?? '',
        name: f.name ?? '',
        ...(f.schema?.custom ? { custom: f.schema.custom } : {}),
        ...(f.schema?.type ? { type: f.schema.type } : {}),
      }));
    },
    async projectExists(key) {
      try {
        await call(`read project ${key}`, true, () => jira.projects.getProject({ projectIdOrKey: key }));
        return true;
      } catch (e) {
        if (e instanceof SsotError && e.code === ErrorCode.NotFound) return false;
        throw e;
      }
    },
    async getIssue(key, pointsField) {
      try {
        const raw = await call(`read ${key}`, true, () => jira.issues.getIssue({ issueIdOrKey: key, fields: fieldsFor(pointsField) }));
        return toIssue(raw, pointsField);
      } catch (e) {
        if (e instanceof SsotError && e.code === ErrorCode.NotFound) return undefined;
        throw e;
      }
    },
    async search(jql, pointsField) {
      const out: JiraIssue[] = [];
      let nextPageToken: string | undefined;
      for (let page = 0; page < 1000; page++) {
        const res = await call('search issues', true, () =>
          jira.issueSearch.searchAndReconsileIssuesUsingJqlPost({
            jql,
            fields: fieldsFor(pointsField),
            maxResults: 50,
            ...(nextPageToken ? { nextPageToken } : {}),
          }),
        );
        for (const i of res.issues ?? []) out.push(toIssue(i, pointsField));
        nextPageToken = res.nextPageToken ?? undefined;
        if (!nextPageToken || res.isLast) break;
      }
      return out;
    },
    async createIssue(f) {
      const fields: Record<string, unknown> = {
        project: { key: f.project },
        issuetype: { name: f.issueType },
        summary: f.summary,
        labels: f.labels,
        ...(f.description ? { description: f.description } : {}),
        ...(f.duedate ? { duedate: f.duedate } : {}),
        ...(f.points ? { [f.points.field]: f.points.value } : {}),
      };
      const res = await call(`create "${f.summary}"`, false, () => jira.issues.createIssue({ fields }));
      if (!res.key || !res.id) throw new RemoteError(`Jira answered the create of "${f.summary}" without a key`);
      return { id: res.id, key: res.key };
    },
    async editIssue(key, f) {
      const fields: Record<string, unknown> = {
        ...(f.summary !== undefined ? { summary: f.summary } : {}),
        ...(f.description ? { description: f.description } : {}),
        ...(f.duedate ? { duedate: f.duedate } : {}),
        ...(f.points ? { [f.points.field]: f.points.value } : {}),
      };
      const update = f.addLabels?.length ? { labels: f.addLabels.map((l) => ({ add: l })) } : undefined;
      // An edit states values, so sending it twice is harmless: retried like a read.
      await call(`update ${key}`, true, () =>
        jira.issues.editIssue({ issueIdOrKey: key, ...(Object.keys(fields).length ? { fields } : {}), ...(update ? { update } : {}) }),
      );
    },
    async getTransitions(key) {
      const res = await call(`read the transitions of ${key}`, true, () => jira.issues.getTransitions({ issueIdOrKey: key }));
      return (res.transitions ?? []).map((t) => ({
        id: t.id ?? '',
        name: t.name ?? '',
        toName: t.to?.name ?? '',
        toCategory: t.to?.statusCategory?.key ?? '',
      }));
    },
    async doTransition(key, transitionId) {
      await call(`transition ${key}`, false, () => jira.issues.doTransition({ issueIdOrKey: key, transition: { id: transitionId } }));
    },
    async getCommentTexts(key) {
      const texts: string[] = [];
      const { adfText } = await import('./adf.js');
      for (let startAt = 0; startAt < 100_000; ) {
        const page = await call(`read the comments of ${key}`, true, () => jira.issueComments.getComments({ issueIdOrKey: key, startAt, maxResults: 100 }));
        const list = page.comments ?? [];
        for (const cm of list) texts.push(adfText(cm.body));
        startAt += list.length;
        if (!list.length || startAt >= (page.total ?? 0)) break;
      }
      return texts;
    },
    async addComment(key, body) {
      await call(`comment on ${key}`, false, () => jira.issueComments.addComment({ issueIdOrKey: key, body: body as never }));
    },
  };
}

/** An id, key or summary as Jira sends it: a string (a number where an id is numeric); anything else is none. */
function scalarText(v: unknown): string {
  return typeof v === 'string' || typeof v === 'number' ? String(v) : '';
}

function mapError(err: unknown, what: string, core: ErrorPredicates): unknown {
  if (err instanceof SsotError) return err;
  if (core.isAuthError(err)) {
    return new CredentialError(ErrorCode.RemoteAuth, `Jira refused the credentials (${what})`, {
      hint: 'check jira.email and jira.token (an API token from id.atlassian.com)',
    });
  }
  if (core.isNotFoundError(err)) return new SsotError(ErrorCode.NotFound, `Jira: not found (${what})`, { cause: err });
  if (core.isApiError(err)) {
    const detail = jiraMessages(err.body);
    return new RemoteError(`Jira answered ${err.status} to "${what}"${detail ? `: ${detail}` : ''}`, {
      status: err.status,
      retryable: err.status === 429 || err.status >= 500,
      cause: err,
    });
  }
  if (core.isNetworkError(err)) return new RemoteError(`cannot reach Jira (${what}): ${(err as Error).message}`, { retryable: true, cause: err });
  return err;
}

/** Jira's error payload: `{ errorMessages: [...], errors: { field: msg } }`. */
function jiraMessages(body: unknown): string {
  if (!body || typeof body !== 'object') return typeof body === 'string' ? body.slice(0, 200) : '';
  const b = body as { errorMessages?: unknown; errors?: unknown };
  const parts: string[] = [];
  if (Array.isArray(b.errorMessages)) parts.push(...b.errorMessages.map(String));
  if (b.errors && typeof b.errors === 'object') for (const [k, v] of Object.entries(b.errors)) parts.push(`${k}: ${String(v)}`);
  return parts.join('; ');
}

/** jira.storyPointsField (an id or a name), else "Story Points", else "Story point estimate". */
export function pickPointsField(fields: readonly JiraField[], configured?: string): string | undefined {
  if (configured) return fields.find((f) => f.id === configured || f.name.toLowerCase() === configured.toLowerCase())?.id;
  for (const name of ['story points', 'story point estimate']) {
    const f = fields.find((x) => x.name.toLowerCase() === name);
    if (f) return f.id;
  }
  return undefined;
}
