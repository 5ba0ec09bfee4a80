import { promises as fs } from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';

/**
 * A local stand-in of Jira Cloud's REST API v3: the part ssot uses (projects,
 * fields, issues with labels and story points, a workflow whose transitions
 * carry statusCategory, comments, the enhanced JQL search with nextPageToken),
 * with Jira's status codes and error payloads (400, 401, 404, 429 with
 * Retry-After) and the lag before a new issue is searchable. Every request
 * body is validated against the published OpenAPI document when one is given.
 * Used by the tests, the demo and `ssot dev-services`; loopback only.
 */

export interface StandInStatus {
  id: string;
  name: string;
  category: 'new' | 'indeterminate' | 'done';
}

export interface StandInTransitionDef {
  id: string;
  name: string;
  from: string[] | '*';
  to: string;
}

export interface StandInComment {
  id: string;
  body: unknown;
  created: string;
}

export interface StandInIssue {
  id: string;
  key: string;
  project: string;
  issueType: string;
  summary: string;
  description: unknown;
  labels: string[];
  duedate: string | null;
  statusId: string;
  custom: Record<string, unknown>;
  comments: StandInComment[];
  /** ms since epoch; search shows the issue only `lagMs` after this. */
  createdAt: number;
}

export interface RecordedRequest {
  method: string;
  path: string;
  query: Record<string, string>;
  body: unknown;
  status: number;
}

export interface FailRule {
  method?: string;
  path: RegExp | string;
  status: number;
  retryAfter?: string;
  body?: unknown;
  /** How many matching requests fail (default 1). */
  times?: number;
}

export interface JiraStandInOptions {
  port?: number;
  email?: string;
  token?: string;
  projects?: { key: string; name: string }[];
  /** How long a new issue stays out of search results (ms). */
  lagMs?: number;
  /** Largest page the search returns, whatever maxResults asks. */
  maxPage?: number;
  /** The story-points field: `company` ("Story Points"), `team` ("Story point estimate") or none. */
  pointsField?: 'company' | 'team' | 'none';
  /** `chain`: To Do -> In Progress -> In Review -> Done; `simple`: Done offered from every status. */
  workflow?: 'chain' | 'simple';
  /** Path of jira-cloud-platform-v3.openapi.json: request bodies are validated against it. */
  openapi?: string;
  /** Called once a response has been sent (the crash test kills its child here). */
  afterResponse?: (req: RecordedRequest) => void;
}

export interface JiraStandIn {
  url: string;
  close(): Promise<void>;
  requests: RecordedRequest[];
  /** Requests that change something (search is a POST that does not). */
  writes(): RecordedRequest[];
  issues(): StandInIssue[];
  issue(key: string): StandInIssue | undefined;
  statusOf(key: string): StandInStatus | undefined;
  addIssue(i: Partial<StandInIssue> & { summary: string; status?: string }): StandInIssue;
  failNext(rule: FailRule): void;
  setLag(ms: number): void;
  /** Request bodies the OpenAPI document does not accept. */
  specViolations: string[];
  pointsFieldId: string | undefined;
  setAfterResponse(fn: ((req: RecordedRequest) => void) | undefined): void;
}

const STATUSES: StandInStatus[] = [
  { id: '10000', name: 'To Do', category: 'new' },
  { id: '3', name: 'In Progress', category: 'indeterminate' },
  { id: '10001', name: 'In Review', category: 'indeterminate' },
  { id: '10002', name: 'Done', category: 'done' },
];
const CATEGORY = {
  new: { id: 2, key: 'new', colorName: 'blue-gray', name: 'To Do' },
  indeterminate: { id: 4, key: 'indeterminate', colorName: 'yellow', name: 'In Progress' },
  done: { id: 3, key: 'done', colorName: 'green', name: 'Done' },
} as const;
const CHAIN: StandInTransitionDef[] = [
  { id: '11', name: 'Start work', from: ['10000'], to: '3' },
  { id: '21', name: 'Send to review', from: ['3'], to: '10001' },
  { id: '22', name: 'Stop work', from: ['3'], to: '10000' },
  { id: '31', name: 'Approve', from: ['10001'], to: '10002' },
  { id: '32', name: 'Request changes', from: ['10001'], to: '3' },
  { id: '41', name: 'Reopen', from: ['10002'], to: '10000' },
];
const SIMPLE: StandInTransitionDef[] = [
  { id: '11', name: 'Start work', from: ['10000'], to: '3' },
  { id: '31', name: 'Done', from: '*', to: '10002' },
  { id: '41', name: 'Reopen', from: ['10002'], to: '10000' },
];
const ISSUE_TYPES = ['Task', 'Story', 'Bug', 'Epic'];

