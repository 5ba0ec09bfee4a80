import type { Reply } from '../http/index.js';
import type { StandInOptions, StoredAttachment, StoredPage, StoredProperty } from './types.js';

/**
 * What the Confluence stand-in holds (spaces, pages, content properties,
 * attachments, labels) and how it shows it in v2 JSON. Ids are numbers in
 * one sequence, as a tenant's content ids are.
 */

export const V2 = '/wiki/api/v2';
export const V1 = '/wiki/rest/api';

/** The account that makes every change through the API (a person's edit has its own). */
const BOT_ACCOUNT = '557058:ssot-bot';

interface Space {
  id: string;
  key: string;
  homepageId: string;
}

type NewPage = Omit<StoredPage, 'id' | 'createdAt' | 'versionAt' | 'authorId' | 'status'>;

export interface ConfluenceState {
  spaces: Map<string, Space>;
  pages: Map<string, StoredPage>;
  props: Map<string, Map<string, StoredProperty>>;
  atts: Map<string, Map<string, StoredAttachment>>;
  labels: Map<string, Map<string, string>>;
  opts: StandInOptions;
  newId(): string;
  now(): string;
  addPage(p: NewPage): StoredPage;
  /** Another page of the space with this title. */
  titleTaken(spaceId: string, title: string, except?: string): StoredPage | undefined;
  spaceById(id: string): Space | undefined;
  /** A current page, unless it was created so recently that it still answers 404. */
  livePage: (id: string) => StoredPage | undefined;
  /** Counts one of the 404s a page answers just after its create (eventual consistency). */
  notYet(id: string): boolean;
  /** The next requests touching this new page answer 404 (`notFoundAfterCreate`). */
  hideForAWhile(id: string): void;
  pageJson(p: StoredPage, bodyFormat?: string | null): Record<string, unknown>;
  propJson: (x: StoredProperty) => Record<string, unknown>;
}

export function createConfluenceState(opts: StandInOptions): ConfluenceState {
  let nextId = 65536;
  const spaces = new Map<string, Space>();
  const pages = new Map<string, StoredPage>();
  const pendingNotFound = new Map<string, number>();
  const now = (): string => new Date().toISOString();
  const spaceKey = (id: string): string => [...spaces.values()].find((s) => s.id === id)?.key ?? '';

  const st: ConfluenceState = {
    spaces,
    pages,
    props: new Map(),
    atts: new Map(),
    labels: new Map(),
    opts,
    newId: () => String(++nextId),
    now,
    addPage(p) {
      const t = now();
      const page: StoredPage = { id: st.newId(), createdAt: t, versionAt: t, authorId: BOT_ACCOUNT, status: 'current', ...p };
      pages.set(page.id, page);
      return page;
    },
    titleTaken(spaceId, title, except) {
      for (const p of pages.values()) if (p.spaceId === spaceId && p.title === title && p.id !== except) return p;
      return undefined;
    },
    spaceById: (id) => [...spaces.values()].find((s) => s.id === id),
    notYet(id) {
      const n = pendingNotFound.get(id);
      if (!n) return false;
      pendingNotFound.set(id, n - 1);
      return true;
    },
    livePage: (id) => {
      const p = pages.get(id);
      return p && p.status === 'current' && !st.notYet(id) ? p : undefined;
    },
    hideForAWhile(id) {
      if (opts.notFoundAfterCreate) pendingNotFound.set(id, opts.notFoundAfterCreate);
    },
    pageJson: (p, bodyFormat) => pageJson(p, spaceKey(p.spaceId), bodyFormat),
    propJson: (x) => ({ id: x.id, key: x.key, value: x.value, version: { number: x.version, message: '', createdAt: now(), minorEdit: false, authorId: BOT_ACCOUNT } }),
  };
  for (const key of opts.spaces ?? ['PC']) {
    const id = st.newId();
    const home = st.addPage({ spaceId: id, title: `${key} Home`, body: '<p>Home</p>', version: 1, message: '' });
    spaces.set(key, { id, key, homepageId: home.id });
  }
  return st;
}

function pageJson(p: StoredPage, spaceKey: string, bodyFormat?: string | null): Record<string, unknown> {
  return {
    id: p.id,
    status: p.status,
    title: p.title,
    spaceId: p.spaceId,
    ...(p.parentId ? { parentId: p.parentId, parentType: 'page' } : {}),
    position: 0,
    authorId: p.authorId,
    ownerId: p.authorId,
    createdAt: p.createdAt,
    version: { createdAt: p.versionAt, message: p.message, number: p.version, minorEdit: false, authorId: p.authorId },
    body: bodyFormat === 'storage' ? { storage: { representation: 'storage', value: p.body } } : {},
    _links: { webui: `/spaces/${spaceKey}/pages/${p.id}`, editui: `/pages/resumedraft.action?draftId=${p.id}`, tinyui: `/x/${p.id}` },
  };
}

/** Confluence's v2 error shape: `{ errors: [{ status, code, title, detail }] }`. */
export function err(status: number, title: string, code = status === 404 ? 'NOT_FOUND' : status === 409 ? 'CONFLICT' : 'BAD_REQUEST'): Reply {
  return { status, json: { errors: [{ status, code, title, detail: null }] } };
}
