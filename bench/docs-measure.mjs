// What a reader sees, measured on both sides: the storage XHTML ssot writes,
// and the HTML an independent renderer (markdown-it, or a peer's expected
// output) gives for the same markdown. Used by the corpus test in CI
// (test/docs/corpora.test.ts) and by `npm run bench -- --only docs-readmes`.
import { XMLParser, XMLValidator } from 'fast-xml-parser';
import MarkdownIt from 'markdown-it';
import { parse as parseHtml } from 'parse5';

const NS = 'xmlns:ac="http://atlassian.com/content" xmlns:ri="http://atlassian.com/resource/identifier" xmlns:at="http://atlassian.com/template"';
const xml = new XMLParser({ preserveOrder: true, ignoreAttributes: false, attributeNamePrefix: '', trimValues: false, parseTagValue: false, processEntities: true, htmlEntities: true, cdataPropName: '#cdata' });

/** True, or what is wrong with the XML. */
export function wellFormed(xhtml) {
  const r = XMLValidator.validate(`<root ${NS}>${xhtml}</root>`);
  return r === true ? true : `${r.err.msg} (line ${r.err.line})`;
}

const TAG = /<\/?[A-Za-z][A-Za-z0-9-]*(?:\s[^<>]*)?\/?>/g;

/** Storage XHTML: its visible text (code apart), its anchors, and the same-page links to anchors. */
export function readStorage(xhtml) {
  const out = { text: [], code: [], anchors: new Set(), anchorLinks: [] };
  walkXml(xml.parse(`<root ${NS}>${xhtml}</root>`), out, false);
  return { text: out.text.join(' '), code: out.code.join(' '), anchors: out.anchors, anchorLinks: out.anchorLinks };
}

function walkXml(items, out, inCode) {
  for (const item of items) {
    if ('#text' in item) (inCode ? out.code : out.text).push(String(item['#text']));
    else if ('#cdata' in item) walkXml(item['#cdata'], out, inCode);
    else {
      const name = Object.keys(item).find((k) => k !== ':@');
      const attrs = item[':@'] ?? {};
      const kids = item[name] ?? [];
      if (name === 'ac:structured-macro' && attrs['ac:name'] === 'anchor') {
        out.anchors.add(paramText(kids));
        continue;
      }
      if (name === 'ac:parameter' && !(attrs['ac:name'] === 'title')) continue;
      if (name === 'ac:link' && attrs['ac:anchor'] !== undefined && !kids.some((k) => Object.keys(k).some((n) => n.startsWith('ri:')))) out.anchorLinks.push(attrs['ac:anchor']);
      const code = inCode || name === 'code' || name === 'ac:plain-text-body' || name === 'pre';
      walkXml(kids, out, code);
    }
  }
}

function paramText(kids) {
  for (const k of kids) if ('ac:parameter' in k) return k['ac:parameter'].map((t) => t['#text'] ?? '').join('');
  return '';
}

const DROP = new Set(['script', 'style', 'template', 'head', 'title', 'svg', 'noscript']);

/** HTML (markdown-it's, or a peer's): its visible text, code apart. */
export function readHtml(html) {
  const out = { text: [], code: [] };
  walkHtml(parseHtml(`<!doctype html><body>${html}</body>`), out, false);
  return { text: out.text.join(' '), code: out.code.join(' ') };
}

function walkHtml(node, out, inCode) {
  for (const c of node.childNodes ?? []) {
    if (c.nodeName === '#text') (inCode ? out.code : out.text).push(c.value);
    else if (c.nodeName === '#comment' || DROP.has(c.nodeName)) continue;
    else walkHtml(c.nodeName === 'template' ? c.content : c, out, inCode || c.nodeName === 'code' || c.nodeName === 'pre');
  }
}

const md = new MarkdownIt({ html: true, linkify: true });

/** markdown-it (CommonMark, raw HTML on, GFM autolinks) on the markdown without its front matter. */
export function renderIndependently(markdown) {
  return md.render(markdown.replace(/^---\r?\n[\s\S]*?\r?\n---\r?\n/, ''));
}

/** Words, lower-cased (letters and digits of any script). */
export function words(text) {
  return (text.toLowerCase().match(/[\p{L}\p{N}]+/gu) ?? []);
}

/** The share of `theirs` words (counted with repeats) that `ours` holds too. */
export function wordCoverage(ours, theirs) {
  const have = new Map();
  for (const w of words(ours)) have.set(w, (have.get(w) ?? 0) + 1);
  let total = 0;
  let found = 0;
  const missing = [];
  for (const w of words(theirs)) {
    total++;
    const n = have.get(w) ?? 0;
    if (n > 0) {
      found++;
      have.set(w, n - 1);
    } else missing.push(w);
  }
  return { total, found, share: total === 0 ? 1 : found / total, missing };
}

/** Tag-like strings in visible text (outside code). */
export function tagsAsText(text) {
  return text.match(TAG) ?? [];
}

/** Tags shown as text by ssot that the independent renderer does not show as text either. */
export function extraTagsAsText(oursText, theirsText) {
  const theirs = new Map();
  for (const t of tagsAsText(theirsText)) theirs.set(t, (theirs.get(t) ?? 0) + 1);
  const extra = [];
  for (const t of tagsAsText(oursText)) {
    const n = theirs.get(t) ?? 0;
    if (n > 0) theirs.set(t, n - 1);
    else extra.push(t);
  }
  return extra;
}

/** Same-page links whose anchor is not on the page. */
export function brokenAnchors(storage) {
  return storage.anchorLinks.filter((a) => !storage.anchors.has(a));
}
