import { HttpError } from './google.js';

/**
 * Drive's partial responses: the `fields` selector (`id,name`,
 * `files(id,name)`, `a/b`), and the fields returned when it is absent.
 */

/** Fields Drive v3 returns when `fields` is not given. */
export const FILE_DEFAULT = ['kind', 'id', 'name', 'mimeType'];
export const REVISION_DEFAULT = ['kind', 'id', 'mimeType', 'modifiedTime'];

/** A parsed `fields` selector: name -> sub-selector (null: the whole value). */
type Selector = Map<string, Selector | null>;

const invalid = (text: string): HttpError => new HttpError(400, 'invalidParameter', `Invalid field selection ${text}`, { location: 'fields', locationType: 'parameter' });

function parseFields(text: string): Selector {
  let i = 0;
  const parseList = (): Selector => {
    const sel: Selector = new Map();
    for (;;) {
      while (text[i] === ' ') i++;
      let name = '';
      for (let c = text[i]; c !== undefined && /[A-Za-z0-9_*/]/.test(c); c = text[++i]) name += c;
      if (!name) throw invalid(text);
      let sub: Selector | null = null;
      if (text[i] === '(') {
        i++;
        sub = parseList();
        if (text[i] !== ')') throw invalid(text);
        i++;
      }
      // a/b is the same as a(b)
      const [head = '', ...rest] = name.split('/');
      if (rest.length > 0) sub = parseFields(rest.join('/') + (sub ? `(${[...sub.keys()].join(',')})` : ''));
      sel.set(head, sub);
      while (text[i] === ' ') i++;
      if (text[i] !== ',') return sel;
      i++;
    }
  };
  const sel = parseList();
  if (i !== text.length) throw invalid(text);
  return sel;
}

function applySelector(value: Record<string, unknown>, sel: Selector | null): Record<string, unknown> {
  if (!sel || sel.has('*')) return value;
  const out: Record<string, unknown> = {};
  for (const [k, sub] of sel) {
    if (!(k in value)) continue;
    const v = value[k];
    if (sub && Array.isArray(v)) out[k] = v.map((x: unknown) => (x && typeof x === 'object' ? applySelector(x as Record<string, unknown>, sub) : x));
    else if (sub && v && typeof v === 'object') out[k] = applySelector(v as Record<string, unknown>, sub);
    else out[k] = v;
  }
  return out;
}

export function pick(value: Record<string, unknown>, fields: string | undefined, defaults: string[]): Record<string, unknown> {
  if (fields === undefined) return applySelector(value, new Map(defaults.map((d) => [d, null])));
  return applySelector(value, parseFields(fields));
}

/** For list answers: without `fields`, the list's own keys plus the items' default fields. */
export function pickList(key: string, value: Record<string, unknown>, fields: string | undefined, itemDefaults: string[]): Record<string, unknown> {
  if (fields !== undefined) return applySelector(value, parseFields(fields));
  const sel: Selector = new Map(Object.keys(value).map((k) => [k, null]));
  sel.set(key, new Map(itemDefaults.map((d) => [d, null])));
  return applySelector(value, sel);
}
