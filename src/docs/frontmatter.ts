import { FrontMatterError, parseFrontMatter } from '../core/frontmatter.js';
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
  let read;
  try {
    read = parseFrontMatter(text);
  } catch (e) {
    if (!(e instanceof FrontMatterError)) throw e;
    const message = e.kind === 'not-a-mapping' ? 'front matter must be a mapping of keys to values' : e.message;
    problems.push({ line: e.line, ...(e.kind === 'other' ? {} : { column: e.column }), message: `invalid front matter: ${message}` });
    return { fm, body: '', problems };
  }
  const { data: parsed, body } = read;
  fm.lines = read.lines;

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
