import { randomUUID } from 'node:crypto';
import { basicAuthorised, failureReply, jsonBody, Router, Scripts, sendReply, startServer, type Exchange, type Reply, type ReplyStyle } from '../http/index.js';
import { createConfluenceState, err, type ConfluenceState } from './state.js';
import type { ConfluenceStandIn, Fault, RecordedRequest, StandInOptions } from './types.js';
import { addV1Routes } from './v1.js';
import { addV2Routes, type ConfluenceRouter } from './v2.js';

export type { ConfluenceStandIn, Fault, RecordedRequest, StandInOptions, StoredAttachment, StoredPage, StoredProperty } from './types.js';

/**
 * A local stand-in for Confluence Cloud: the v2 pages, spaces and content
 * properties endpoints as the published OpenAPI describes them, plus the v1
 * attachment and label endpoints v2 lacks. It models what the spec leaves
 * out and real tenants do: versions (409 on a stale one), 400 on a body that
 * is not well-formed XML and on a title already used in the space, 404 just
 * after a create (eventual consistency), 429 with Retry-After, and answers
 * lost after the write happened, and archiving (a v1 long task, one page
 * per request as on the Standard plan). Used by the tests, the demo and
 * `ssot dev-services`; loopback only.
 */

const STYLE: ReplyStyle = { jsonType: 'application/json', headers: () => ({ 'X-Request-Id': randomUUID() }) };

export async function startConfluenceStandIn(opts: StandInOptions = {}): Promise<ConfluenceStandIn> {
  const st = createConfluenceState(opts);
  const router: ConfluenceRouter = new Router();
  addV2Routes(router, st);
  addV1Routes(router, st);
  const faults = new Scripts<Fault>(true);
  const requests: RecordedRequest[] = [];
  const credentials = opts.email === undefined ? undefined : { user: opts.email, password: opts.token ?? '' };

  async function handle(x: Exchange): Promise<void> {
    const contentType = x.headers['content-type'];
    const parsed = contentType?.includes('application/json') ? jsonBody(x.body) : ({ ok: true, value: undefined } as const);
    if (!parsed.ok) {
      return sendReply(x.res, err(400, 'Request body is not valid JSON', 'INVALID_REQUEST_PARAMETER'), STYLE);
    }
    const body = parsed.value;
    const rec: RecordedRequest = { method: x.method, path: x.path, query: x.query, headers: x.headers, ...(body !== undefined ? { body } : {}), ...(contentType ? { contentType } : {}) };
    requests.push(rec);
    opts.onRequest?.(rec);
    const reply = (r: Reply): Promise<void> => {
      rec.status = r.status;
      opts.onResponse?.(rec, r.status, r.json);
      return sendReply(x.res, r, STYLE);
    };
    if (!basicAuthorised(x.headers.authorization, credentials)) return reply({ status: 401, json: { code: 401, message: 'Unauthorized; scope does not match' } });
    const fault = faults.take({ method: x.method, path: x.path, query: x.query.toString() });
    if (fault && !fault.afterApply) return reply(failureReply(fault, (status) => ({ errors: [{ status, title: 'injected' }] })));
    const route = router.match(x.method, x.path);
    const r = route ? await route({ q: x.query, body, raw: x.body, contentType, headers: x.headers }) : err(404, `No route for ${x.method} ${x.path}`);
    if (fault) return reply(failureReply(fault, (status) => ({ errors: [{ status, title: 'injected after apply' }] })));
    return reply(r);
  }

  const server = await startServer(handle, {
    ...(opts.port !== undefined ? { port: opts.port } : {}),
    onError: (x, e) => void sendReply(x.res, { status: 500, json: { errors: [{ status: 500, code: 'INTERNAL', title: e.message }] } }, STYLE),
  });
  return { url: `${server.origin}/wiki`, requests, resetRequests: () => void requests.splice(0), failNext: (f) => faults.add(f, f, f.times ?? 1), close: server.close, ...inspection(st) };
}

/** What tests read and change directly, as if someone did it in Confluence. */
function inspection(st: ConfluenceState): Omit<ConfluenceStandIn, 'url' | 'requests' | 'resetRequests' | 'failNext' | 'close'> {
  const { pages, spaces } = st;
  return {
    pages: () => [...pages.values()],
    page: (id) => pages.get(id),
    pageByTitle: (title) => [...pages.values()].find((x) => x.title === title),
    properties: (id) => [...(st.props.get(id)?.values() ?? [])],
    attachments: (id) => [...(st.atts.get(id)?.values() ?? [])].map((a) => ({ filename: a.filename, version: a.version, size: a.data.length })),
    labels: (id) => [...(st.labels.get(id)?.keys() ?? [])].sort(),
    editPage: (id, body, message = '') => {
      const pg = pages.get(id);
      if (!pg) throw new Error(`no page ${id}`);
      pg.body = body;
      pg.version++;
      pg.message = message;
      pg.authorId = '557058:a-person';
      pg.versionAt = st.now();
      return pg;
    },
    seedPage: ({ title, space = 'PC', parentId, body = '<p>seeded</p>' }) => {
      const s = spaces.get(space);
      if (!s) throw new Error(`no space ${space}`);
      return st.addPage({ spaceId: s.id, title, parentId: parentId ?? s.homepageId, body, version: 1, message: '' });
    },
    trashPage: (id) => {
      const pg = pages.get(id);
      if (pg) pg.status = 'trashed';
    },
    spaceId: (key) => spaces.get(key)?.id ?? '',
  };
}
