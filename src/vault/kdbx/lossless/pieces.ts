/**
 * kdbxweb's XML for one object, cut into its child elements ("pieces"),
 * each with a key (element name, plus the field or attachment name for
 * String and Binary) and a form to compare by. Protected values stay out of
 * the text as markers until the document is put together (emit.ts).
 */
import { XMLSerializer } from '@xmldom/xmldom';
import * as kdbxweb from '../kdbxweb.js';
import { must } from '../../../core/must.js';

export interface Piece {
  name: string;
  key: string;
  /** Serialized element; protected values as `\x02<n>\x02` markers into `values`. */
  text: string;
  /** The same with each marker replaced by its value: equal `cmp`, equal content. */
  cmp: string;
  values: kdbxweb.ProtectedValue[];
}

const serializer = new XMLSerializer();
const MARKER = /\x02(\d+)\x02/g;

const ENTITIES: Record<string, string> = { lt: '<', gt: '>', amp: '&', quot: '"', apos: "'" };
function unescapeXml(s: string): string {
  return s.replace(/&(lt|gt|amp|quot|apos|#\d+|#x[0-9a-fA-F]+);/g, (_, e: string) =>
    e.startsWith('#x') ? String.fromCodePoint(parseInt(e.slice(2), 16)) : e.startsWith('#') ? String.fromCodePoint(parseInt(e.slice(1), 10)) : must(ENTITIES[e], `the character of &${e};`),
  );
}

/** A child element's key: its name, and for String and Binary the name of the field or attachment. */
export function keyOf(name: string, text: string): string {
  if (name !== 'String' && name !== 'Binary') return name;
  const k = /<Key(?:\s[^>]*)?>([\s\S]*?)<\/Key>/.exec(text)?.[1];
  return `${name}:${k !== undefined ? unescapeXml(k) : ''}`;
}

/** Replaces each protected value under `node` by a marker, collecting the values. */
function markProtected(node: Element, values: kdbxweb.ProtectedValue[]): void {
  kdbxweb.XmlUtils.traverse(node, (n) => {
    const pv = n.protectedValue;
    if (pv && n.getAttribute('Protected')) {
      n.textContent = `\x02${values.length}\x02`;
      values.push(pv);
    }
  });
}

function comparable(text: string, values: kdbxweb.ProtectedValue[]): string {
  return text.replace(MARKER, (_, i: string) => `\x02${Buffer.from(must(values[Number(i)], `protected value ${i} of a piece`).getBinary()).toString('base64')}\x02`);
}

/** An element kdbxweb wrote that holds no protected value, as text. */
export function serialize(el: Element): string {
  return serializer.serializeToString(el);
}

/** The pieces of an element kdbxweb wrote. */
export function piecesOf(node: Element): Piece[] {
  const out: Piece[] = [];
  for (let c = node.firstChild; c; c = c.nextSibling) {
    if (c.nodeType !== 1) continue;
    const el = c as Element;
    const values: kdbxweb.ProtectedValue[] = [];
    markProtected(el, values);
    const text = serializer.serializeToString(el);
    out.push({ name: el.tagName, key: keyOf(el.tagName, text), text, cmp: values.length ? comparable(text, values) : text, values });
  }
  return out;
}

/** The element kdbxweb writes for an object, written into a scratch parent named `parentName`. */
export function written(write: (parent: Element) => void, doc: Document, parentName: string): Element {
  const parent = doc.createElement(parentName);
  write(parent);
  return parent.lastChild as Element;
}

/** Elements KeePassXC reads as numbers: an empty one is "Invalid number value" there. */
const NUMBERS = 'IconID|UsageCount|HistoryMaxItems|HistoryMaxSize|MaintenanceHistoryDays|MasterKeyChangeRec|MasterKeyChangeForce|DataTransferObfuscation';
const EMPTY_NUMBER = new RegExp(`<(${NUMBERS})\\s*/>|<(${NUMBERS})>\\s*</\\2>`, 'g');
const EMPTY_TRISTATE = /<(EnableAutoType|EnableSearching)(?:\s*\/>|>\s*<\/\1>)/g;

/**
 * Values KeePassXC refuses, made acceptable: an empty number element goes (the
 * reader's default applies), an empty EnableAutoType / EnableSearching says
 * "null" (inherit). kdbxweb writes both for values it has not got, and files
 * written by earlier versions of ssot hold them; run over a whole document.
 */
export function repairForKeePassXC(xml: string): string {
  return xml.replace(EMPTY_NUMBER, '').replace(EMPTY_TRISTATE, (_m, tag: string) => `<${tag}>null</${tag}>`);
}

/** Tags as KeePass writes them, separated by ";" (kdbxweb writes ", "): for new text. */
export function semicolonTags(text: string): string {
  return text.replace(/<Tags>([^<]*)<\/Tags>/g, (_m, t: string) => `<Tags>${t.split(/\s*[;,]\s*/).filter(Boolean).join(';')}</Tags>`);
}
