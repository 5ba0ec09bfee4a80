/**
 * A deep copy of a kdbxweb database by structure: no XML, no key derivation.
 * The merge consumes its source, so callers that need to keep one clone it;
 * the property tests make thousands of copies this way.
 */
import * as kdbxweb from './kdbxweb.js';
import { copyEntryState, copyGroupState, snapshot } from './entry-state.js';
import { inheritDocOrigin, inheritOrigin } from './lossless/origin.js';

function cloneEntry(e: kdbxweb.KdbxEntry, parent: kdbxweb.KdbxGroup): kdbxweb.KdbxEntry {
  const c = new kdbxweb.KdbxEntry();
  c.uuid = e.uuid;
  copyEntryState(c, e);
  c.history = e.history.map((h) => snapshot(h));
  c.parentGroup = parent;
  c.previousParentGroup = e.previousParentGroup;
  return c;
}

function cloneGroup(g: kdbxweb.KdbxGroup, parent: kdbxweb.KdbxGroup | undefined): kdbxweb.KdbxGroup {
  const c = new kdbxweb.KdbxGroup();
  c.uuid = g.uuid;
  copyGroupState(c, g);
  c.times.locationChanged = g.times.locationChanged;
  c.parentGroup = parent;
  c.previousParentGroup = g.previousParentGroup;
  c.entries = g.entries.map((e) => cloneEntry(e, c));
  c.groups = g.groups.map((x) => cloneGroup(x, c));
  return c;
}

function cloneMeta(m: kdbxweb.KdbxMeta): kdbxweb.KdbxMeta {
  const c = Object.assign(new kdbxweb.KdbxMeta(), m);
  c._memoryProtection = { ...m._memoryProtection };
  c.customData = new Map([...m.customData].map(([k, v]) => [k, { ...v }]));
  c.customIcons = new Map([...m.customIcons].map(([k, v]) => [k, { ...v }]));
  c._editState = undefined;
  inheritOrigin(c, m);
  return c;
}

/** Own header: save() writes new salts into it, so clones must not share one. */
function cloneHeader(h: kdbxweb.KdbxHeader): kdbxweb.KdbxHeader {
  const c = Object.assign(new kdbxweb.KdbxHeader(), h);
  if (h.kdfParameters) {
    const stm = new kdbxweb.BinaryStream();
    h.kdfParameters.write(stm);
    c.kdfParameters = kdbxweb.VarDictionary.read(new kdbxweb.BinaryStream(stm.getWrittenBytes()));
  }
  return c;
}

export function cloneKdbx(db: kdbxweb.Kdbx): kdbxweb.Kdbx {
  const c = new kdbxweb.Kdbx();
  c.header = cloneHeader(db.header);
  c.credentials = db.credentials;
  c.meta = cloneMeta(db.meta);
  c.binaries = new kdbxweb.KdbxBinaries();
  for (const b of db.binaries.getAllWithHashes()) c.binaries.addWithHash(b);
  c.groups = db.groups.map((g) => cloneGroup(g, undefined));
  c.deletedObjects = db.deletedObjects.map((d) => {
    const x = new kdbxweb.KdbxDeletedObject();
    x.uuid = d.uuid;
    x.deletionTime = d.deletionTime;
    inheritOrigin(x, d);
    return x;
  });
  inheritDocOrigin(c, db);
  return c;
}
