import type { Element, ElementContent, Root as HastRoot, RootContent as HastContent } from 'hast';
import { raw } from 'hast-util-raw';
import type { Blockquote, Break, Code, PhrasingContent, Root, RootContent } from 'mdast';
import { toHast, type State } from 'mdast-util-to-hast';
import { VFile } from 'vfile';

/**
 * The markdown tree and the raw HTML in it become one HTML tree, the way
 * GitHub renders a README: mdast to hast, then every raw HTML fragment is
 * parsed by parse5 (hast-util-raw) together with the elements around it, so a
 * `<details>` opened in one block and closed three blocks later holds what is
 * between, and `<p align="center">` holds its images. What markdown says that
 * HTML cannot (a code block's language and info string, a GitHub alert) rides
 * through the HTML parser as nodes of ssot's own.
 */

/** A fenced or indented code block. */
export interface SsotCode {
  type: 'ssotCode';
  lang?: string;
  meta?: string;
  value: string;
  position?: Element['position'];
}

/** A GitHub alert (`> [!NOTE]`): its macro and its body. */
export interface SsotAlert {
  type: 'ssotAlert';
  kind: AlertKind;
  children: ElementContent[];
  position?: Element['position'];
}

declare module 'hast' {
  interface RootContentMap {
    ssotCode: SsotCode;
    ssotAlert: SsotAlert;
  }
  interface ElementContentMap {
    ssotCode: SsotCode;
    ssotAlert: SsotAlert;
  }
}

/** GitHub alert kind to macro: the mapping written down in docs/confluence-mapping.md. */
export const ALERT_MACROS = { NOTE: 'info', TIP: 'tip', IMPORTANT: 'note', WARNING: 'note', CAUTION: 'warning' } as const;
type AlertKind = keyof typeof ALERT_MACROS;

export function markdownToHast(tree: Root, source: string): HastRoot {
  const h = toHast(tree, {
    allowDangerousHtml: true,
    // Footnote ids as `fn-1` / `fnref-1` (no `user-content-` prefix: Confluence has no clobbering to avoid).
    clobberPrefix: '',
    handlers: { code: codeHandler, blockquote: blockquoteHandler, break: breakHandler },
  }) as HastRoot;
  return raw(h, { passThrough: ['ssotCode', 'ssotAlert'], file: new VFile({ value: source }) }) as HastRoot;
}

/** A hard break is `<br>` alone (the newline mdast-util-to-hast adds after it would be written into the page). */
function breakHandler(state: State, node: Break): Element {
  const result: Element = { type: 'element', tagName: 'br', properties: {}, children: [] };
  state.patch(node, result);
  return result;
}

function codeHandler(state: State, node: Code): SsotCode {
  const out: SsotCode = { type: 'ssotCode', value: node.value, ...(node.lang ? { lang: node.lang } : {}), ...(node.meta ? { meta: node.meta } : {}) };
  state.patch(node, out);
  return out;
}

function blockquoteHandler(state: State, node: Blockquote): Element | SsotAlert {
  const alert = detectAlert(node);
  if (alert) {
    const out: SsotAlert = { type: 'ssotAlert', kind: alert.kind, children: state.wrap(state.all({ ...node, children: alert.children as Blockquote['children'] }), true) };
    state.patch(node, out);
    return out;
  }
  const result: Element = { type: 'element', tagName: 'blockquote', properties: {}, children: state.wrap(state.all(node), true) };
  state.patch(node, result);
  return state.applyData(node, result);
}

/** `> [!NOTE]` as the first line of a block quote (GitHub's syntax; the marker alone on its line). */
function detectAlert(node: Blockquote): { kind: AlertKind; children: RootContent[] } | undefined {
  const first = node.children[0];
  if (first?.type !== 'paragraph') return undefined;
  const head = first.children[0];
  if (head?.type !== 'text') return undefined;
  const m = /^\[!(NOTE|TIP|IMPORTANT|WARNING|CAUTION)\][ \t]*(?:\r?\n|$)/i.exec(head.value);
  if (!m) return undefined;
  const rest = head.value.slice(m[0].length);
  const restChildren: PhrasingContent[] = rest ? [{ ...head, value: rest }, ...first.children.slice(1)] : first.children.slice(1);
  // A hard break right after the marker would leave an empty first line.
  while (restChildren[0]?.type === 'break') restChildren.shift();
  const children: RootContent[] = restChildren.length > 0 ? [{ ...first, children: restChildren }, ...node.children.slice(1)] : node.children.slice(1);
  return { kind: (m[1] ?? '').toUpperCase() as AlertKind, children };
}

/** The text a reader sees in an element (GitHub makes heading anchors from it). */
export function textContent(node: HastContent | HastRoot): string {
  if (node.type === 'text') return node.value;
  if (node.type === 'ssotCode') return node.value;
  if ('children' in node) return (node.children as HastContent[]).map(textContent).join('');
  return '';
}
