import { escapeAttr, escapeText } from '../core/xml.js';

/**
 * The pieces storage XHTML is built from, on core/xml's escaper: Confluence
 * rejects a page body that is not well-formed XML ("Error parsing xhtml").
 */

export function attrs(a: Record<string, string | undefined>): string {
  let s = '';
  for (const [k, v] of Object.entries(a)) if (v !== undefined) s += ` ${k}="${escapeAttr(v)}"`;
  return s;
}

/** `<ac:parameter ac:name="x">value</ac:parameter>` */
function param(name: string, value: string): string {
  return `<ac:parameter ac:name="${escapeAttr(name)}">${escapeText(value)}</ac:parameter>`;
}

/** A structured macro; `body` is already-built XHTML for its inner part. */
export function macro(name: string, params: Record<string, string | undefined>, body = ''): string {
  let p = '';
  for (const [k, v] of Object.entries(params)) if (v !== undefined && v !== '') p += param(k, v);
  return `<ac:structured-macro ac:name="${escapeAttr(name)}" ac:schema-version="1">${p}${body}</ac:structured-macro>`;
}

/** An anchor macro: the target of `ac:link ac:anchor="…"`. */
export function anchor(name: string): string {
  return macro('anchor', { '': name });
}
