/**
 * What KeePassXC's XML reader (KdbxXmlReader, KeePassXC 2.7, non-strict mode
 * as keepassxc-cli and the GUI use it) refuses, checked on a parsed document:
 * numbers and booleans it cannot read, EnableAutoType / EnableSearching values
 * other than true/false/null, custom data items, icons, strings, attachments and
 * auto-type associations missing a part, duplicate fields, history inside
 * history, more than one root group; plus what it reads without complaint but
 * wrongly, which would lose data there: UUIDs that are not 16 bytes (it makes
 * up a new one), times it cannot parse (it puts "now"), attachment references
 * to nothing (it attaches an empty file), compressed attachments it cannot
 * decompress.
 */
import { gunzipSync } from 'node:zlib';

export interface RuleContext {
  /** KDBX 4 keeps attachments in the inner header: how many there are. */
  innerBinaries: number | undefined;
}

type Problems = string[];

/** The part of the DOM these rules read: xmldom's and lossless/parse.ts's both have it. */
export interface RuleElement {
  readonly nodeType: number;
  readonly tagName: string;
  readonly childNodes: ArrayLike<unknown>;
  readonly textContent: string | null;
  getAttribute(name: string): string | null;
  hasAttribute(name: string): boolean;
}
type Element = RuleElement;

const kids = (n: Element, name?: string): Element[] => {
  const out: Element[] = [];
  for (let i = 0; i < n.childNodes.length; i++) {
    const c = n.childNodes[i] as Element;
    if (c.nodeType === 1 && (!name || c.tagName === name)) out.push(c);
  }
  return out;
};
const text = (n: Element): string => n.textContent ?? '';
const MAX_PROBLEMS = 20;

function isInt(s: string): boolean {
  if (!/^\s*[+-]?\d+\s*$/.test(s)) return false;
  const n = Number(s);
  return n >= -(2 ** 31) && n < 2 ** 31;
}
const isBool = (s: string): boolean => s === '' || /^(true|false)$/i.test(s);
const isTriState = (s: string): boolean => /^(true|false|null)$/i.test(s);

function base64Bytes(s: string): Buffer | undefined {
  const t = s.replace(/\s+/g, '');
  if (!/^[A-Za-z0-9+/]*={0,2}$/.test(t) || t.length % 4 !== 0) return undefined;
  return Buffer.from(t, 'base64');
}

class Checker {
  readonly problems: Problems = [];
  private readonly refs = new Set<string>();
  private readonly pool = new Set<string>();
  private readonly rc: RuleContext;
  constructor(rc: RuleContext) {
    this.rc = rc;
  }

  add(where: string, what: string): void {
    if (this.problems.length < MAX_PROBLEMS) this.problems.push(`${where}: ${what}`);
  }

  number(n: Element, where: string): void {
    if (!isInt(text(n))) this.add(where, `invalid number "${text(n).slice(0, 20)}" in ${n.tagName}`);
  }
  bool(n: Element, where: string): void {
    if (!isBool(text(n))) this.add(where, `invalid boolean "${text(n).slice(0, 20)}" in ${n.tagName}`);
  }
  uuid(n: Element, where: string, required: boolean): void {
    const b = base64Bytes(text(n));
    if (b === undefined || (b.length !== 16 && (b.length !== 0 || required))) this.add(where, `${n.tagName} is not a 16-byte UUID`);
  }
  time(n: Element, where: string): void {
    const t = text(n).trim();
    if (t === '') return;
    const b = base64Bytes(t);
    if (b !== undefined && !t.includes(':')) return;
    if (Number.isNaN(Date.parse(t))) this.add(where, `invalid time "${t.slice(0, 30)}" in ${n.tagName}`);
  }

  customData(n: Element, where: string): void {
    for (const item of kids(n, 'Item')) {
      if (kids(item, 'Key').length === 0 || kids(item, 'Value').length === 0) this.add(where, 'a custom data item lacks its key or value');
      for (const t of kids(item, 'LastModificationTime')) this.time(t, where);
    }
  }

  times(n: Element, where: string): void {
    for (const t of kids(n)) {
      if (t.tagName === 'Expires') this.bool(t, where);
      else if (t.tagName === 'UsageCount') this.number(t, where);
      else this.time(t, where);
    }
  }

  meta(m: Element): void {
    const numbers = ['MaintenanceHistoryDays', 'MasterKeyChangeRec', 'MasterKeyChangeForce', 'HistoryMaxItems', 'HistoryMaxSize'];
    for (const c of kids(m)) {
      const tag = c.tagName;
      if (numbers.includes(tag)) this.number(c, 'Meta');
      else if (tag === 'RecycleBinEnabled') this.bool(c, 'Meta');
      else if (tag === 'MemoryProtection') for (const p of kids(c)) this.bool(p, 'Meta/MemoryProtection');
      else if (tag === 'CustomIcons') this.icons(c);
      else if (tag === 'Binaries') this.binaries(c);
      else if (tag === 'CustomData') this.customData(c, 'Meta/CustomData');
      else if (tag.endsWith('Changed')) this.time(c, 'Meta');
    }
  }

  icons(n: Element): void {
    for (const icon of kids(n, 'Icon')) {
      const uuid = kids(icon, 'UUID')[0];
      if (!uuid || kids(icon, 'Data').length === 0) this.add('Meta/CustomIcons', 'an icon lacks its UUID or data');
      else this.uuid(uuid, 'Meta/CustomIcons', true);
    }
  }

