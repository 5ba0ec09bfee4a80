/** The Confluence stand-in's options, records and inspection API (see index.ts). */

export interface StandInOptions {
  port?: number;
  /** Space keys that exist (ids are assigned). Default ["PC"]. */
  spaces?: string[];
  /** Accepted credentials; any Basic credentials when absent. */
  email?: string;
  token?: string;
  /** After a create, this many requests touching that page answer 404 (eventual consistency). */
  notFoundAfterCreate?: number;
  /** Several pages in one archive request are refused, as on Confluence's Standard plan (default true). */
  singlePageArchive?: boolean;
  /** Each archive task answers "running" this many times before it is finished (default 1). */
  archiveSteps?: number;
  /** Called for every request, before it is handled (tests validate requests against the spec here). */
  onRequest?: (req: RecordedRequest) => void;
  /** Called with every answer (tests validate the stand-in's own answers against the spec). */
  onResponse?: (req: RecordedRequest, status: number, json: unknown) => void;
}

export interface RecordedRequest {
  method: string;
  /** Path without the query, e.g. /wiki/api/v2/pages/12. */
  path: string;
  query: URLSearchParams;
  headers: Record<string, string | string[] | undefined>;
  /** Parsed JSON body, or undefined (multipart bodies are not kept). */
  body?: unknown;
  contentType?: string;
  status?: number;
}

export interface Fault {
  method?: string;
  /** Matched against the path (a string: the path contains it). */
  path?: string | RegExp;
  status: number;
  retryAfter?: string;
  /** How many matching requests fail (default 1). */
  times?: number;
  /** Perform the request, then answer with `status` (an answer lost on the way). */
  afterApply?: boolean;
  body?: unknown;
}

export interface StoredPage {
  id: string;
  spaceId: string;
  title: string;
  parentId?: string;
  status: 'current' | 'trashed' | 'archived';
  body: string;
  version: number;
  message: string;
  createdAt: string;
  versionAt: string;
  authorId: string;
}

export interface StoredProperty {
  id: string;
  key: string;
  value: unknown;
  version: number;
}

export interface StoredAttachment {
  id: string;
  filename: string;
  mediaType: string;
  data: Buffer;
  version: number;
}

export interface ConfluenceStandIn {
  url: string;
  close(): Promise<void>;
  /** Every request since start (or the last reset). */
  requests: RecordedRequest[];
  resetRequests(): void;
  failNext(f: Fault): void;
  pages(): StoredPage[];
  page(id: string): StoredPage | undefined;
  pageByTitle(title: string): StoredPage | undefined;
  properties(pageId: string): StoredProperty[];
  attachments(pageId: string): { filename: string; version: number; size: number }[];
  labels(pageId: string): string[];
  /** A person edits the page in Confluence: a new version, without ssot's marker. */
  editPage(id: string, body: string, message?: string): StoredPage;
  /** Add a page directly (as if made by someone else). */
  seedPage(p: { title: string; space?: string; parentId?: string; body?: string }): StoredPage;
  trashPage(id: string): void;
  spaceId(key: string): string;
}
