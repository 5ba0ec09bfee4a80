import type { IncomingHttpHeaders } from 'node:http';
import type { Reply } from '../http/index.js';
import { err, V1, type ConfluenceState } from './state.js';
import type { StoredAttachment, StoredPage } from './types.js';
import type { ConfluenceRouter } from './v2.js';

/**
 * The v1 endpoints of the Confluence stand-in, those v2 still lacks:
 * attachments (multipart, `X-Atlassian-Token: no-check`), labels, and
 * archiving (`POST /content/archive`, a long task read at `/longtask/{id}`;
 * one page per request, as on the Standard plan, which answers 400 to more).
 */

export function addV1Routes(router: ConfluenceRouter, st: ConfluenceState): void {
  const tasks = new Map<string, { left: number; started: number }>();
  const { livePage } = st;

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

  async function upload(id: string, method: string, raw: Buffer, contentType: string | undefined, headers: IncomingHttpHeaders): Promise<Reply> {
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

  function addLabels(id: string, body: unknown, headers: IncomingHttpHeaders): Reply {
    if (headers['x-atlassian-token'] !== 'no-check') return err(403, 'XSRF check failed');
    const pg = livePage(id);
    if (!pg) return err(404, 'Content not found');
    const list = Array.isArray(body) ? (body as { prefix?: string; name?: string }[]) : [];
    if (list.length === 0 || list.some((l) => typeof l.name !== 'string' || /\s/.test(l.name))) return err(400, 'Invalid label');
    const map = st.labels.get(pg.id) ?? new Map<string, string>();
    st.labels.set(pg.id, map);
    for (const { name } of list) if (name !== undefined && !map.has(name)) map.set(name, st.newId());
    return { status: 200, json: { results: [...map.entries()].map(([name, lid]) => ({ prefix: 'global', name, id: lid, label: name })), start: 0, limit: 200, size: map.size, _links: {} } };
  }

  function archive(body: unknown): Reply {
    const list = (body as { pages?: { id?: unknown }[] } | undefined)?.pages;
    if (!Array.isArray(list) || list.length === 0) return err(400, 'pages is required');
    if (list.length > 300) return err(413, 'at most 300 pages can be archived in one request');
    if (list.length > 1 && st.opts.singlePageArchive !== false) return err(400, 'You are not entitled to bulk archiving: archive one page at a time');
    const ids = list.map((x) => String(x.id));
    const found: StoredPage[] = [];
    for (const id of ids) {
      const pg = st.pages.get(id);
      if (!pg || pg.status !== 'current') return err(400, `Content ${id} is not a current page, so it cannot be archived`);
      found.push(pg);
    }
    for (const pg of found) pg.status = 'archived';
    const task = st.newId();
    tasks.set(task, { left: st.opts.archiveSteps ?? 1, started: Date.now() });
    return { status: 202, json: { id: task, links: { status: `${V1}/longtask/${task}` } } };
  }

  function longTask(id: string): Reply {
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

  router
    .on('GET', `${V1}/content/{id:\\d+}/child/attachment`, (_ctx, { id }) => {
      const pg = livePage(id);
      if (!pg) return err(404, 'Content not found');
      const list = [...(st.atts.get(pg.id)?.values() ?? [])];
      return { status: 200, json: { results: list.map((a) => attJson(pg, a)), start: 0, limit: 50, size: list.length, _links: {} } };
    })
    .on('PUT', `${V1}/content/{id:\\d+}/child/attachment`, (c, { id }) => upload(id, 'PUT', c.raw, c.contentType, c.headers))
    .on('POST', `${V1}/content/{id:\\d+}/child/attachment`, (c, { id }) => upload(id, 'POST', c.raw, c.contentType, c.headers))
    .on('POST', `${V1}/content/{id:\\d+}/label`, (c, { id }) => addLabels(id, c.body, c.headers))
    .on('DELETE', `${V1}/content/{id:\\d+}/label/{name}`, (_ctx, { id, name }) => {
      const pg = livePage(id);
      if (!pg) return err(404, 'Content not found');
      st.labels.get(pg.id)?.delete(name);
      return { status: 204 };
    })
    .on('POST', `${V1}/content/archive`, (c) => archive(c.body))
    .on('GET', `${V1}/longtask/{id}`, (_ctx, { id }) => longTask(id));
}
