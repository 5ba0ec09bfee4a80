import type { BlockContent, List, ListItem, PhrasingContent, RootContent } from 'mdast';

/**
 * A small, deterministic mdast -> Atlassian Document Format mapper. Only the
 * nodes a session note's bullets use are emitted (doc, paragraph, text,
 * hardBreak, bulletList, orderedList, listItem, codeBlock, blockquote, rule;
 * marks strong, em, code, strike, link): the output must be valid against
 * the published ADF JSON schema and identical on every run, so that comparing
 * it with what Jira holds says whether an update is needed.
 */

export interface AdfMark {
  type: 'strong' | 'em' | 'code' | 'strike' | 'link';
  attrs?: { href: string };
}
export interface AdfText {
  type: 'text';
  text: string;
  marks?: AdfMark[];
}
export interface AdfNode {
  type: string;
  attrs?: Record<string, unknown>;
  content?: (AdfNode | AdfText)[];
  text?: string;
  marks?: AdfMark[];
}
export interface AdfDoc {
  type: 'doc';
  version: 1;
  content: AdfNode[];
}

export function doc(content: AdfNode[]): AdfDoc {
  return { type: 'doc', version: 1, content };
}

export function paragraph(text: string): AdfNode {
  return text ? { type: 'paragraph', content: [{ type: 'text', text }] } : { type: 'paragraph', content: [] };
}

/** Inline mdast nodes to ADF inline nodes; empty text is dropped (the schema refuses it). */
export function inlines(nodes: readonly PhrasingContent[], marks: AdfMark[] = []): (AdfNode | AdfText)[] {
  const out: (AdfNode | AdfText)[] = [];
  const push = (text: string, m: AdfMark[]): void => {
    if (!text) return;
    const prev = out[out.length - 1];
    // Adjacent texts with the same marks merge: the result does not depend on how the parser split them.
    if (prev && prev.type === 'text' && sameMarks(prev.marks, m)) {
      prev.text = (prev.text ?? '') + text;
      return;
    }
    out.push(m.length ? { type: 'text', text, marks: m } : { type: 'text', text });
  };
  for (const n of nodes) {
    switch (n.type) {
      case 'text':
        push(n.value.replace(/\n/g, ' '), marks);
        break;
      case 'strong':
        out.push(...inlines(n.children, addMark(marks, { type: 'strong' })));
        break;
      case 'emphasis':
        out.push(...inlines(n.children, addMark(marks, { type: 'em' })));
        break;
      case 'delete':
        out.push(...inlines(n.children, addMark(marks, { type: 'strike' })));
        break;
      case 'inlineCode':
        // The schema allows `code` only with `link` beside it.
        push(n.value, [...marks.filter((m) => m.type === 'link'), { type: 'code' }]);
        break;
      case 'link':
        out.push(...inlines(n.children, addMark(marks, { type: 'link', attrs: { href: n.url } })));
        break;
      case 'break':
        out.push({ type: 'hardBreak' });
        break;
      case 'html':
        if (!/^<!--/.test(n.value)) push(n.value, marks);
        break;
      case 'image':
        push(n.alt ?? n.url, marks);
        break;
      default:
        if ('value' in n && typeof n.value === 'string') push(n.value, marks);
        else if ('children' in n) out.push(...inlines(n.children, marks));
    }
  }
  return mergeTexts(out);
}

function mergeTexts(nodes: (AdfNode | AdfText)[]): (AdfNode | AdfText)[] {
  const out: (AdfNode | AdfText)[] = [];
  for (const n of nodes) {
    const prev = out[out.length - 1];
    if (prev && prev.type === 'text' && n.type === 'text' && sameMarks(prev.marks, n.marks)) prev.text = (prev.text ?? '') + (n.text ?? '');
    else out.push({ ...n });
  }
  // Trim the paragraph's ends: whitespace left by a removed marker is not content.
  const first = out[0];
  if (first?.type === 'text') first.text = (first.text ?? '').replace(/^\s+/, '');
  const last = out[out.length - 1];
  if (last?.type === 'text') last.text = (last.text ?? '').replace(/\s+$/, '');
  return out.filter((n) => n.type !== 'text' || (n.text ?? '') !== '');
}

function addMark(marks: AdfMark[], m: AdfMark): AdfMark[] {
  if (marks.some((x) => x.type === m.type)) return marks;
  if (marks.some((x) => x.type === 'code')) return marks;
  return [...marks, m];
}

