/** Read-only walks over a database: live entries with their paths, the views callers get, counts. */
import { fieldText } from './canonical.js';
import * as kdbxweb from './kdbxweb.js';

export interface EntryView {
  uuid: string;
  path: string;
  title: string;
  fields: Record<string, string>;
  attachments: string[];
  lastModified: Date;
}

export function title(e: kdbxweb.KdbxEntry): string {
  const t = e.fields.get('Title');
  return t === undefined ? '' : fieldText(t);
}

export function recycleBinOf(db: kdbxweb.Kdbx): kdbxweb.KdbxGroup | undefined {
  const id = db.meta.recycleBinUuid;
  if (!id || id.empty) return undefined;
  return db.getGroup(id);
}

/** Entries with their paths ("Group/Sub/Title", the root group's name left out); `live` leaves out the recycle bin. */
export function* entriesWithPath(db: kdbxweb.Kdbx, live: boolean): Generator<[kdbxweb.KdbxEntry, string]> {
  const bin = live ? recycleBinOf(db) : undefined;
  const walk = function* (g: kdbxweb.KdbxGroup, prefix: string): Generator<[kdbxweb.KdbxEntry, string]> {
    for (const e of g.entries) yield [e, prefix + title(e)];
    for (const c of g.groups) if (c !== bin) yield* walk(c, `${prefix}${c.name ?? ''}/`);
  };
  yield* walk(db.getDefaultGroup(), '');
}

export function entryView(e: kdbxweb.KdbxEntry, path: string): EntryView {
  const fields: Record<string, string> = {};
  for (const [k, v] of e.fields) fields[k] = fieldText(v);
  return {
    uuid: e.uuid.id,
    path,
    title: title(e),
    fields,
    attachments: [...e.binaries.keys()],
    lastModified: e.times.lastModTime ?? new Date(0),
  };
}

/** Live entries and groups (root and recycle bin not counted) and tombstones. */
export function summaryOf(db: kdbxweb.Kdbx): { entries: number; groups: number; deleted: number } {
  let entries = 0;
  let groups = 0;
  const bin = recycleBinOf(db);
  const walk = (g: kdbxweb.KdbxGroup): void => {
    for (const c of g.groups) {
      if (c === bin) continue;
      groups++;
      walk(c);
    }
    entries += g.entries.length;
  };
  walk(db.getDefaultGroup());
  return { entries, groups, deleted: db.deletedObjects.length };
}
