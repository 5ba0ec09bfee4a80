/**
 * Writes a database's XML so that what no one changed comes back as it was
 * read (DESIGN: "Lossless").
 *
 * Per object (meta, group, entry, history item, tombstone):
 *  - read from a file and unchanged: its original element, child by child;
 *  - read and changed: each child whose content kdbxweb sees as unchanged
 *    (its kdbxweb XML equals that of the object as read) keeps its original
 *    text; a changed child is kdbxweb's; a child kdbxweb does not know
 *    (another client's element) is kept; a child that was missing and is
 *    still unchanged stays missing;
 *  - new: kdbxweb's XML.
 * Values KeePassXC refuses (empty numbers and tri-states, which kdbxweb and
 * earlier versions of ssot wrote) are repaired wherever they come from.
 * Attachments are always written from the attachment pool (their references
 * are renumbered), and children (groups, entries, history items) are written
 * as the objects they now are, wherever they came from.
 *
 * Protected values travel as tokens and are encrypted for the new file's
 * inner stream in one pass at the end, in document order.
 */
import { DOMImplementation } from '@xmldom/xmldom';
import * as kdbxweb from '../kdbxweb.js';
import { sameContent } from './model.js';
import { docOriginOf, originOf, type Source } from './origin.js';
import { keyOf, piecesOf, repairForKeePassXC, semicolonTags, serialize, written, type Piece } from './pieces.js';
import { token, TOKENS, type XEl } from './parse.js';
import { must } from '../../../core/must.js';

interface Ctx {
  kdbx: kdbxweb.Kdbx;
  kctx: kdbxweb.KdbxContext;
  doc: Document;
  sources: Map<number, Source>;
  /** Values of new text (source 0). */
  fresh: (kdbxweb.ProtectedValue | undefined)[];
}

const NEW_SOURCE = 0;

/** Puts a piece's text into the output: its markers become tokens of source 0. */
function emitPiece(ctx: Ctx, p: Piece): string {
  const text = p.values.length ? p.text.replace(/\x02(\d+)\x02/g, (_, i: string) => token(NEW_SOURCE, ctx.fresh.push(p.values[Number(i)]) - 1)) : p.text;
  return semicolonTags(text);
}

function original(ctx: Ctx, src: Source, el: XEl): string {
  ctx.sources.set(src.id, src);
  return src.text.slice(el.start, el.end);
}

const gapBefore = (src: Source, prevEnd: number, el: XEl): string => {
  const g = src.text.slice(prevEnd, el.start);
  return /^\s*$/.test(g) ? g : '';
};

/** The indentation an object's element had where it was read ('' for a new one). */
function indentOf(obj: object): string | undefined {
  const o = originOf(obj);
  if (!o) return undefined;
  let i = o.el.start;
  while (i > 0 && /\s/.test(o.src.text.charAt(i - 1))) i--;
  return o.src.text.slice(i, o.el.start);
}

/** Writes a list of sibling objects, each on its own line as it was (a new one like its neighbours). */
function listOf<T extends object>(items: T[], emit: (x: T) => string): string {
  const fallback = items.map(indentOf).find((g) => g !== undefined) ?? '';
  return items.map((x) => (indentOf(x) ?? fallback) + emit(x)).join('');
}

interface Plan {
  src: Source | undefined;
  el: XEl | undefined;
  /** Whether the object's content is unchanged since it was read. */
  unchanged: boolean;
  fresh: Piece[];
  /** Comparable forms of the object as read, by key (undefined: unchanged). */
  before: Map<string, string> | undefined;
  /** Children the caller writes itself, by element name. */
  special: Record<string, (gap: string) => string>;
}

/** The children of one object, merged as the module comment says. */
function mergeChildren(ctx: Ctx, plan: Plan): string {
  const { src, el, fresh, before, special } = plan;
  const out: { name: string; text: string }[] = [];
  const used = new Set<string>();
  const freshBy = new Map(fresh.map((p) => [p.key, p]));
  const doneSpecial = new Set<string>();
  // An object read from a file and changed since has its form as read (planFor).
  const asRead = (): Map<string, string> => must(before, 'the form as read of a changed object');
  if (src && el) {
    let prevEnd = el.open;
    for (const kid of el.childNodes) {
      const gap = gapBefore(src, prevEnd, kid);
      prevEnd = kid.end;
      const writeSpecial = special[kid.tagName];
      if (writeSpecial) {
        if (!doneSpecial.has(kid.tagName)) out.push({ name: kid.tagName, text: writeSpecial(gap) });
        doneSpecial.add(kid.tagName);
        continue;
      }
      const text = src.text.slice(kid.start, kid.end);
      const key = keyOf(kid.tagName, text);
      const now = freshBy.get(key);
      if (plan.unchanged || !asRead().has(key)) {
        // Unchanged, or an element kdbxweb does not read: as it was.
        out.push({ name: kid.tagName, text: gap + original(ctx, src, kid) });
        if (now) used.add(key);
      } else if (now && !used.has(key)) {
        used.add(key);
        out.push({ name: kid.tagName, text: gap + (asRead().get(key) === now.cmp ? original(ctx, src, kid) : emitPiece(ctx, now)) });
      }
    }
  }
  for (const p of fresh) {
    if (used.has(p.key) || special[p.name]) continue;
    // Missing before and still what kdbxweb writes for "missing": stays missing.
    if (src && (plan.unchanged || asRead().get(p.key) === p.cmp)) continue;
    used.add(p.key);
    const at = out.map((o) => o.name).lastIndexOf(p.name);
    out.splice(at >= 0 ? at + 1 : out.length, 0, { name: p.name, text: emitPiece(ctx, p) });
  }
  for (const [name, writeSpecial] of Object.entries(special)) if (!doneSpecial.has(name)) out.push({ name, text: writeSpecial('') });
  return out.map((o) => o.text).join('');
}