type Validate = ((body: unknown) => boolean) & { errors?: { instancePath?: string; message?: string }[] | null };
interface SpecOp {
  template: RegExp;
  method: string;
  validate?: Validate;
  query: Set<string>;
}

const specCache = new Map<string, Promise<SpecOp[]>>();

/** Compiled once per process: the document is 2.4 MB. */
function loadSpec(file: string): Promise<SpecOp[]> {
  let p = specCache.get(file);
  if (!p) specCache.set(file, (p = compileSpec(file)));
  return p;
}

async function compileSpec(file: string): Promise<SpecOp[]> {
  const spec = JSON.parse(await fs.readFile(file, 'utf8')) as {
    paths: Record<string, Record<string, { parameters?: { name?: string; in?: string }[]; requestBody?: { content?: Record<string, { schema?: unknown }> } }>>;
    components: unknown;
  };
  // ajv is a dev tool: without it the stand-in still runs, unvalidated.
  const { default: Ajv } = (await import('ajv')) as unknown as { default: new (o: object) => { addSchema(s: object): void; compile(s: object): Validate } };
  const { default: addFormats } = (await import('ajv-formats')) as unknown as { default: (a: unknown) => void };
  const ajv = new Ajv({ strict: false, allErrors: true, validateFormats: true });
  addFormats(ajv);
  ajv.addSchema({ $id: 'jira-v3', components: spec.components });
  const ops: SpecOp[] = [];
  for (const [p, methods] of Object.entries(spec.paths)) {
    const template = new RegExp('^' + p.replace(/[.*+?^$()|[\]\\]/g, '\\$&').replace(/\{[^}]+\}/g, '[^/]+') + '$');
    for (const [m, op] of Object.entries(methods)) {
      if (!['get', 'post', 'put', 'delete', 'patch'].includes(m)) continue;
      const schema = op.requestBody?.content?.['application/json']?.schema as { $ref?: string } | undefined;
      let validate: Validate | undefined;
      if (schema) {
        const fixed = JSON.parse(JSON.stringify(schema).replace(/"#\/components/g, '"jira-v3#/components')) as object;
        validate = ajv.compile(fixed);
      }
      const query = new Set((op.parameters ?? []).filter((x) => x.in === 'query').map((x) => String(x.name)));
      ops.push({ template, method: m.toUpperCase(), query, ...(validate ? { validate } : {}) });
    }
  }
  return ops;
}

export async function startJiraStandIn(opts: JiraStandInOptions = {}): Promise<JiraStandIn> {
  const email = opts.email ?? 'dev@example.com';
  const token = opts.token ?? 'standin-token';
  const projects = opts.projects ?? [{ key: 'CHRONOS', name: 'Chronos' }];
  const transitions = opts.workflow === 'simple' ? SIMPLE : CHAIN;
  const maxPage = opts.maxPage ?? 50;
  let lagMs = opts.lagMs ?? 0;
  let afterResponse = opts.afterResponse;
  const specOps = opts.openapi ? await loadSpec(opts.openapi) : undefined;
  const pointsKind = opts.pointsField ?? 'company';
  const pointsFieldId = pointsKind === 'none' ? undefined : pointsKind === 'company' ? 'customfield_10026' : 'customfield_10016';

  const issues = new Map<string, StandInIssue>();
  const counters = new Map<string, number>();
  let nextId = 10001;
  let nextComment = 20001;
  const requests: RecordedRequest[] = [];
  const failRules: (FailRule & { left: number })[] = [];
  const specViolations: string[] = [];
  let base = '';

  const fields = [
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

  const statusJson = (id: string): Record<string, unknown> => {
    const s = STATUSES.find((x) => x.id === id)!;
    const c = CATEGORY[s.category];
    return {
      self: `${base}/rest/api/3/status/${s.id}`,
      id: s.id,
      name: s.name,
      description: '',
      iconUrl: `${base}/images/icons/statuses/generic.png`,
      statusCategory: { self: `${base}/rest/api/3/statuscategory/${c.id}`, id: c.id, key: c.key, colorName: c.colorName, name: c.name },
    };
  };
  const projectJson = (key: string): Record<string, unknown> => {
    const i = projects.findIndex((p) => p.key === key);
    return { self: `${base}/rest/api/3/project/${10000 + i}`, id: String(10000 + i), key, name: projects[i]!.name, projectTypeKey: 'software', simplified: false };
  };
  const issueJson = (i: StandInIssue, wanted?: string[]): Record<string, unknown> => {
    const all: Record<string, unknown> = {
      summary: i.summary,
      description: i.description,
      labels: i.labels,
      duedate: i.duedate,
      status: statusJson(i.statusId),
      issuetype: { self: `${base}/rest/api/3/issuetype/1000${ISSUE_TYPES.indexOf(i.issueType)}`, id: `1000${ISSUE_TYPES.indexOf(i.issueType)}`, name: i.issueType, subtask: false },
      project: projectJson(i.project),
      created: new Date(i.createdAt).toISOString().replace('Z', '+0000'),
      ...(pointsFieldId ? { [pointsFieldId]: i.custom[pointsFieldId] ?? null } : {}),
    };
    const f: Record<string, unknown> = {};
    const take = !wanted || wanted.includes('*all') || wanted.includes('*navigable') ? Object.keys(all) : wanted;
    for (const k of take) if (k in all) f[k] = all[k];
    return { expand: '', id: i.id, self: `${base}/rest/api/3/issue/${i.id}`, key: i.key, fields: f };
  };

  const newIssue = (p: Partial<StandInIssue> & { summary: string; status?: string }): StandInIssue => {
    const project = p.project ?? projects[0]!.key;
    const n = (counters.get(project) ?? 0) + 1;
    counters.set(project, n);
    const i: StandInIssue = {
      id: String(nextId++),
      key: p.key ?? `${project}-${n}`,
      project,
      issueType: p.issueType ?? 'Task',
      summary: p.summary,
      description: p.description ?? null,
      labels: p.labels ?? [],
      duedate: p.duedate ?? null,
      statusId: STATUSES.find((s) => s.name === p.status)?.id ?? p.statusId ?? '10000',
      custom: p.custom ?? {},
      comments: p.comments ?? [],
      createdAt: p.createdAt ?? Date.now(),
    };
    if (p.key) {
      const num = Number(p.key.split('-')[1]);
      if (num > (counters.get(project) ?? 0)) counters.set(project, num);
    }
    issues.set(i.key, i);
    return i;
  };

  const findIssue = (idOrKey: string): StandInIssue | undefined => issues.get(idOrKey) ?? [...issues.values()].find((i) => i.id === idOrKey);

  const errorBody = (messages: string[], errors: Record<string, string> = {}): Record<string, unknown> => ({ errorMessages: messages, errors });

  type Reply = { status: number; body?: unknown; headers?: Record<string, string> };

  const handle = (method: string, p: string, query: URLSearchParams, body: unknown): Reply => {
    const m = (re: RegExp): RegExpExecArray | null => re.exec(p);
    let r: RegExpExecArray | null;

    if (method === 'GET' && p === '/rest/api/3/field') return { status: 200, body: fields };
    if (method === 'GET' && p === '/rest/api/3/myself') return { status: 200, body: { accountId: '5b10a2844c20165700ede21g', emailAddress: email, displayName: 'Dev', active: true, self: `${base}/rest/api/3/user?accountId=5b10a2844c20165700ede21g` } };
    if ((r = m(/^\/rest\/api\/3\/project\/([^/]+)$/)) && method === 'GET') {
      const key = decodeURIComponent(r[1]!);
      if (!projects.some((x) => x.key === key)) return { status: 404, body: errorBody([`No project could be found with key '${key}'.`]) };
      return { status: 200, body: projectJson(key) };
    }
    if (p === '/rest/api/3/issue' && method === 'POST') return createIssue(body);
    if ((r = m(/^\/rest\/api\/3\/issue\/([^/]+)$/))) {
      const i = findIssue(decodeURIComponent(r[1]!));
      if (!i) return { status: 404, body: errorBody(['Issue does not exist or you do not have permission to see it.']) };
      if (method === 'GET') {
        const wanted = query.getAll('fields').flatMap((v) => v.split(',')).filter(Boolean);
        if (!wanted.length) wanted.push('*navigable');
        return { status: 200, body: issueJson(i, wanted) };
      }
      if (method === 'PUT') return editIssue(i, body);
    }
    if ((r = m(/^\/rest\/api\/3\/issue\/([^/]+)\/transitions$/))) {
      const i = findIssue(decodeURIComponent(r[1]!));
      if (!i) return { status: 404, body: errorBody(['Issue does not exist or you do not have permission to see it.']) };
      const offered = transitions.filter((t) => (t.from === '*' || t.from.includes(i.statusId)) && t.to !== i.statusId);
      if (method === 'GET') {
        return {
          status: 200,
          body: {
            expand: 'transitions',
            transitions: offered.map((t) => ({ id: t.id, name: t.name, to: statusJson(t.to), hasScreen: false, isGlobal: t.from === '*', isInitial: false, isAvailable: true, isConditional: false, isLooped: false })),
          },
        };
      }
      if (method === 'POST') {
        const id = (body as { transition?: { id?: string } } | undefined)?.transition?.id;
        const t = offered.find((x) => x.id === id);
        if (!t) return { status: 400, body: errorBody([`Transition id '${String(id)}' is not valid for this issue.`]) };
        i.statusId = t.to;
        return { status: 204 };
      }
    }
    if ((r = m(/^\/rest\/api\/3\/issue\/([^/]+)\/comment$/))) {
      const i = findIssue(decodeURIComponent(r[1]!));
      if (!i) return { status: 404, body: errorBody(['Issue does not exist or you do not have permission to see it.']) };
      const commentJson = (c: StandInComment): Record<string, unknown> => ({
        self: `${base}/rest/api/3/issue/${i.id}/comment/${c.id}`,
        id: c.id,
        body: c.body,
        created: c.created,
        updated: c.created,
        jsdPublic: true,
      });
      if (method === 'GET') {
        const startAt = Number(query.get('startAt') ?? 0);
        const maxResults = Math.min(Number(query.get('maxResults') ?? 50), maxPage);
        const page = i.comments.slice(startAt, startAt + maxResults);
        return { status: 200, body: { startAt, maxResults, total: i.comments.length, comments: page.map(commentJson) } };
      }
      if (method === 'POST') {
        const b = (body as { body?: unknown } | undefined)?.body;
        if (!isAdf(b)) return { status: 400, body: errorBody([], { comment: 'Comment body is not valid!' }) };
        const c: StandInComment = { id: String(nextComment++), body: b, created: new Date().toISOString().replace('Z', '+0000') };
        i.comments.push(c);
        return { status: 201, body: commentJson(c) };
      }
    }
    if (p === '/rest/api/3/search/jql' && (method === 'POST' || method === 'GET')) {
      const b = (method === 'POST' ? body : { ...Object.fromEntries(query), fields: query.getAll('fields').join(',') }) as Record<string, unknown>;
      return search(b, method === 'GET');
    }
    return { status: 404, body: errorBody([`No stand-in route for ${method} ${p}`]) };
  };

  const checkFields = (f: Record<string, unknown>, creating: boolean): Record<string, string> => {
    const errors: Record<string, string> = {};
    const known = new Set(['project', 'issuetype', 'summary', 'description', 'labels', 'duedate', ...(pointsFieldId ? [pointsFieldId] : [])]);
    for (const k of Object.keys(f)) if (!known.has(k)) errors[k] = `Field '${k}' cannot be set. It is not on the appropriate screen, or unknown.`;
    if (creating) {
      const proj = (f['project'] as { key?: string; id?: string } | undefined) ?? {};
      if (!projects.some((x) => x.key === proj.key)) errors['project'] = 'valid project is required';
      const it = (f['issuetype'] as { name?: string } | undefined)?.name;
      if (!it || !ISSUE_TYPES.includes(it)) errors['issuetype'] = 'Specify an issue type';
      if (typeof f['summary'] !== 'string' || !f['summary'].trim()) errors['summary'] = 'You must specify a summary of the issue.';
    }
    if ('summary' in f && typeof f['summary'] === 'string' && f['summary'].length > 255) errors['summary'] = 'Summary must be less than 255 characters.';
    if ('description' in f && f['description'] !== null && !isAdf(f['description'])) errors['description'] = 'Operation value must be an Atlassian Document (see the Atlassian Document Format).';
    if ('labels' in f && (!Array.isArray(f['labels']) || f['labels'].some((l) => typeof l !== 'string' || /\s/.test(l)))) errors['labels'] = 'The label must not contain spaces.';
    if ('duedate' in f && f['duedate'] !== null && (typeof f['duedate'] !== 'string' || !/^\d{4}-\d{2}-\d{2}$/.test(f['duedate']))) errors['duedate'] = "Error parsing date string: expected 'yyyy-MM-dd'.";
    if (pointsFieldId && pointsFieldId in f && f[pointsFieldId] !== null && typeof f[pointsFieldId] !== 'number') errors[pointsFieldId] = 'Operation value must be a number.';
    return errors;
  };

  const createIssue = (body: unknown): Reply => {
    const f = ((body as { fields?: Record<string, unknown> } | undefined)?.fields ?? {}) as Record<string, unknown>;
    const errors = checkFields(f, true);
    if (Object.keys(errors).length) return { status: 400, body: errorBody([], errors) };
    const custom: Record<string, unknown> = {};
    if (pointsFieldId && f[pointsFieldId] !== undefined) custom[pointsFieldId] = f[pointsFieldId];
    const i = newIssue({
      project: (f['project'] as { key: string }).key,
      issueType: (f['issuetype'] as { name: string }).name,
      summary: f['summary'] as string,
      description: f['description'] ?? null,
      labels: (f['labels'] as string[] | undefined) ?? [],
      duedate: (f['duedate'] as string | undefined) ?? null,
      custom,
    });
    return { status: 201, body: { id: i.id, key: i.key, self: `${base}/rest/api/3/issue/${i.id}` } };
  };

  const editIssue = (i: StandInIssue, body: unknown): Reply => {
    const b = (body ?? {}) as { fields?: Record<string, unknown>; update?: Record<string, { add?: unknown; remove?: unknown; set?: unknown }[]> };
    const f = b.fields ?? {};
    const errors = checkFields(f, false);
    for (const k of Object.keys(b.update ?? {})) if (k !== 'labels') errors[k] = `Field '${k}' cannot be set. It is not on the appropriate screen, or unknown.`;
    if (Object.keys(errors).length) return { status: 400, body: errorBody([], errors) };
    if (typeof f['summary'] === 'string') i.summary = f['summary'];
    if ('description' in f) i.description = f['description'] ?? null;
    if ('labels' in f) i.labels = [...(f['labels'] as string[])];
    if ('duedate' in f) i.duedate = (f['duedate'] as string | null) ?? null;
    if (pointsFieldId && pointsFieldId in f) i.custom[pointsFieldId] = f[pointsFieldId];
    for (const op of b.update?.['labels'] ?? []) {
      if (typeof op.add === 'string' && !i.labels.includes(op.add)) i.labels.push(op.add);
      if (typeof op.remove === 'string') i.labels = i.labels.filter((l) => l !== op.remove);
    }
    return { status: 204 };
  };

  const search = (b: Record<string, unknown>, isGet: boolean): Reply => {
    const jql = typeof b['jql'] === 'string' ? b['jql'] : '';
    const parsed = parseJql(jql);
    if ('error' in parsed) return { status: 400, body: errorBody([parsed.error]) };
    const reconcile = new Set(
      (isGet ? String(b['reconcileIssues'] ?? '').split(',') : ((b['reconcileIssues'] as unknown[] | undefined) ?? [])).map((x) => String(x)).filter(Boolean),
    );
    const now = Date.now();
    let hits = [...issues.values()].filter((i) => (now - i.createdAt >= lagMs || reconcile.has(i.id)) && parsed.match(i));
    hits = hits.sort((a, c) => (parsed.desc ? Number(c.id) - Number(a.id) : Number(a.id) - Number(c.id)));
    const max = Math.max(1, Math.min(Number(b['maxResults'] ?? 50), maxPage));
    let offset = 0;
    if (b['nextPageToken'] !== undefined) {
      const decoded = decodeToken(String(b['nextPageToken']), jql);
      if (decoded === undefined) return { status: 400, body: errorBody(['The provided next page token is invalid or expired.']) };
      offset = decoded;
    }
    const page = hits.slice(offset, offset + max);
    const wantedRaw = isGet ? String(b['fields'] ?? '').split(',').filter(Boolean) : ((b['fields'] as string[] | undefined) ?? []);
    const wanted = wantedRaw.length ? wantedRaw : ['id'];
    const more = offset + max < hits.length;
    return {
      status: 200,
      body: {
        issues: page.map((i) => {
          const j = issueJson(i, wanted);
          return wanted.length === 1 && wanted[0] === 'id' ? { id: j['id'] } : j;
        }),
        ...(more ? { nextPageToken: encodeToken(offset + max, jql) } : {}),
        isLast: !more,
      },
    };
  };

  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const url = new URL(req.url ?? '/', 'http://127.0.0.1');
      const method = (req.method ?? 'GET').toUpperCase();
      const text = Buffer.concat(chunks).toString('utf8');
      let body: unknown;
      const rec: RecordedRequest = { method, path: url.pathname, query: Object.fromEntries(url.searchParams), body: undefined, status: 0 };
      const send = (r: Reply): void => {
        rec.status = r.status;
        requests.push(rec);
        const payload = r.body === undefined ? '' : JSON.stringify(r.body);
        res.writeHead(r.status, { ...(payload ? { 'content-type': 'application/json;charset=UTF-8' } : {}), ...(r.headers ?? {}) });
        res.end(payload, () => afterResponse?.(rec));
      };
      try {
        body = text ? JSON.parse(text) : undefined;
      } catch {
        send({ status: 400, body: errorBody(['Unexpected character in the JSON body.']) });
        return;
      }
      rec.body = body;
      const auth = req.headers.authorization ?? '';
      const expected = 'Basic ' + Buffer.from(`${email}:${token}`).toString('base64');
      if (auth !== expected) {
        send({ status: 401, body: errorBody(['Client must be authenticated to access this resource.']) });
        return;
      }
      if (specOps) {
        const op = specOps.find((o) => o.method === method && o.template.test(url.pathname));
        if (!op) specViolations.push(`${method} ${url.pathname}: no such operation in the OpenAPI document`);
        else {
          for (const q of url.searchParams.keys()) if (!op.query.has(q)) specViolations.push(`${method} ${url.pathname}: unknown query parameter "${q}"`);
          if (op.validate && body !== undefined && !op.validate(body)) {
            const why = (op.validate.errors ?? []).map((e) => `${e.instancePath ?? ''} ${e.message ?? ''}`.trim()).join('; ');
            specViolations.push(`${method} ${url.pathname}: ${why}`);
            send({ status: 400, body: errorBody([`Request body does not match the API: ${why}`]) });
            return;
          }
        }
      }
      const rule = failRules.find((f) => (!f.method || f.method === method) && (typeof f.path === 'string' ? url.pathname === f.path : f.path.test(url.pathname)));
      if (rule) {
        rule.left--;
        if (rule.left <= 0) failRules.splice(failRules.indexOf(rule), 1);
        send({
          status: rule.status,
          body: rule.body ?? errorBody([rule.status === 429 ? 'Rate limit exceeded.' : 'Internal server error.']),
          ...(rule.retryAfter ? { headers: { 'retry-after': rule.retryAfter } } : {}),
        });
        return;
      }
      send(handle(method, url.pathname, url.searchParams, body));
    });
  });
  await new Promise<void>((resolve) => server.listen(opts.port ?? 0, '127.0.0.1', resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;

  return {
    url: base,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
    requests,
    writes: () => requests.filter((r) => r.method !== 'GET' && r.path !== '/rest/api/3/search/jql' && r.status < 400),
    issues: () => [...issues.values()],
    issue: (k) => issues.get(k),
    statusOf: (k) => {
      const i = issues.get(k);
      return i ? STATUSES.find((s) => s.id === i.statusId) : undefined;
    },
    addIssue: (p) => newIssue({ createdAt: 0, ...p }),
    failNext: (rule) => failRules.push({ ...rule, left: rule.times ?? 1 }),
    setLag: (ms) => {
      lagMs = ms;
    },
    specViolations,
    pointsFieldId,
    setAfterResponse: (fn) => {
      afterResponse = fn;
    },
  };
}

function isAdf(v: unknown): boolean {
  return !!v && typeof v === 'object' && (v as { type?: unknown }).type === 'doc' && (v as { version?: unknown }).version === 1 && Array.isArray((v as { content?: unknown }).content);
}

function encodeToken(offset: number, jql: string): string {
  return Buffer.from(JSON.stringify({ o: offset, q: jql })).toString('base64url');
}

function decodeToken(t: string, jql: string): number | undefined {
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
    const field = (eq ?? inn)![1]!.toLowerCase();
    const values = eq ? [unquote(eq[2]!)] : inn![2]!.split(',').map(unquote).filter(Boolean);
    if (field === 'project') tests.push((i) => values.includes(i.project));
    else if (field === 'key') tests.push((i) => values.includes(i.key));
    else tests.push((i) => i.labels.some((l) => values.includes(l)));
  }
  return { match: (i) => tests.every((t) => t(i)), desc };
}