function sameMarks(a: AdfMark[] | undefined, b: AdfMark[] | undefined): boolean {
  return JSON.stringify(a ?? []) === JSON.stringify(b ?? []);
}

/** Block mdast nodes to ADF blocks. */
export function blocks(nodes: readonly RootContent[]): AdfNode[] {
  const out: AdfNode[] = [];
  for (const n of nodes) {
    const b = block(n);
    if (b) out.push(b);
  }
  return out;
}

function block(n: RootContent): AdfNode | undefined {
  switch (n.type) {
    case 'paragraph': {
      const content = inlines(n.children);
      return content.length ? { type: 'paragraph', content } : undefined;
    }
    case 'heading': {
      const content = inlines(n.children, [{ type: 'strong' }]);
      return content.length ? { type: 'paragraph', content } : undefined;
    }
    case 'list':
      return list(n);
    case 'code':
      return {
        type: 'codeBlock',
        ...(n.lang ? { attrs: { language: n.lang } } : {}),
        content: n.value ? [{ type: 'text', text: n.value }] : [],
      };
    case 'blockquote': {
      const inner = blocks(n.children).filter((b) => ['paragraph', 'bulletList', 'orderedList', 'codeBlock'].includes(b.type));
      return inner.length ? { type: 'blockquote', content: inner } : undefined;
    }
    case 'thematicBreak':
      return { type: 'rule' };
    case 'table': {
      // Tables become one paragraph per row: rare in notes, and always valid.
      const rows = n.children.map((r) => r.children.map((c) => plain(c.children)).join(' | '));
      return rows.length ? { type: 'paragraph', content: [{ type: 'text', text: rows.join(' / ') }] } : undefined;
    }
    default:
      return undefined;
  }
}

export function list(n: List): AdfNode | undefined {
  const items = n.children.map(listItem).filter((x): x is AdfNode => x !== undefined);
  if (!items.length) return undefined;
  return n.ordered
    ? { type: 'orderedList', ...(n.start && n.start !== 1 ? { attrs: { order: n.start } } : {}), content: items }
    : { type: 'bulletList', content: items };
}

function listItem(li: ListItem): AdfNode | undefined {
  const content: AdfNode[] = [];
  for (const child of li.children as BlockContent[]) {
    const b = block(child);
    if (!b) continue;
    if (b.type === 'blockquote' || b.type === 'rule') continue;
    content.push(b);
  }
  if (li.checked === true || li.checked === false) {
    const mark = li.checked ? '[x] ' : '[ ] ';
    const first = content[0];
    if (first?.type === 'paragraph') first.content = [{ type: 'text', text: mark }, ...(first.content ?? [])];
    else content.unshift(paragraph(mark.trim()));
  }
  const [head] = content;
  if (!head) return undefined;
  // A list item starts with a paragraph in the schema Jira renders best.
  if (head.type !== 'paragraph') content.unshift({ type: 'paragraph', content: [] });
  return { type: 'listItem', content };
}

export function plain(nodes: readonly PhrasingContent[]): string {
  return nodes
    .map((n) => {
      if ('value' in n && typeof n.value === 'string') return n.value;
      if ('children' in n) return plain(n.children);
      return '';
    })
    .join('');
}

/**
 * The text of an ADF document, one line per block and list item: what two
 * descriptions are compared by (Jira may add attributes such as localId to
 * what it stores, never change the text).
 */
export function adfText(node: unknown): string {
  const lines: string[] = [];
  const walk = (n: unknown, depth: number): void => {
    if (!n || typeof n !== 'object') return;
    const o = n as { type?: string; text?: string; content?: unknown[] };
    if (o.type === 'paragraph' || o.type === 'heading' || o.type === 'codeBlock') {
      lines.push('  '.repeat(depth) + inlineText(o));
      return;
    }
    if (o.type === 'rule') {
      lines.push('---');
      return;
    }
    const nextDepth = o.type === 'bulletList' || o.type === 'orderedList' ? depth + 1 : depth;
    for (const c of o.content ?? []) walk(c, nextDepth);
  };
  walk(node, 0);
  return lines
    .map((l) => l.replace(/\s+/g, ' ').trim())
    .filter((l) => l !== '')
    .join('\n');
}

function inlineText(n: { text?: string; type?: string; content?: unknown[] }): string {
  if (n.type === 'text') return n.text ?? '';
  if (n.type === 'hardBreak') return ' ';
  return (n.content ?? []).map((c) => inlineText(c as { text?: string; type?: string; content?: unknown[] })).join('');
}
