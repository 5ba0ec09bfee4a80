import type { drive_v3 } from '@googleapis/drive';
import { ConfigError, ErrorCode, SsotError } from '../../core/errors.js';
import type { DriveScopeName } from './gdrive-client.js';
import { ALL_DRIVES_LIST, FILE_FIELDS, FOLDER_MIME, quote, toMeta, type DriveCopyState, type FileMeta } from './gdrive-meta.js';
import { createOnce, type DrivePolicy } from './gdrive-policy.js';

/**
 * Where a Drive copy lives: the folder (a path from My Drive, made once if
 * missing, or a folderId) and the file in it, their ids remembered in the
 * copy's state. Names are compared as Drive's web UI shows them to a person:
 * `Security` and `security` are the same name to them, two different folders
 * to Drive. So a name that differs only in case, or two candidates, is never
 * guessed at: it stops with exit 2 naming them. And under the `drive.file`
 * scope a file another tool uploaded is invisible: a folder that exists but
 * shows no file, on this copy's first sync, stops too (exit 2), rather than
 * make a second file beside the user's own.
 */

export interface LocatorOptions {
  drive: drive_v3.Drive;
  callOpts: { rootUrl?: string; retry: false };
  policy: DrivePolicy;
  label: string;
  name: string;
  folder?: string;
  folderId?: string;
  fileId?: string;
  scope: DriveScopeName;
}

interface Candidate {
  id: string;
  name: string;
  createdTime: string;
  file: drive_v3.Schema$File;
}

export class DriveLocator {
  private readonly o: LocatorOptions;
  constructor(o: LocatorOptions) {
    this.o = o;
  }

  /** The file's metadata, resolving (and remembering) its id; null if there is none. */
  async findFile(state: DriveCopyState): Promise<FileMeta | null> {
    if (this.o.fileId) {
      const m = await this.getMeta(this.o.fileId);
      if (!m) {
        throw new ConfigError(ErrorCode.NotFound, `${this.o.label}: the configured fileId was not found (or is in the trash)`, {
          hint: 'check gdrive.fileId; under the drive.file scope ssot only sees files it created (scope drive reaches a file another tool uploaded)',
        });
      }
      return m;
    }
    const st = await state.get();
    if (st.fileId) {
      const m = await this.getMeta(st.fileId);
      if (m) return m;
      // The remembered file is gone (deleted, trashed): forget it and look by name.
      const { fileId: _gone, ...rest } = st;
      await state.set(rest);
    }
    const folderId = await this.folderId(state, false);
    if (!folderId) return null;
    const found = await this.searchByName(folderId);
    if (!found) {
      await this.refuseHiddenFile(state, folderId);
      return null;
    }
    await state.set({ ...(await state.get()), fileId: found.id });
    return found;
  }

  async getMeta(fileId: string): Promise<FileMeta | null> {
    try {
      const res = await this.o.policy.call('files.get', () => this.o.drive.files.get({ fileId, fields: FILE_FIELDS, supportsAllDrives: true }, this.o.callOpts));
      if (res.data.trashed) return null;
      return toMeta(res.data);
    } catch (e) {
      if (e instanceof SsotError && e.code === ErrorCode.NotFound) return null;
      throw e;
    }
  }

  /** The file of the copy's name in `folderId`; exit 2 on a name that differs in case, or on two. */
  async searchByName(folderId: string): Promise<FileMeta | null> {
    const c = this.pick(await this.candidates(folderId, 'file', this.o.name), this.o.name, 'file', this.where());
    return c ? toMeta(c.file) : null;
  }

  /** The folder's id; made (once) when `create` and missing. */
  async folderId(state: DriveCopyState, create: boolean): Promise<string | null> {
    if (this.o.folderId) return this.checkFolderId(this.o.folderId);
    const st = await state.get();
    if (st.folderId) {
      if (await this.isFolder(st.folderId)) return st.folderId;
      const { folderId: _gone, ...rest } = st;
      await state.set(rest);
    }
    if (!this.o.folder) return null;
    let parent = 'root';
    let made = false;
    const walked: string[] = [];
    for (const segment of this.o.folder.split('/').filter(Boolean)) {
      const found = await this.findFolder(segment, parent, walked);
      walked.push(segment);
      if (found) {
        parent = found;
        continue;
      }
      if (!create) return null;
      parent = await this.makeFolder(segment, parent, walked.slice(0, -1));
      made = true;
    }
    await state.set({ ...(await state.get()), folderId: parent, ...(made ? { madeFolderId: parent } : {}) });
    return parent;
  }

  private async makeFolder(segment: string, under: string, walked: string[]): Promise<string> {
    const made = await createOnce(
      this.o.policy,
      () => this.findFolder(segment, under, walked),
      async () => {
        const res = await this.o.drive.files.create(
          { requestBody: { name: segment, mimeType: FOLDER_MIME, parents: [under] }, fields: 'id', supportsAllDrives: true },
          this.o.callOpts,
        );
        if (!res.data.id) throw new SsotError(ErrorCode.Remote, `${this.o.label}: Drive answered a create without an id`);
        return res.data.id;
      },
    );
    return made.value;
  }

  private async findFolder(name: string, parent: string, walked: readonly string[]): Promise<string | null> {
    const where = ['My Drive', ...walked].join('/');
    return this.pick(await this.candidates(parent, 'folder', name), name, 'folder', where)?.id ?? null;
  }

