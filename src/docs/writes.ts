import { promises as fs } from 'node:fs';
import { isSsotError } from '../core/errors.js';
import { serverMessage, statusOf, type ConfluenceApi, type RemotePage } from './api.js';
import type { Mapping, PageEntry } from './mapping.js';
import type { DocOutcome } from './publish.js';
import type { DocProblem, PreparedPage } from './render.js';

/**
 * The writes of a push, one doc at a time: create a page (never twice: a
 * lost answer is looked up by title first) or update it with version + 1
 * (never over a hand edit unless forced), then its attachments, labels and
 * the `ssot` content property; the mapping records each step.
 */

/** The content property ssot keeps on each page it writes. */
const PROPERTY_KEY = 'ssot';
const MARKER = /\bssot (sha256:[0-9a-f]{64})\b/;

export interface WriterDeps {
  space: string;
  mapping: Mapping;
  dryRun: boolean;
  force: boolean;
  api: () => Promise<ConfluenceApi>;
  /** Persist the mapping now (ids right after a create). */
  save: () => Promise<void>;
  /** Something in the mapping changed (saved soon after). */
  dirty: () => void;
  warn: (p: DocProblem) => void;
  /** A page edited in Confluence: save its body for review; what to tell the user. */
  onConflict: (page: PreparedPage, id: string, rp: RemotePage, last: number) => Promise<DocOutcome>;
  failed: ReadonlySet<string>;
}

export class PageWriter {
  private readonly d: WriterDeps;
  private spaceIdLookup: Promise<string> | undefined;

  constructor(deps: WriterDeps) {
    this.d = deps;
  }

  async create(page: PreparedPage, entry: PageEntry): Promise<DocOutcome> {
    const { mapping, dryRun } = this.d;
    const base = outcomeBase(page);
    let parentId: string | undefined;
    if (page.parent && 'id' in page.parent) parentId = page.parent.id;
    else if (page.parent) {
      parentId = mapping.pages[page.parent.key]?.id;
      if (!parentId && !dryRun) return { ...base, action: 'error', message: `its parent ${page.parent.key} has no page${this.d.failed.has(page.parent.key) ? ' (it failed above)' : ''}` };
    }
    if (dryRun) return { ...base, action: 'create' };
    const a = await this.d.api();
    if (!mapping.spaceId) {
      this.spaceIdLookup ??= a.spaceId(this.d.space);
      mapping.spaceId = await this.spaceIdLookup;
      this.d.dirty();
    }
    const created = await this.createOnce(a, page, mapping.spaceId, parentId);
    if ('action' in created) return created;
    entry.id = created.id;
    entry.version = created.version || 1;
    entry.title = page.title;
    setParent(entry, page);
    this.d.dirty();
    // Ids first: a crash after this point must not make a second page.
    await this.d.save();
    await this.finishWrite(a, page, entry, created.id, entry.version, true);
    return { ...base, action: 'create', pageId: created.id, version: entry.version };
  }

  /** The create call; after an answer lost on the way, the page is looked up by title before trying again. */
  private async createOnce(a: ConfluenceApi, page: PreparedPage, spaceId: string, parentId: string | undefined): Promise<RemotePage | DocOutcome> {
    for (let attempt = 1; ; attempt++) {
      try {
        return await a.createPage({ spaceId, ...(parentId ? { parentId } : {}), title: page.title, body: page.xhtml });
      } catch (e) {
        const status = statusOf(e) ?? (isSsotError(e) ? (e as { status?: number }).status : undefined);
        const msg = serverMessage((e as { cause?: unknown }).cause) ?? messageOf(e);
        if (status === 400 && /title already exists/i.test(msg)) {
          const found = await a.findByTitle(spaceId, page.title).catch(() => undefined);
          return {
            ...outcomeBase(page),
            action: 'error',
            message: `a page titled "${page.title}" already exists in space ${this.d.space}${found ? ` (id ${found.id})` : ''}; rename the doc, or put "id": "${found?.id ?? '…'}" in its mapping entry to take that page over`,
          };
        }
        if (status !== undefined && status < 500) throw e;
        const found = await a.findByTitle(spaceId, page.title);
        if (found) return found;
        if (attempt >= 3) throw e;
      }
    }
  }

  /** `id` is the entry's page id: an entry without one is created instead. */
  async update(page: PreparedPage, entry: PageEntry, id: string, rp: RemotePage | undefined): Promise<DocOutcome> {
    const base = { ...outcomeBase(page), pageId: id };
    if (!rp) return { ...base, action: 'error', message: `page ${id} no longer exists in Confluence (deleted or moved to the trash); remove its "id" from the mapping to create it again` };
    if (rp.status === 'archived') return { ...base, action: 'error', message: `page ${id} is archived in Confluence; restore it there, or remove its "id" from the mapping to create a new page` };
    const changed = entry.hash !== page.hash;
    const last = entry.version ?? 0;
    let handEdit = false;
    if (rp.version > last) {
      const theirs = await this.writtenBySsot(id, rp, changed);
      if (theirs === page.hash) {
        // A teammate's push of the same content, not a hand edit.
        Object.assign(entry, { version: rp.version, hash: page.hash, title: page.title });
        this.d.dirty();
        return { ...base, action: 'skip', version: rp.version, message: 'already published (by another push)' };
      }
      handEdit = theirs === undefined;
    }
    if (!changed) {
      if (!handEdit) return { ...base, action: 'skip', version: rp.version, message: 'unchanged' };
      this.d.warn({ file: page.file ?? '', key: page.key, message: `page ${id} was edited in Confluence since the last push (version ${rp.version}, ssot wrote ${last}); the doc is unchanged, so nothing is overwritten (\`ssot docs pull\` takes the edit into the doc)`, warning: true });
      return { ...base, action: 'skip', version: rp.version, message: 'unchanged (edited in Confluence)' };
    }
    if (handEdit && !this.d.force) return this.d.onConflict(page, id, rp, last);
    if (this.d.dryRun) return { ...base, action: 'update', version: rp.version + 1, ...(handEdit ? { message: 'overwrites an edit made in Confluence (--force)' } : {}) };
    const a = await this.d.api();
    await this.uploadAttachments(a, page, entry, id, false);
    const written = await this.updateOnce(a, page, id, rp, last);
    if ('action' in written) return written;
    entry.version = written.version;
    entry.title = page.title;
    setParent(entry, page);
    this.d.dirty();
    await this.finishWrite(a, page, entry, id, entry.version, false);
    return { ...base, action: 'update', version: entry.version, ...(handEdit ? { message: 'overwrote an edit made in Confluence (--force)' } : {}) };
  }

