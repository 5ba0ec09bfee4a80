import matter from 'gray-matter';
import { LineCounter, parseDocument } from 'yaml';

/**
 * The one reader of a markdown file's front matter (docs and session notes):
 * gray-matter finds the block, the yaml package parses it (for the line of
 * each key and of a syntax error). Line numbers are the file's: the YAML text
 * gray-matter hands over starts on line 1, right after the opening `---`.
 */

export interface FrontMatter {
  /** The keys and their values; empty when the file has no front matter. */
  data: Record<string, unknown>;
  /** The line of each top-level key in the file. */
  lines: Record<string, number>;
  /** The text with the front matter blanked out (its lines left empty), so that lines of the body are lines of the file. */
  body: string;
}

/** The front matter is not YAML (`syntax`), or is YAML but not keys and values (`not-a-mapping`). */
export class FrontMatterError extends Error {
  readonly line: number;
  readonly column: number;
  readonly kind: 'syntax' | 'not-a-mapping' | 'other';
  constructor(message: string, line: number, column: number, kind: FrontMatterError['kind']) {
    super(message);
    this.line = line;
    this.column = column;
    this.kind = kind;
  }
}

type Items = { items?: { key?: { value?: unknown; range?: [number] } }[] } | null;

/** The front matter of `text`; throws FrontMatterError. */
export function parseFrontMatter(text: string): FrontMatter {
  const lines: Record<string, number> = {};
  const engine = (raw: string): object => {
    // A file saved with CRLF line ends: the YAML would keep the "\r" of its last value ("false\r").
    const src = raw.replace(/\r\n/g, '\n').replace(/\r$/, '');
    const counter = new LineCounter();
    const doc = parseDocument(src, { lineCounter: counter, prettyErrors: false });
    const [e] = doc.errors;
    if (e) {
      const at = counter.linePos(e.pos[0]);
      throw new FrontMatterError(firstLine(e.message), at.line, at.col, 'syntax');
    }
    const value: unknown = doc.toJS() ?? {};
    if (typeof value !== 'object' || Array.isArray(value)) throw new FrontMatterError('not a mapping of keys to values', 2, 1, 'not-a-mapping');
    for (const item of (doc.contents as Items)?.items ?? []) {
      const k = item.key?.value;
      if (typeof k === 'string' && item.key?.range) lines[k] = counter.linePos(item.key.range[0]).line;
    }
    return value as object;
  };
  let file: matter.GrayMatterFile<string>;
  try {
    // An options object (not undefined) also keeps gray-matter from caching by content.
    file = matter(text, { engines: { yaml: engine } });
  } catch (e) {
    if (e instanceof FrontMatterError) throw e;
    throw new FrontMatterError(firstLine((e as Error).message), 1, 1, 'other');
  }
  const blank = text.split('\n').length - file.content.split('\n').length;
  return { data: file.data, lines, body: '\n'.repeat(Math.max(0, blank)) + file.content };
}

/** A front matter block as it is written, in three parts that make the block: `---` line, YAML text, closing `---` line. */
export interface FrontMatterBlock {
  open: string;
  yaml: string;
  close: string;
}

/**
 * The block of `text` as written (line ends and all, the YAML not parsed),
 * for a tool that rewrites the rest of a doc and keeps its front matter;
 * undefined when there is none or it is never closed.
 */
export function frontMatterBlock(text: string): FrontMatterBlock | undefined {
  let content: string;
  try {
    content = matter(text, { engines: { yaml: () => ({}) } }).content;
  } catch {
    return undefined; // a language gray-matter has no engine for
  }
  const block = text.slice(0, text.length - content.length);
  const end = block.lastIndexOf('\n---'); // the closing line: nothing but its own line end follows it in the block
  if (!/^\uFEFF?---/.test(block) || end < 0) return undefined;
  const nl = block.indexOf('\n');
  const eol = text.indexOf('\n', end + 1); // gray-matter leaves spaces after the closing `---` to the body
  return { open: text.slice(0, nl + 1), yaml: text.slice(nl + 1, end + 1), close: text.slice(end + 1, eol < 0 ? text.length : eol + 1) };
}

function firstLine(message: string): string {
  return message.replace(/\n[\s\S]*/, '');
}
