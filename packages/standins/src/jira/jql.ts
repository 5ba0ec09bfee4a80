import type { StandInIssue } from './types.js';

/**
 * The JQL the stand-in reads, and the page tokens of the enhanced search
 * (opaque to clients; tied to the query they were issued for).
 */

export function encodeToken(offset: number, jql: string): string {
  return Buffer.from(JSON.stringify({ o: offset, q: jql })).toString('base64url');
}

export function decodeToken(t: string, jql: string): number | undefined {
  try {
    const v = JSON.parse(Buffer.from(t, 'base64url').toString('utf8')) as { o?: unknown; q?: unknown };
    return typeof v.o === 'number' && v.q === jql ? v.o : undefined;
  } catch {
    return undefined;
  }
}

/**
 * The JQL the stand-in understands: clauses joined by AND on project, key and
 * labels (`=` and `in (...)`), then an optional ORDER BY created. Like Jira's
 * search/jql, an unbounded query (no restriction) is refused.
 */
export function parseJql(jql: string): { match: (i: StandInIssue) => boolean; desc: boolean } | { error: string } {
  let q = jql.trim();
  let desc = false;
  const order = /\s*ORDER\s+BY\s+(created|key|id)\s*(ASC|DESC)?\s*$/i.exec(q);
  if (order) {
    desc = (order[2] ?? 'ASC').toUpperCase() === 'DESC';
    q = q.slice(0, order.index);
  }
  if (!q) return { error: 'Unbounded JQL queries are not allowed here. Please add a search restriction to your query.' };
  const clauses = q.split(/\s+AND\s+/i);
  const tests: ((i: StandInIssue) => boolean)[] = [];
  const unquote = (s: string): string => s.trim().replace(/^"(.*)"$/, '$1').replace(/^'(.*)'$/, '$1');
  for (const c of clauses) {
    const eq = /^\s*(project|key|labels)\s*=\s*("[^"]*"|'[^']*'|[^\s()]+)\s*$/i.exec(c);
    const inn = /^\s*(project|key|labels)\s+in\s*\(([^)]*)\)\s*$/i.exec(c);
    if (!eq && !inn) return { error: `Error in the JQL Query: the stand-in cannot read "${c.trim()}".` };
    const [, name = '', list = ''] = eq ?? inn ?? [];
    const field = name.toLowerCase();
    const values = eq ? [unquote(list)] : list.split(',').map(unquote).filter(Boolean);
    if (field === 'project') tests.push((i) => values.includes(i.project));
    else if (field === 'key') tests.push((i) => values.includes(i.key));
    else tests.push((i) => i.labels.some((l) => values.includes(l)));
  }
  return { match: (i) => tests.every((t) => t(i)), desc };
}