/** The start tag, the merged children and the end tag of an element. */
function wrap(ctx: Ctx, name: string, src: Source | undefined, el: XEl | undefined, inner: string): string {
  if (!src || !el || el.close === el.open) return `<${name}>${inner}</${name}>`;
  ctx.sources.set(src.id, src);
  const tail = src.text.slice(el.childNodes.at(-1)?.end ?? el.open, el.close);
  return src.text.slice(el.start, el.open) + inner + (/^\s*$/.test(tail) ? tail : '') + src.text.slice(el.close, el.end);
}

function planFor(ctx: Ctx, obj: object, write: (o: object) => Element, special: Plan['special']): Plan {
  const o = originOf(obj);
  const unchanged = o !== undefined && sameContent(obj, o.pristine);
  const fresh = unchanged ? [] : piecesOf(write(obj));
  const before = o && !unchanged ? new Map(piecesOf(write(o.pristine)).map((p) => [p.key, p.cmp])) : undefined;
  return { src: o?.src, el: o?.el, unchanged, fresh, before, special };
}

function binaryText(ctx: Ctx, e: kdbxweb.KdbxEntry): string {
  let out = '';
  for (const [name, b] of e.binaries) {
    if (!kdbxweb.KdbxBinaries.isKdbxBinaryWithHash(b)) throw new Error(`attachment ${name} is not in the attachment pool`);
    const ref = ctx.kdbx.binaries.getRefByHash(b.hash);
    if (!ref) throw new Error(`attachment ${name} is missing from the attachment pool`);
    const key = name.replace(/[&<>]/g, (c) => (c === '&' ? '&amp;' : c === '<' ? '&lt;' : '&gt;'));
    out += `<Binary><Key>${key}</Key><Value Ref="${ref.ref}" /></Binary>`;
  }
  return out;
}

function emitEntry(ctx: Ctx, e: kdbxweb.KdbxEntry, inHistory: boolean): string {
  const write = (x: object): Element => written((p) => (x as kdbxweb.KdbxEntry).write(p, ctx.kctx), ctx.doc, 'History');
  const o = originOf(e);
  const special: Plan['special'] = { Binary: (gap) => gap + binaryText(ctx, e) };
  if (!inHistory) {
    special['History'] = (gap) => {
      const hEl = o?.el.childNodes.find((k) => k.tagName === 'History');
      const items = listOf(e.history, (h) => emitEntry(ctx, h, true));
      return gap + wrap(ctx, 'History', o && hEl ? o.src : undefined, hEl, items);
    };
  } else {
    special['History'] = () => '';
  }
  const plan = planFor(ctx, e, write, special);
  return wrap(ctx, 'Entry', plan.src, plan.el, mergeChildren(ctx, plan));
}

function emitGroup(ctx: Ctx, g: kdbxweb.KdbxGroup): string {
  const write = (x: object): Element => {
    const grp = x as kdbxweb.KdbxGroup;
    const { groups, entries } = grp;
    grp.groups = [];
    grp.entries = [];
    try {
      return written((p) => grp.write(p, ctx.kctx), ctx.doc, 'Group');
    } finally {
      grp.groups = groups;
      grp.entries = entries;
    }
  };
  const o = originOf(g);
  const entriesFirst = o?.el.childNodes.find((k) => k.tagName === 'Group' || k.tagName === 'Entry')?.tagName === 'Entry';
  // Each child brings its own indentation (listOf): the gap before the first original one is not repeated.
  const children = (): string => {
    const gs = listOf(g.groups, (c) => emitGroup(ctx, c));
    const es = listOf(g.entries, (e) => emitEntry(ctx, e, false));
    return entriesFirst ? es + gs : gs + es;
  };
  const plan = planFor(ctx, g, write, { Group: children, Entry: children });
  // Both names lead to one call: the first one met writes all children.
  return wrap(ctx, 'Group', plan.src, plan.el, mergeChildren(ctx, withSharedChildren(plan, children)));
}