  private async isFolder(id: string): Promise<boolean> {
    return this.o.policy
      .call('files.get', () => this.o.drive.files.get({ fileId: id, fields: 'id,trashed,mimeType', supportsAllDrives: true }, this.o.callOpts))
      .then(
        (r) => !r.data.trashed && r.data.mimeType === FOLDER_MIME,
        (e: unknown) => {
          if (e instanceof SsotError && e.code === ErrorCode.NotFound) return false;
          throw e;
        },
      );
  }

  /** A configured folderId that Drive does not show is one clear error, before anything is written. */
  private async checkFolderId(id: string): Promise<string> {
    if (await this.isFolder(id)) return id;
    throw new ConfigError(ErrorCode.NotFound, `${this.o.label}: Drive shows no folder with id ${id}`, {
      hint:
        'check gdrive.folderId (the last part of the folder\'s address in the Drive web UI, not in the trash); ' +
        'under the drive.file scope ssot sees only folders it made: a folder you made yourself needs gdrive.scope: drive (then `ssot auth gdrive`)',
    });
  }

  /** Every child of `parent` of that kind whose name matches `name` ignoring case, oldest first. */
  private async candidates(parent: string, kind: 'folder' | 'file', name: string): Promise<Candidate[]> {
    const q = `${quote(parent)} in parents and trashed = false and mimeType ${kind === 'folder' ? '=' : '!='} ${quote(FOLDER_MIME)}`;
    const want = fold(name);
    const out: Candidate[] = [];
    let pageToken: string | undefined;
    do {
      const token = pageToken;
      const res = await this.o.policy.call('files.list', () =>
        this.o.drive.files.list(
          { q, fields: `nextPageToken,files(${FILE_FIELDS},createdTime)`, pageSize: 1000, ...(token ? { pageToken: token } : {}), ...ALL_DRIVES_LIST },
          this.o.callOpts,
        ),
      );
      for (const f of res.data.files ?? []) {
        if (f.id && f.name && fold(f.name) === want) out.push({ id: f.id, name: f.name, createdTime: f.createdTime ?? '', file: f });
      }
      pageToken = res.data.nextPageToken ?? undefined;
    } while (pageToken);
    return out.sort((a, b) => a.createdTime.localeCompare(b.createdTime));
  }

  private pick(found: Candidate[], name: string, kind: 'folder' | 'file', where: string): Candidate | null {
    const [first] = found;
    if (!first) return null;
    const pin = kind === 'folder' ? 'folderId' : 'fileId';
    if (found.length === 1 && first.name === name) return first;
    if (found.length === 1) {
      throw new ConfigError(ErrorCode.Config, `${this.o.label}: there is no ${kind} "${name}" in ${where}, but there is "${first.name}" (the names differ only in case)`, {
        hint: `write the name exactly as Drive has it (${kind === 'folder' ? 'gdrive.folder' : 'the copy\'s name'}: "${first.name}"), or pin it with ${pin}: ${first.id}; nothing was written`,
      });
    }
    const list = found.map((c) => `"${c.name}" (id ${c.id}, made ${c.createdTime.slice(0, 10) || 'at an unknown time'})`).join(', ');
    throw new ConfigError(ErrorCode.Config, `${this.o.label}: ${found.length} ${kind}s in ${where} are named "${name}" or differ from it only in case: ${list}`, {
      hint: `keep one (move, rename or trash the others in Drive), or pin the one to use with ${pin}: <its id>; nothing was written`,
    });
  }

  /**
   * Under drive.file, a folder that exists but shows no file of the copy's
   * name, on this copy's first sync, is most likely a folder holding a file
   * another tool uploaded (rclone, the web UI), invisible to ssot. Making one
   * would leave two files of one name, one never updated again: stop instead.
   * A folder ssot made itself (this machine remembers it), or a copy that had
   * a file before, is not in doubt.
   */
  private async refuseHiddenFile(state: DriveCopyState, folderId: string): Promise<void> {
    if (this.o.scope !== 'drive.file') return;
    const st = await state.get();
    if (st.fileId || st.lastRev || st.madeFolderId === folderId) return;
    throw new ConfigError(ErrorCode.Config, `${this.o.label}: the folder exists but shows no ${this.o.name} to ssot, and this copy has never synced here`, {
      hint:
        `under the drive.file scope ssot cannot see a file another tool (rclone, the web UI) uploaded, and would make a second ${this.o.name} beside it. ` +
        'Either set gdrive.scope: drive and run `ssot auth gdrive`, so ssot finds that file and merges it; ' +
        `or pin it with fileId: <its id> in this copy (that too needs scope drive); ` +
        'or, if that folder really holds no copy of this vault, trash the folder in Drive (ssot then makes its own). Nothing was written',
    });
  }

  private where(): string {
    if (this.o.folder) return `My Drive/${this.o.folder.replace(/^\/+|\/+$/g, '')}`;
    // Looked up by name only without a fileId: the config then has a folder or a folderId.
    return `folder ${String(this.o.folderId)}`;
  }
}

/** Names as a person reads them: Unicode-normalised, case folded. */
function fold(name: string): string {
  return name.normalize('NFC').toLocaleLowerCase('und');
}
