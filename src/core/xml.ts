/**
 * The one XML escaper: Confluence storage XHTML (docs), the markdown HTML
 * written back from it, and the launchd plist (watch). Confluence rejects a
 * body that is not well-formed ("Error parsing xhtml") and launchd a plist, so
 * text and attribute values go through these and nowhere else.
 */

/** Characters XML 1.0 does not allow at all (not even as references): dropped. */
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
