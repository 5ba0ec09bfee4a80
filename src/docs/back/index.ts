import { slug } from 'github-slugger';
import type { Root, RootContent } from 'mdast';
import { gfmToMarkdown } from 'mdast-util-gfm';
import { toMarkdown } from 'mdast-util-to-markdown';
import { Blocks } from './blocks.js';
import type { BackContext } from './context.js';
import { anchorName, parseStorage, type XNode } from './parse.js';

/**
 * A page's storage XHTML back to markdown, for a page edited in Confluence:
 * what markdown can say is written as markdown, what it cannot as raw HTML
 * that renders to the same storage (an aligned paragraph, a sized image, a
 * table with merged cells), and a macro neither can hold (jira, status, toc)
 * as a `{=confluence}` block that `ssot docs push` writes back unchanged.
 * Rendering the result gives the storage it came from (the round-trip test).
 */

export type { BackContext } from './context.js';

export interface BackOptions {
  /** The page title, written as the first level-1 heading (the doc's title comes from it). */
  title?: string;
}

export function storageToMarkdown(xhtml: string, ctx: BackContext, opts: BackOptions = {}): string {
  let nodes: XNode[] = parseStorage(xhtml);
  // The anchor of the title heading, which the forward way writes at the top of the page.
  const first = nodes.find((n) => !(n.type === 'text' && n.value.trim() === ''));
  if (opts.title !== undefined && anchorName(first) === slug(opts.title) && first) nodes = nodes.filter((n) => n !== first);
  const b = new Blocks(ctx, opts.title);
  const { rest, definitions } = b.footnotes(nodes);
  const children: RootContent[] = [];
  if (opts.title !== undefined) children.push({ type: 'heading', depth: 1, children: [{ type: 'text', value: opts.title }] });
  children.push(...b.blocks(rest), ...definitions);
  const root: Root = { type: 'root', children };
  return toMarkdown(root, {
    extensions: [gfmToMarkdown()],
    bullet: '-',
    listItemIndent: 'one',
    rule: '-',
    emphasis: '*',
    strong: '*',
    fence: '`',
    fences: true,
    incrementListMarker: true,
  });
}
