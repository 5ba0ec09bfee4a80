import type { Root as HastRoot, RootContent as HastContent } from 'hast';
import type { Root } from 'mdast';
import { Anchors, assignAnchors } from './anchors.js';
import { replaceEmoji } from './emoji.js';
import { markdownToHast } from './hast.js';
import { parseMarkdown, prepareTree } from './markdown.js';
import { Writer } from './storage/writer.js';
import type { ConvertOptions, ConvertResult, ImageTarget, LinkTarget, Problem } from './types.js';

/**
 * Markdown (CommonMark + GFM, raw HTML included) to Confluence storage XHTML,
 * in three steps: markdown to mdast (markdown.ts), mdast and raw HTML to one
 * HTML tree with every heading's anchor (hast.ts, anchors.ts), that tree to
 * storage XHTML (storage/). What a link or an image points at is decided by
 * the caller (links.ts), which knows the mapping and the files on disk.
 */

export { ALERT_MACROS } from './hast.js';
export { parseMarkdown, plainText } from './markdown.js';
export { codeLanguage } from './storage/structures.js';
export type { ConvertOptions, ConvertResult, ImageTarget, LinkTarget, Problem } from './types.js';

/** A doc as one HTML tree, with its anchors: what the writer needs, and what links from other docs are checked against. */
export interface DocTree {
  hast: HastRoot;
  anchors: Anchors;
  /** The anchor of the heading taken out as the title (written at the top of the page). */
  titleAnchor?: string;
  h1Title?: string;
}

export function toDocTree(tree: Root, source: string, opts: { titleFromH1?: boolean } = {}): DocTree {
  const prepared = prepareTree(tree, { titleFromH1: opts.titleFromH1 === true });
  const hast = markdownToHast(prepared.tree, source);
  dropFootnoteLabel(hast);
  emoji(hast);
  const { anchors, titleAnchor } = assignAnchors(hast, prepared.h1Title);
  return { hast, anchors, ...(titleAnchor !== undefined ? { titleAnchor } : {}), ...(prepared.h1Title !== undefined ? { h1Title: prepared.h1Title } : {}) };
}

export function writeStorage(doc: DocTree, opts: ConvertOptions = {}): { xhtml: string; problems: Problem[] } {
  const problems: Problem[] = [];
  const writer = new Writer({
    anchors: doc.anchors,
    resolveLink: opts.resolveLink ?? defaultLink,
    resolveImage: opts.resolveImage ?? defaultImage,
    warn: (line, message) => problems.push({ ...(line !== undefined ? { line } : {}), message, warning: true }),
    mermaid: opts.mermaid ?? 'code',
    mermaidMacro: opts.mermaidMacro ?? 'mermaid-cloud',
    ...(opts.spaceKey !== undefined ? { spaceKey: opts.spaceKey } : {}),
  });
  const xhtml = writer.page(doc.hast, doc.titleAnchor);
  problems.sort((a, b) => (a.line ?? 0) - (b.line ?? 0));
  return { xhtml, problems };
}

export function convertMarkdown(text: string, opts: ConvertOptions = {}): ConvertResult {
  return convertTree(parseMarkdown(text), opts, text);
}

export function convertTree(tree: Root, opts: ConvertOptions = {}, source = ''): ConvertResult {
  const doc = toDocTree(tree, source, { titleFromH1: opts.titleFromH1 === true });
  const { xhtml, problems } = writeStorage(doc, opts);
  return { xhtml, ...(doc.h1Title !== undefined ? { h1Title: doc.h1Title } : {}), problems };
}

/** Every `href` in the tree, with its line (links from markdown and from raw HTML alike). */
export function linksOf(tree: HastRoot): { href: string; line?: number }[] {
  const out: { href: string; line?: number }[] = [];
  const visit = (n: HastContent | HastRoot): void => {
    if (n.type === 'element' && n.tagName === 'a' && typeof n.properties['href'] === 'string') {
      const line = n.position?.start.line;
      out.push({ href: n.properties['href'], ...(line !== undefined ? { line } : {}) });
    }
    if ('children' in n) for (const c of n.children as HastContent[]) visit(c);
  };
  visit(tree);
  return out;
}

/** `:tada:` in text, markdown or raw HTML alike (GitHub's emoji filter), never in code. */
function emoji(node: HastRoot | HastContent): void {
  if (node.type === 'text') node.value = replaceEmoji(node.value);
  else if (node.type === 'element' && (node.tagName === 'code' || node.tagName === 'pre')) return;
  if ('children' in node) for (const c of node.children as HastContent[]) emoji(c);
}

/** GFM's "Footnotes" heading is for screen readers (GitHub hides it): not written. */
function dropFootnoteLabel(tree: HastRoot): void {
  for (const n of tree.children) {
    if (n.type !== 'element' || n.tagName !== 'section' || n.properties['dataFootnotes'] === undefined) continue;
    n.children = n.children.filter((c) => !(c.type === 'element' && c.properties['id'] === 'footnote-label'));
  }
}

function defaultLink(url: string): LinkTarget {
  return { kind: 'url', href: url };
}

function defaultImage(src: string): ImageTarget {
  return /^[a-z][a-z0-9+.-]*:/i.test(src) ? { kind: 'url', url: src } : { kind: 'attachment', filename: src.split('/').pop() ?? src };
}