  binaries(n: Element): void {
    for (const b of kids(n, 'Binary')) {
      this.pool.add(b.getAttribute('ID') ?? '');
      if (/^(true|1)$/i.test(b.getAttribute('Compressed') ?? '') && !/^true$/i.test(b.getAttribute('Protected') ?? '')) {
        // Nothing at all is an empty attachment to KeePassXC too; anything else must decompress.
        const data = base64Bytes(text(b)) ?? Buffer.alloc(1);
        try {
          if (data.length > 0) gunzipSync(data);
        } catch {
          this.add('Meta/Binaries', `attachment ${String(b.getAttribute('ID'))} cannot be decompressed`);
        }
      }
    }
  }

  /** `path` locates by position (1st group under the 3rd...), never by a name from the database. */
  group(g: Element, path: string): void {
    const where = `group ${path || '(root)'}`;
    let nth = 0;
    const uuid = kids(g, 'UUID')[0];
    if (uuid) this.uuid(uuid, where, true);
    for (const c of kids(g)) {
      const tag = c.tagName;
      if (tag === 'IconID') this.number(c, where);
      else if (tag === 'IsExpanded') this.bool(c, where);
      else if (tag === 'EnableAutoType' || tag === 'EnableSearching') {
        if (!isTriState(text(c))) this.add(where, `invalid ${tag} value "${text(c).slice(0, 20)}"`);
      } else if (tag === 'Times') this.times(c, where);
      else if (tag === 'CustomData') this.customData(c, where);
      else if (tag === 'CustomIconUUID' || tag === 'LastTopVisibleEntry' || tag === 'PreviousParentGroup') this.uuid(c, where, false);
      else if (tag === 'Group') this.group(c, `${path}/${++nth}`);
      else if (tag === 'Entry') this.entry(c, path || '(root)', false);
    }
  }

  entry(e: Element, path: string, inHistory: boolean): void {
    const where = `${inHistory ? 'history item of an entry' : 'entry'} in group ${path}`;
    const uuid = kids(e, 'UUID')[0];
    if (uuid) this.uuid(uuid, where, true);
    const seen = new Map<string, string>();
    for (const c of kids(e)) {
      const tag = c.tagName;
      if (tag === 'IconID') this.number(c, where);
      else if (tag === 'QualityCheck') this.bool(c, where);
      else if (tag === 'Times') this.times(c, where);
      else if (tag === 'CustomData') this.customData(c, where);
      else if (tag === 'CustomIconUUID' || tag === 'PreviousParentGroup') this.uuid(c, where, false);
      else if (tag === 'String') this.string(c, where, seen);
      else if (tag === 'Binary') this.binary(c, where);
      else if (tag === 'AutoType') this.autoType(c, where);
      else if (tag === 'History') {
        if (inHistory) this.add(where, 'a history item has a history of its own');
        else for (const h of kids(c, 'Entry')) this.entry(h, path, true);
      }
    }
  }

  string(s: Element, where: string, seen: Map<string, string>): void {
    const key = kids(s, 'Key')[0];
    const value = kids(s, 'Value')[0];
    if (!key || !value) {
      this.add(where, 'a field lacks its key or value');
      return;
    }
    const k = text(key);
    if (seen.has(k) && seen.get(k) !== '') this.add(where, `the field "${k.slice(0, 40)}" appears twice`);
    seen.set(k, text(value));
  }

  binary(b: Element, where: string): void {
    const value = kids(b, 'Value')[0];
    if (kids(b, 'Key').length === 0 || !value) {
      this.add(where, 'an attachment lacks its key or value');
      return;
    }
    if (value.hasAttribute('Ref')) this.refs.add(value.getAttribute('Ref') ?? '');
  }

  autoType(a: Element, where: string): void {
    for (const c of kids(a)) {
      if (c.tagName === 'Enabled') this.bool(c, where);
      else if (c.tagName === 'DataTransferObfuscation') this.number(c, where);
      else if (c.tagName === 'Association' && (kids(c, 'Window').length === 0 || kids(c, 'KeystrokeSequence').length === 0)) {
        this.add(where, 'an auto-type association lacks its window or keystroke sequence');
      }
    }
  }

  references(): void {
    const inner = this.rc.innerBinaries;
    for (const ref of this.refs) {
      const known = inner !== undefined ? /^\d+$/.test(ref) && Number(ref) < inner : this.pool.has(ref);
      if (!known) this.add('attachments', `an attachment refers to binary ${ref}, which the file does not hold`);
    }
  }
}

/** Problems KeePassXC would have reading this document; empty when it reads it as written. */
export function keepassxcProblems(doc: { documentElement: RuleElement | null }, rc: RuleContext): string[] {
  const c = new Checker(rc);
  const top = doc.documentElement;
  if (!top || top.tagName !== 'KeePassFile') return ['the document is not a KeePassFile'];
  const roots = kids(top, 'Root');
  if (roots.length !== 1) c.add('KeePassFile', roots.length === 0 ? 'no Root element' : 'more than one Root element');
  for (const m of kids(top, 'Meta')) c.meta(m);
  for (const r of roots) {
    const groups = kids(r, 'Group');
    if (groups.length !== 1) c.add('Root', groups.length === 0 ? 'no root group' : 'more than one root group');
    for (const g of groups) c.group(g, '');
    for (const d of kids(r, 'DeletedObjects')) {
      for (const o of kids(d, 'DeletedObject')) {
        for (const u of kids(o, 'UUID')) c.uuid(u, 'DeletedObjects', true);
        for (const t of kids(o, 'DeletionTime')) c.time(t, 'DeletedObjects');
      }
    }
  }
  c.references();
  return c.problems;
}
