import type { IncomingMessage } from 'node:http';
import type { Out, StandInOptions, StoredAttachment, StoredPage } from './confluence.js';

/**
 * The v1 endpoints of the Confluence stand-in, those v2 still lacks:
 * attachments (multipart, `X-Atlassian-Token: no-check`), labels, and
 * archiving (`POST /content/archive`, a long task read at `/longtask/{id}`;
 * one page per request, as on the Standard plan, which answers 400 to more).
 */

const V1 = '/wiki/rest/api';

export interface V1State {
  pages: Map<string, StoredPage>;
  atts: Map<string, Map<string, StoredAttachment>>;
  labels: Map<string, Map<string, string>>;
  livePage: (id: string) => StoredPage | undefined;
  newId: () => string;
  now: () => string;
  err: (status: number, title: string, code?: string) => Out;
  opts: Pick<StandInOptions, 'singlePageArchive' | 'archiveSteps'>;
}

type Route = (method: string, path: string, body: unknown, raw: Buffer, contentType: string | undefined, headers: IncomingMessage['headers']) => Out | Promise<Out> | undefined;

export function createV1Routes(st: V1State): Route {
  const tasks = new Map<string, { left: number; started: number }>();
  const { err, livePage } = st;

  const attJson = (pg: StoredPage, a: StoredAttachment): Record<string, unknown> => ({
    id: a.id,
    type: 'attachment',
    status: 'current',
    title: a.filename,
    version: { number: a.version, when: st.now(), minorEdit: false },
    metadata: { mediaType: a.mediaType },
    extensions: { mediaType: a.mediaType, fileSize: a.data.length },
    container: { id: pg.id, type: 'page', status: 'current', title: pg.title },
    _links: { download: `/download/attachments/${pg.id}/${encodeURIComponent(a.filename)}` },
  });

  async function upload(id: string, method: string, raw: Buffer, contentType: string | undefined, headers: IncomingMessage['headers']): Promise<Out> {
    if (headers['x-atlassian-token'] !== 'no-check') return err(403, 'XSRF check failed: send X-Atlassian-Token: no-check');
    const pg = livePage(id);
    if (!pg) return err(404, 'Content not found');
    if (!contentType?.startsWith('multipart/form-data')) return err(415, 'multipart/form-data expected', 'UNSUPPORTED_MEDIA_TYPE');
    let form: FormData;
    try {
      form = await new Response(new Uint8Array(raw), { headers: { 'content-type': contentType } }).formData();
    } catch {
      return err(400, 'malformed multipart body');
    }
    const files = form.getAll('file').filter((f) => typeof f !== 'string') as unknown as { name: string; type: string; arrayBuffer(): Promise<ArrayBuffer> }[];
    if (files.length === 0) return err(400, 'no "file" part');
    const map = st.atts.get(pg.id) ?? new Map<string, StoredAttachment>();
    st.atts.set(pg.id, map);
    const results = [];
    for (const f of files) {
      const existing = map.get(f.name);
      if (existing && method === 'POST') return err(400, `Cannot add a new attachment with same file name as an existing attachment: ${f.name}`);
      const data = Buffer.from(await f.arrayBuffer());
      const a: StoredAttachment = existing
        ? { ...existing, data, version: existing.version + 1 }
        : { id: `att${st.newId()}`, filename: f.name, mediaType: f.type || 'application/octet-stream', data, version: 1 };
      map.set(f.name, a);
      results.push(attJson(pg, a));
    }
    return { status: 200, json: { results, start: 0, limit: 50, size: results.length, _links: {} } };
  }

  function addLabels(id: string, body: unknown, headers: IncomingMessage['headers']): Out {
    if (headers['x-atlassian-token'] !== 'no-check') return err(403, 'XSRF check failed');
    const pg = livePage(id);
    if (!pg) return err(404, 'Content not found');
    const list = Array.isArray(body) ? (body as { prefix?: string; name?: string }[]) : [];
    if (list.length === 0 || list.some((l) => typeof l.name !== 'string' || /\s/.test(l.name))) return err(400, 'Invalid label');
    const map = st.labels.get(pg.id) ?? new Map<string, string>();
    st.labels.set(pg.id, map);
    for (const l of list) if (!map.has(l.name!)) map.set(l.name!, st.newId());
    return { status: 200, json: { results: [...map.entries()].map(([name, lid]) => ({ prefix: 'global', name, id: lid, label: name })), start: 0, limit: 200, size: map.size, _links: {} } };
  }

  function archive(body: unknown): Out {
    const list = (body as { pages?: { id?: unknown }[] } | undefined)?.pages;
    if (!Array.isArray(list) || list.length === 0) return err(400, 'pages is required');
    if (list.length > 300) return err(413, 'at most 300 pages can be archived in one request');
    if (list.length > 1 && st.opts.singlePageArchive !== false) return err(400, 'You are not entitled to bulk archiving: archive one page at a time');
    const ids = list.map((x) => String(x.id));
    for (const id of ids) {
      const pg = st.pages.get(id);
      if (!pg || pg.status !== 'current') return err(400, `Content ${id} is not a current page, so it cannot be archived`);
    }
    for (const id of ids) st.pages.get(id)!.status = 'archived';
    const task = st.newId();
    tasks.set(task, { left: st.opts.archiveSteps ?? 1, started: Date.now() });
    return { status: 202, json: { id: task, links: { status: `${V1}/longtask/${task}` } } };
  }

  function longTask(id: string): Out {
    const t = tasks.get(id);
    if (!t) return err(404, `No long task ${id}`);
    const finished = t.left <= 0;
    t.left--;
    return {
      status: 200,
      json: {
        id,
        name: { key: 'com.atlassian.confluence.pages.archive.longtask', args: [] },
        elapsedTime: Date.now() - t.started,
        percentageComplete: finished ? 100 : 50,
        successful: finished,
        finished,
        messages: [],
        _links: { self: `${V1}/longtask/${id}` },
      },
    };
  }

  return (method, p, body, raw, contentType, headers) => {
    let m: RegExpExecArray | null;
    if ((m = new RegExp(`^${V1}/content/(\\d+)/child/attachment$`).exec(p))) {
      if (method === 'GET') {
        const pg = livePage(m[1]!);
        if (!pg) return err(404, 'Content not found');
        const list = [...(st.atts.get(pg.id)?.values() ?? [])];
        return { status: 200, json: { results: list.map((a) => attJson(pg, a)), start: 0, limit: 50, size: list.length, _links: {} } };
      }
      if (method === 'PUT' || method === 'POST') return upload(m[1]!, method, raw, contentType, headers);
    }
    if ((m = new RegExp(`^${V1}/content/(\\d+)/label$`).exec(p)) && method === 'POST') return addLabels(m[1]!, body, headers);
    if ((m = new RegExp(`^${V1}/content/(\\d+)/label/([^/]+)$`).exec(p)) && method === 'DELETE') {
      const pg = livePage(m[1]!);
      if (!pg) return err(404, 'Content not found');
      st.labels.get(pg.id)?.delete(decodeURIComponent(m[2]!));
      return { status: 204 };
    }
    if (p === `${V1}/content/archive` && method === 'POST') return archive(body);
    if ((m = new RegExp(`^${V1}/longtask/([^/]+)$`).exec(p)) && method === 'GET') return longTask(m[1]!);
    return undefined;
  };
}
