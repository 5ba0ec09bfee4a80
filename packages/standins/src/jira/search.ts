import type { Reply } from '../http/index.js';
import { errorBody, type JiraRouter } from './issues.js';
import { decodeToken, encodeToken, parseJql } from './jql.js';
import type { JiraState } from './state.js';

/**
 * The enhanced JQL search (`/rest/api/3/search/jql`, GET or POST): no total,
 * pages by `nextPageToken`, only `id` unless fields are asked for, and a new
 * issue missing from results for `lagMs` unless named in `reconcileIssues`.
 */

export function addSearchRoutes(router: JiraRouter, st: JiraState): void {
  router
    .on('POST', '/rest/api/3/search/jql', ({ body }) => search(st, (body ?? {}) as Record<string, unknown>, false))
    .on('GET', '/rest/api/3/search/jql', ({ query }) => search(st, { ...Object.fromEntries(query), fields: query.getAll('fields').join(',') }, true));
}

/** A query parameter's value; the GET form carries only strings. */
function text(v: unknown): string {
  return typeof v === 'string' ? v : '';
}

function search(st: JiraState, b: Record<string, unknown>, isGet: boolean): Reply {
  const jql = typeof b['jql'] === 'string' ? b['jql'] : '';
  const parsed = parseJql(jql);
  if ('error' in parsed) return { status: 400, json: errorBody([parsed.error]) };
  const reconcile = new Set(
    (isGet ? text(b['reconcileIssues']).split(',') : ((b['reconcileIssues'] as unknown[] | undefined) ?? [])).map((x) => String(x)).filter(Boolean),
  );
  const now = Date.now();
  const hits = [...st.issues.values()]
    .filter((i) => (now - i.createdAt >= st.lagMs || reconcile.has(i.id)) && parsed.match(i))
    .sort((a, c) => (parsed.desc ? Number(c.id) - Number(a.id) : Number(a.id) - Number(c.id)));
  const max = Math.max(1, Math.min(Number(b['maxResults'] ?? 50), st.maxPage));
  let offset = 0;
  if (b['nextPageToken'] !== undefined) {
    const decoded = decodeToken(text(b['nextPageToken']), jql);
    if (decoded === undefined) return { status: 400, json: errorBody(['The provided next page token is invalid or expired.']) };
    offset = decoded;
  }
  const page = hits.slice(offset, offset + max);
  const wantedRaw = isGet ? text(b['fields']).split(',').filter(Boolean) : ((b['fields'] as string[] | undefined) ?? []);
  const wanted = wantedRaw.length ? wantedRaw : ['id'];
  const more = offset + max < hits.length;
  return {
    status: 200,
    json: {
      issues: page.map((i) => {
        const j = st.issueJson(i, wanted);
        return wanted.length === 1 && wanted[0] === 'id' ? { id: j['id'] } : j;
      }),
      ...(more ? { nextPageToken: encodeToken(offset + max, jql) } : {}),
      isLast: !more,
    },
  };
}
