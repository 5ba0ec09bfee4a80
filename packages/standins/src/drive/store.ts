import { createHash } from 'node:crypto';
import { HttpError, notFound, randomId } from './google.js';
import type { TokenGrant } from './oauth.js';

/**
 * The Drive stand-in's files and revisions, and who may see them. Under the
 * `drive.file` scope an app sees only the files it created (Drive: "files
 * created or opened by the app"): a file rclone or the web UI uploaded is
 * invisible to it (404 on get, absent from lists), exactly the case that
 * makes a second copy beside the user's own. Under `drive` an app sees all.
 */

export const FOLDER_MIME = 'application/vnd.google-apps.folder';

export interface StandInRevision {
  id: string;
  data: Buffer;
  md5Checksum: string;
  modifiedTime: string;
  /** Who uploaded it: "client" (through the API) or a label given to uploadRevision. */
  by: string;
}

export interface StandInFile {
  id: string;
  name: string;
  mimeType: string;
  parents: string[];
  trashed: boolean;
  createdTime: string;
  modifiedTime: string;
  version: number;
  appProperties: Record<string, string>;
  revisions: StandInRevision[];
  /** The OAuth client (app) that created it: what `drive.file` visibility goes by. */
  app: string;
}

/** Who is asking: an access token's grant; undefined for the stand-in's own inspection. */
type Viewer = TokenGrant | undefined;

export interface DriveStore {
  readonly rootId: string;
  readonly files: Map<string, StandInFile>;
  visible(f: StandInFile, viewer: Viewer): boolean;
  /** The file (or My Drive's root, also by its alias "root"); 404 when absent or invisible to `viewer`. */
  get(id: string, viewer: Viewer): StandInFile;
  make(meta: { name?: string; mimeType?: string; parents?: string[]; appProperties?: Record<string, string> }, app: string, viewer: Viewer): StandInFile;
  addRevision(f: StandInFile, data: Buffer, by: string): StandInRevision;
  fileResource(f: StandInFile): Record<string, unknown>;
  revisionResource(r: StandInRevision, f: StandInFile): Record<string, unknown>;
  /** The next `n` uploads through the API get a wrong md5Checksum (bytes damaged in transit). */
  corruptNext(n: number): void;
}

export function createDriveStore(clock?: () => Date): DriveStore {
  const files = new Map<string, StandInFile>();
  const rootId = `0A${randomId(20)}`; // My Drive's root folder id ("root" is its alias)
  let lastTime = 0;
  let corrupt = 0;
  const now = (): string => {
    // Strictly increasing times, so revisions and files order the way they were made.
    let t = (clock ? clock() : new Date()).getTime();
    if (t <= lastTime) t = lastTime + 1;
    lastTime = t;
    return new Date(t).toISOString();
  };
  const epoch = new Date(0).toISOString();
  const root: StandInFile = { id: rootId, name: 'My Drive', mimeType: FOLDER_MIME, parents: [], trashed: false, createdTime: epoch, modifiedTime: epoch, version: 1, appProperties: {}, revisions: [], app: '' };
  const visible = (f: StandInFile, viewer: Viewer): boolean => f === root || !viewer || viewer.scope === 'drive' || f.app === viewer.clientId;

  const store: DriveStore = {
    rootId,
    files,
    visible,
    get(id, viewer) {
      const f = id === 'root' || id === rootId ? root : files.get(id);
      if (!f || !visible(f, viewer)) throw notFound(id);
      return f;
    },
    make(meta, app, viewer) {
      const t = now();
      const parents = (meta.parents && meta.parents.length > 0 ? meta.parents : [rootId]).map((p) => (p === 'root' ? rootId : p));
      for (const p of parents) if (store.get(p, viewer).mimeType !== FOLDER_MIME) throw notFound(p);
      const f: StandInFile = {
        id: `1${randomId(32)}`,
        name: meta.name ?? 'Untitled',
        mimeType: meta.mimeType ?? 'application/octet-stream',
        parents,
        trashed: false,
        createdTime: t,
        modifiedTime: t,
        version: 1,
        appProperties: { ...(meta.appProperties ?? {}) },
        revisions: [],
        app,
      };
      files.set(f.id, f);
      return f;
    },
    addRevision(f, data, by) {
      if (f.mimeType === FOLDER_MIME) throw new HttpError(400, 'badRequest', 'A folder has no content.');
      const t = now();
      const rev: StandInRevision = { id: `0B${randomId(40)}`, data, md5Checksum: md5(data), modifiedTime: t, by };
      if (corrupt > 0 && by === 'client') {
        corrupt--;
        rev.md5Checksum = md5(Buffer.concat([data, Buffer.from('x')]));
      }
      f.revisions.push(rev);
      f.modifiedTime = t;
      f.version++;
      return rev;
    },
    fileResource,
    revisionResource,
    corruptNext(n) {
      corrupt += n;
    },
  };
  return store;
}

function fileResource(f: StandInFile): Record<string, unknown> {
  const head = f.revisions.at(-1);
  return {
    kind: 'drive#file',
    id: f.id,
    name: f.name,
    mimeType: f.mimeType,
    parents: f.parents,
    trashed: f.trashed,
    createdTime: f.createdTime,
    modifiedTime: f.modifiedTime,
    version: String(f.version),
    appProperties: f.appProperties,
    ...(head
      ? { headRevisionId: head.id, md5Checksum: head.md5Checksum, sha256Checksum: createHash('sha256').update(head.data).digest('hex'), size: String(head.data.length) }
      : {}),
  };
}

function revisionResource(r: StandInRevision, f: StandInFile): Record<string, unknown> {
  return {
    kind: 'drive#revision',
    id: r.id,
    mimeType: f.mimeType,
    modifiedTime: r.modifiedTime,
    keepForever: false,
    published: false,
    md5Checksum: r.md5Checksum,
    size: String(r.data.length),
    originalFilename: f.name,
  };
}

function md5(b: Buffer): string {
  return createHash('md5').update(b).digest('hex');
}