/** Group and Entry children are written together, once, where the first of them was. */
function withSharedChildren(plan: Plan, children: (gap: string) => string): Plan {
  let done = false;
  const once = (gap: string): string => {
    if (done) return '';
    done = true;
    return children(gap);
  };
  return { ...plan, special: { Group: once, Entry: once } };
}

function emitMeta(ctx: Ctx, m: kdbxweb.KdbxMeta): string {
  const write = (x: object): Element => {
    const meta = x as kdbxweb.KdbxMeta;
    const generator = meta.generator;
    try {
      return written((p) => meta.write(p, ctx.kctx), ctx.doc, 'KeePassFile');
    } finally {
      meta.generator = generator;
    }
  };
  const o = originOf(m);
  const now = piecesOf(write(m));
  const freshText = (name: string) => (gap: string): string => {
    const p = now.find((x) => x.name === name);
    return p ? gap + emitPiece(ctx, p) : '';
  };
  const special: Plan['special'] = { HeaderHash: freshText('HeaderHash'), Binaries: freshText('Binaries') };
  // The writer that made the file stays named (kdbxweb would write "KdbxWeb").
  const gen = o?.el.childNodes.find((k) => k.tagName === 'Generator');
  if (o && gen) special['Generator'] = (gap) => gap + original(ctx, o.src, gen);
  const plan = planFor(ctx, m, write, special);
  return wrap(ctx, 'Meta', plan.src, plan.el, mergeChildren(ctx, plan));
}

function emitTombstones(ctx: Ctx, el: XEl | undefined, src: Source | undefined): string {
  const items = listOf(ctx.kdbx.deletedObjects, (d) => {
    const o = originOf(d);
    if (o && sameContent(d, o.pristine)) return original(ctx, o.src, o.el);
    return serialize(written((p) => d.write(p, ctx.kctx), ctx.doc, 'DeletedObjects'));
  });
  return wrap(ctx, 'DeletedObjects', src, el, items);
}

function emitRoot(ctx: Ctx, src: Source | undefined, el: XEl | undefined): string {
  const groups = (): string => listOf(ctx.kdbx.groups, (g) => emitGroup(ctx, g));
  const tomb = el?.childNodes.find((k) => k.tagName === 'DeletedObjects');
  const tombstones = (gap: string): string => gap + emitTombstones(ctx, tomb, tomb ? src : undefined);
  let done = false;
  const groupsOnce = (): string => (done ? '' : ((done = true), groups()));
  const plan: Plan = { src, el, unchanged: true, fresh: [], before: undefined, special: { Group: groupsOnce, DeletedObjects: tombstones } };
  return wrap(ctx, 'Root', src, el, mergeChildren(ctx, plan));
}

/**
 * The XML of a database, protected values encrypted with `salts` (the new
 * file's inner stream), in document order.
 */
export function buildXml(kdbx: kdbxweb.Kdbx, salts: { getSalt(len: number): ArrayBuffer }): string {
  const doc = new DOMImplementation().createDocument(null, 'KeePassFile', null);
  const ctx: Ctx = { kdbx, kctx: new kdbxweb.KdbxContext({ kdbx }), doc, sources: new Map(), fresh: [] };
  const d = docOriginOf(kdbx);
  const rootEl = d?.root;
  const src = d?.src;
  const plan: Plan = {
    src,
    el: rootEl,
    unchanged: true,
    fresh: [],
    before: undefined,
    special: {
      Meta: (gap) => gap + emitMeta(ctx, kdbx.meta),
      Root: (gap) => gap + emitRoot(ctx, src, rootEl?.childNodes.find((k) => k.tagName === 'Root')),
    },
  };
  const body = wrap(ctx, 'KeePassFile', src, rootEl, mergeChildren(ctx, plan));
  const prolog = src && rootEl ? src.text.slice(0, rootEl.start) : '<?xml version="1.0" encoding="utf-8" standalone="yes"?>';
  return encryptTokens(repairForKeePassXC(prolog + body), ctx, salts);
}

function encryptTokens(text: string, ctx: Ctx, salts: { getSalt(len: number): ArrayBuffer }): string {
  return text.replace(TOKENS, (_, s: string, n: string) => {
    const values = Number(s) === NEW_SOURCE ? ctx.fresh : ctx.sources.get(Number(s))?.values;
    // Never write a value as empty because its source went unregistered: that would lose it.
    if (!values) throw new Error(`protected value of unknown source ${s}`);
    const pv = values[Number(n)];
    if (!pv || pv.byteLength === 0) return '';
    pv.setSalt(salts.getSalt(pv.byteLength));
    return pv.toString();
  });
}

