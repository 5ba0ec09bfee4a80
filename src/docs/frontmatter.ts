import matter from 'gray-matter';
import { LineCounter, parseDocument } from 'yaml';
import type { Problem } from './types.js';

/** What ssot reads from a doc's front matter; other keys belong to other tools and are ignored. */
export interface FrontMatter {
  title?: string;
  parent?: string;
  labels: string[];
  /** `confluence: false` keeps a doc off Confluence. */
  publish: boolean;
  /** Line of each key in the file, for messages. */
  lines: Record<string, number>;
}

export interface SplitDoc {
  fm: FrontMatter;
  /** The markdown with the front matter blanked out, so line numbers stay those of the file. */
  body: string;
  problems: Problem[];
}

const LABEL = /^[^\s:;,!?&()[\]<>#@*|~^$%'"{}/\\]+$/;

export function splitFrontMatter(text: string): SplitDoc {
  const problems: Problem[] = [];
  const fm: FrontMatter = { labels: [], publish: true, lines: {} };
  // Line 1 is the opening `---`; the YAML starts on line 2.
  const yamlStartLine = 2;
  let parsed: Record<string, unknown> = {};
  let content = text;
  try {
    const file = matter(text, {
      engines: {
        yaml: (src: string): object => {
          const lines = new LineCounter();
          const doc = parseDocument(src, { lineCounter: lines, prettyErrors: false });
          if (doc.errors.length > 0) {
            const e = doc.errors[0]!;
            const pos = lines.linePos(e.pos[0]);
            throw new FrontMatterError(e.message.split('\n')[0]!, pos.line - 1 + yamlStartLine - (src.startsWith('\n') ? 1 : 0), pos.col);
          }
          const value: unknown = doc.toJS() ?? {};
          if (typeof value !== 'object' || Array.isArray(value)) throw new FrontMatterError('front matter must be a mapping of keys to values', yamlStartLine, 1);
          for (const item of (doc.contents as { items?: { key?: { value?: unknown; range?: [number] } }[] } | null)?.items ?? []) {
            const k = item.key?.value;
            if (typeof k === 'string' && item.key?.range) fm.lines[k] = lines.linePos(item.key.range[0]).line - 1 + yamlStartLine - (src.startsWith('\n') ? 1 : 0);
          }
          return value as object;
        },
      },
    });
    parsed = file.data as Record<string, unknown>;
    content = file.content;
  } catch (e) {
    if (e instanceof FrontMatterError) problems.push({ line: e.line, column: e.column, message: `invalid front matter: ${e.message}` });
    else problems.push({ line: 1, message: `invalid front matter: ${(e as Error).message.split('\n')[0]}` });
    return { fm, body: '', problems };
  }
  const blank = text.split('\n').length - content.split('\n').length;
  const body = '\n'.repeat(Math.max(0, blank)) + content;

  const at = (k: string): number => fm.lines[k] ?? 1;
  const t = parsed['title'];
  if (t !== undefined && t !== null) {
    if (typeof t === 'string' || typeof t === 'number') {
      const s = String(t).trim();
      if (s) fm.title = s;
      else problems.push({ line: at('title'), message: 'front matter "title" is empty' });
    } else problems.push({ line: at('title'), message: 'front matter "title" must be text' });
  }
  const p = parsed['parent'];
  if (p !== undefined && p !== null) {
    if (typeof p === 'string' || typeof p === 'number') fm.parent = String(p).trim();
    else problems.push({ line: at('parent'), message: 'front matter "parent" must be a doc path or a page id' });
  }
  const l = parsed['labels'] ?? parsed['tags'];
  const lk = parsed['labels'] !== undefined ? 'labels' : 'tags';
  if (l !== undefined && l !== null) {
    const list = typeof l === 'string' ? l.split(',') : Array.isArray(l) ? l : undefined;
    if (!list) problems.push({ line: at(lk), message: `front matter "${lk}" must be a list` });
    else
      for (const raw of list) {
        const label = String(raw).trim().toLowerCase();
        if (!label) continue;
        if (!LABEL.test(label) || label.length > 255) problems.push({ line: at(lk), message: `label "${String(raw)}" has characters Confluence does not allow in a label (spaces, punctuation)` });
        else if (!fm.labels.includes(label)) fm.labels.push(label);
      }
  }
  const c = parsed['confluence'];
  if (c !== undefined && c !== null) {
    if (typeof c === 'boolean') fm.publish = c;
    else problems.push({ line: at('confluence'), message: 'front matter "confluence" must be true or false' });
  }
  return { fm, body, problems };
}

class FrontMatterError extends Error {
  readonly line: number;
  readonly column: number;
  constructor(message: string, line: number, column: number) {
    super(message);
    this.line = line;
    this.column = column;
  }
}
