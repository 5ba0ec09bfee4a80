import type { Heading, Nodes, Root, RootContent } from 'mdast';
import remarkGfm from 'remark-gfm';
import remarkParse from 'remark-parse';
import { unified } from 'unified';
import { replaceEmoji } from './emoji.js';

/**
 * Markdown (CommonMark + GFM) to an mdast tree, and the few rewrites made on
 * that tree before it becomes HTML: `{#id}` heading ids, and the first
 * level-1 heading taken out as the page title.
 */

export function parseMarkdown(text: string): Root {
  return unified().use(remarkParse).use(remarkGfm).parse(text);
}

/** Plain text of a node (titles, link texts); raw HTML contributes nothing. */
export function plainText(node: Nodes): string {
  if (node.type === 'html') return '';
  if (node.type === 'text') return replaceEmoji(node.value);
  if ('value' in node && typeof node.value === 'string') return node.value;
  if ('children' in node) return (node.children as Nodes[]).map(plainText).join('');
  if (node.type === 'image' || node.type === 'imageReference') return node.alt ?? '';
  return '';
}

export interface Prepared {
  /** The markdown without the title heading (when taken). */
  tree: Root;
  /** Text of the first level-1 heading, when it was taken as the title. */
  h1Title?: string;
}

/**
 * `## Heading {#custom-id}`: the id is the anchor, the braces are not shown
 * (kramdown, pandoc, mark); also an attribute list holding an id, as MkDocs
 * writes it (`{ #custom-id }`, `{: #id .class }`).
 */
const CUSTOM_ID = /[ \t]*\{:?[ \t]*#([^\s{}]+)(?:[ \t]+[^{}]*)?\}[ \t]*$/;

export function prepareTree(root: Root, opts: { titleFromH1?: boolean }): Prepared {
  walk(root);
  if (!opts.titleFromH1) return { tree: root };
  const i = root.children.findIndex((n) => n.type === 'heading' && n.depth === 1);
  const h1 = root.children[i];
  if (!h1) return { tree: root };
  const h1Title = plainText(h1).trim();
  const children: RootContent[] = [...root.children.slice(0, i), ...root.children.slice(i + 1)];
  return { tree: { ...root, children }, h1Title };
}

function walk(node: Nodes): void {
  if (node.type === 'heading') customId(node);
  if ('children' in node) for (const c of node.children as Nodes[]) walk(c);
}

function customId(h: Heading): void {
  const last = h.children[h.children.length - 1];
  if (last?.type !== 'text') return;
  const m = CUSTOM_ID.exec(last.value);
  if (!m) return;
  last.value = last.value.slice(0, m.index);
  if (last.value === '') h.children.pop();
  h.data = { ...h.data, hProperties: { ...h.data?.hProperties, id: m[1] ?? '' } };
}
