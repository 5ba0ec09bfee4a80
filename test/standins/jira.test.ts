import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { JiraStandIn } from '@ssot/standins/jira';
import { parseJql } from '@ssot/standins/jira';
import { JIRA_EMAIL, JIRA_OPENAPI, JIRA_TOKEN, startTestJira } from './jira.js';
import { existsSync } from 'node:fs';
import { stringContaining } from '../support/matchers.js';

/** The stand-in itself answers like Jira Cloud v3 where ssot depends on it. */

let s: JiraStandIn;
const auth = { authorization: 'Basic ' + Buffer.from(`${JIRA_EMAIL}:${JIRA_TOKEN}`).toString('base64'), 'content-type': 'application/json' };
const call = async (method: string, p: string, body?: unknown, headers: Record<string, string> = auth): Promise<{ status: number; body: unknown; headers: Headers }> => {
  const res = await fetch(s.url + p, { method, headers, ...(body !== undefined ? { body: JSON.stringify(body) } : {}) });
  const text = await res.text();
  return { status: res.status, body: text ? JSON.parse(text) : undefined, headers: res.headers };
};

beforeAll(async () => {
  s = await startTestJira({ maxPage: 2, lagMs: 600_000 });
});
afterAll(async () => {
  await s.close();
});

describe('Jira stand-in', () => {
  it('refuses a wrong token with 401 and Jira\'s error payload', async () => {
    const r = await call('GET', '/rest/api/3/field', undefined, { authorization: 'Basic ' + Buffer.from(`${JIRA_EMAIL}:nope`).toString('base64') });
    expect(r.status).toBe(401);
    expect(r.body).toEqual({ errorMessages: [expect.any(String)], errors: {} });
  });

  it('404 for an unknown issue or project; 400 with field errors for a bad create', async () => {
    expect((await call('GET', '/rest/api/3/issue/CHRONOS-999')).status).toBe(404);
    expect((await call('GET', '/rest/api/3/project/NOPE')).status).toBe(404);
    const r = await call('POST', '/rest/api/3/issue', { fields: { project: { key: 'NOPE' }, issuetype: { name: 'Task' }, summary: 'x', description: 'plain string' } });
    expect(r.status).toBe(400);
    expect(r.body).toMatchObject({ errors: { project: 'valid project is required', description: stringContaining('Atlassian Document') } });
  });

  it.runIf(existsSync(JIRA_OPENAPI))('records a request body the OpenAPI document does not accept', async () => {
    const before = s.specViolations.length;
    const r = await call('POST', '/rest/api/3/search/jql', { jql: 'project = CHRONOS', maxResults: 'ten', unknownKey: 1 });
    expect(r.status).toBe(400);
    expect(s.specViolations.length).toBeGreaterThan(before);
  });

  it('search/jql: lag before a new issue shows, reconcileIssues, pagination by nextPageToken, no total', async () => {
    const made: string[] = [];
    for (let i = 0; i < 3; i++) {
      const r = await call('POST', '/rest/api/3/issue', { fields: { project: { key: 'CHRONOS' }, issuetype: { name: 'Task' }, summary: `S ${i}`, labels: ['pg'] } });
      expect(r.status).toBe(201);
      made.push((r.body as { id: string }).id);
    }
    const q = { jql: 'project = CHRONOS AND labels = pg', fields: ['summary'] };
    expect(((await call('POST', '/rest/api/3/search/jql', q)).body as { issues: unknown[] }).issues).toHaveLength(0);
    const rec = (await call('POST', '/rest/api/3/search/jql', { ...q, reconcileIssues: [Number(made[0])] })).body as { issues: { id: string }[] };
    expect(rec.issues.map((i) => i.id)).toEqual([made[0]]);
    s.setLag(0);
    const p1 = (await call('POST', '/rest/api/3/search/jql', q)).body as { issues: unknown[]; nextPageToken?: string; isLast: boolean; total?: number };
    expect([p1.issues.length, p1.isLast, p1.total]).toEqual([2, false, undefined]);
    const p2 = (await call('POST', '/rest/api/3/search/jql', { ...q, nextPageToken: p1.nextPageToken })).body as { issues: unknown[]; isLast: boolean };
    expect([p2.issues.length, p2.isLast]).toEqual([1, true]);
    expect((await call('POST', '/rest/api/3/search/jql', { ...q, nextPageToken: 'garbage' })).status).toBe(400);
    expect((await call('POST', '/rest/api/3/search/jql', { jql: 'ORDER BY created' })).status).toBe(400);
  });

  it('transitions carry statusCategory; an unoffered transition is 400', async () => {
    const i = s.addIssue({ summary: 'wf' });
    const t = (await call('GET', `/rest/api/3/issue/${i.key}/transitions`)).body as { transitions: { id: string; to: { statusCategory: { key: string } } }[] };
    expect(t.transitions.map((x) => x.to.statusCategory.key)).toEqual(['indeterminate']);
    expect((await call('POST', `/rest/api/3/issue/${i.key}/transitions`, { transition: { id: '31' } })).status).toBe(400);
    expect((await call('POST', `/rest/api/3/issue/${i.key}/transitions`, { transition: { id: '11' } })).status).toBe(204);
    expect(s.statusOf(i.key)!.name).toBe('In Progress');
  });

  it('429 with Retry-After when told to', async () => {
    s.failNext({ path: '/rest/api/3/field', status: 429, retryAfter: '3' });
    const r = await call('GET', '/rest/api/3/field');
    expect([r.status, r.headers.get('retry-after')]).toEqual([429, '3']);
    expect((await call('GET', '/rest/api/3/field')).status).toBe(200);
  });

  it('reads the JQL ssot sends and refuses what it cannot read', () => {
    const q = parseJql('project = "CHRONOS" AND labels in ("ssot-a", "ssot-b") ORDER BY created ASC');
    expect('match' in q).toBe(true);
    expect('error' in parseJql('summary ~ "x"')).toBe(true);
  });
});