  /** The update call: a stale version or a lost answer is looked at before writing again. */
  private async updateOnce(a: ConfluenceApi, page: PreparedPage, id: string, rp: RemotePage, last: number): Promise<RemotePage | DocOutcome> {
    const parentId = page.parent ? ('id' in page.parent ? page.parent.id : this.d.mapping.pages[page.parent.key]?.id) : undefined;
    const message = `ssot ${page.hash}`;
    let next = rp.version + 1;
    for (let attempt = 1; ; attempt++) {
      try {
        const w = await a.updatePage({ id, ...(parentId ? { parentId } : {}), title: page.title, body: page.xhtml, version: next, message });
        return { ...w, version: w.version || next };
      } catch (e) {
        const status = (e as { status?: number }).status;
        if (status !== 409 && status !== undefined && status < 500) throw e;
        const now = (await a.pagesByIds([id])).get(id);
        if (now && now.version === next && MARKER.exec(now.message)?.[1] === page.hash) return now;
        if (status === 409 && now && now.version >= next) {
          if (!this.d.force) return this.d.onConflict(page, id, now, last);
          next = now.version + 1;
        }
        if (attempt >= 3 || !now) throw e;
      }
    }
  }

  /** After the body: attachments (new pages), labels, the content property, then the hash in the mapping. */
  private async finishWrite(a: ConfluenceApi, page: PreparedPage, entry: PageEntry, id: string, version: number, fresh: boolean): Promise<void> {
    if (fresh) await this.uploadAttachments(a, page, entry, id, true);
    const before = new Set(entry.labels ?? []);
    const add = page.labels.filter((l) => !before.has(l));
    if (add.length > 0) await a.addLabels(id, add, fresh);
    for (const l of before) if (!page.labels.includes(l)) await a.removeLabel(id, l);
    if (page.labels.length > 0) entry.labels = [...page.labels];
    else delete entry.labels;
    await this.writeProperty(a, entry, id, { version, hash: page.hash, path: page.key }, fresh);
    entry.hash = page.hash;
    this.d.dirty();
  }

  private async uploadAttachments(a: ConfluenceApi, page: PreparedPage, entry: PageEntry, id: string, fresh: boolean): Promise<void> {
    const had = entry.attachments ?? {};
    const now: Record<string, string> = {};
    for (const att of page.attachments) {
      if (had[att.filename] !== att.hash) await a.uploadAttachment(id, att.filename, await fs.readFile(att.file), fresh);
      now[att.filename] = att.hash;
    }
    if (Object.keys(now).length > 0) entry.attachments = now;
    else delete entry.attachments;
  }

  private async writeProperty(a: ConfluenceApi, entry: PageEntry, id: string, value: { version: number; hash: string; path: string }, fresh: boolean): Promise<void> {
    try {
      const p = entry.property
        ? await a.updateProperty(id, entry.property.id, PROPERTY_KEY, value, entry.property.version + 1)
        : await a.createProperty(id, PROPERTY_KEY, value, fresh);
      entry.property = { id: p.id, version: p.version };
      return;
    } catch (e) {
      // A teammate wrote it since (409), or it exists already (400) or is gone (404): read it and write over it.
      const status = (e as { status?: number }).status;
      if (status !== 409 && status !== 404 && status !== 400) throw e;
    }
    const cur = await a.getProperty(id, PROPERTY_KEY, fresh);
    const p = cur ? await a.updateProperty(id, cur.id, PROPERTY_KEY, value, cur.version + 1) : await a.createProperty(id, PROPERTY_KEY, value, fresh);
    entry.property = { id: p.id, version: p.version };
  }

  /** The hash ssot wrote in the page's current version, or undefined if a person wrote it. */
  private async writtenBySsot(id: string, rp: RemotePage, lookHarder: boolean): Promise<string | undefined> {
    const m = MARKER.exec(rp.message);
    if (m) return m[1];
    if (!lookHarder) return undefined;
    // The version message may have been dropped; the content property is the record.
    const prop = await (await this.d.api()).getProperty(id, PROPERTY_KEY);
    const v = prop?.value as { version?: unknown; hash?: unknown } | undefined;
    return v && v.version === rp.version && typeof v.hash === 'string' ? v.hash : undefined;
  }
}

export function outcomeBase(page: PreparedPage): Pick<DocOutcome, 'key' | 'file' | 'title'> {
  return { key: page.key, ...(page.file ? { file: page.file } : {}), title: page.title };
}

function setParent(entry: PageEntry, page: PreparedPage): void {
  if (page.parent) entry.parent = 'id' in page.parent ? page.parent.id : page.parent.key;
}

export function messageOf(e: unknown): string {
  if (isSsotError(e)) return e.hint ? `${e.message} (${e.hint})` : e.message;
  return e instanceof Error ? e.message : String(e);
}
