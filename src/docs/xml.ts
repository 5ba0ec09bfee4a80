/**
 * The few primitives every piece of storage XHTML is built from. Confluence
 * rejects a page body that is not well-formed XML ("Error parsing xhtml"), so
 * text and attribute values go through these and nowhere else.
 */

/** Characters XML 1.0 does not allow at all (not even as references). */
// eslint-disable-next-line no-control-regex
const ILLEGAL = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\uFFFE\uFFFF]/g;

export function escapeText(s: string): string {
  return s.replace(ILLEGAL, '').replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

export function escapeAttr(s: string): string {
  return escapeText(s).replace(/"/g, '&quot;');
}

/** A CDATA section that survives `]]>` inside the text (split across two sections). */
export function cdata(s: string): string {
  return `<![CDATA[${s.replace(ILLEGAL, '').split(']]>').join(']]]]><![CDATA[>')}]]>`;
}

export function attrs(a: Record<string, string | undefined>): string {
  let s = '';
  for (const [k, v] of Object.entries(a)) if (v !== undefined) s += ` ${k}="${escapeAttr(v)}"`;
  return s;
}

/** `<ac:parameter ac:name="x">value</ac:parameter>` */
export function param(name: string, value: string): string {
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
