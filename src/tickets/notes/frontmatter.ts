import matter from 'gray-matter';
import { LineCounter, parseDocument } from 'yaml';
import { NoteStatus, type NoteProblem } from './types.js';

/**
 * A note's front matter, read by gray-matter (with the yaml package as its
 * engine, for the line of each key): `tickets:` (ready, draft, off) and
 * `project:`. The body comes back with the front matter blanked out, so that
 * positions in the markdown are lines of the file.
 */

export interface NoteFrontMatter {
  status: NoteStatus;
  project?: string;
  projectLine?: number;
  body: string;
  problems: Omit<NoteProblem, 'file'>[];
}

class YamlError extends Error {
  readonly line: number;
  constructor(message: string, line: number) {
    super(message);
    this.line = line;
  }
}

interface Split {
  data: Record<string, unknown>;
  lines: Record<string, number>;
  body: string;
}

function split(crlf: string): Split {
  // A note saved with CRLF line ends: the YAML would keep the "\r" in its last value ("ready\r").
  const text = crlf.replace(/\r\n/g, '\n');
  const lines: Record<string, number> = {};
  // Line 1 is the opening `---`; the YAML starts on line 2.
  const engine = (src: string): object => {
    const counter = new LineCounter();
    const doc = parseDocument(src, { lineCounter: counter, prettyErrors: false });
    const lineOf = (pos: number): number => counter.linePos(pos).line + 1 - (src.startsWith('\n') ? 1 : 0);
    if (doc.errors.length) throw new YamlError(doc.errors[0]!.message.split('\n')[0]!, lineOf(doc.errors[0]!.pos[0]));
    const value: unknown = doc.toJS() ?? {};
    if (typeof value !== 'object' || Array.isArray(value)) throw new YamlError('the front matter must be keys and values', 2);
    for (const item of (doc.contents as { items?: { key?: { value?: unknown; range?: [number] } }[] } | null)?.items ?? []) {
      if (typeof item.key?.value === 'string' && item.key.range) lines[item.key.value] = lineOf(item.key.range[0]);
    }
    return value as object;
  };
  // An options object (not undefined) keeps gray-matter from caching by content.
  const file = matter(text, { engines: { yaml: engine } });
  const blank = text.split('\n').length - file.content.split('\n').length;
  return { data: (file.data ?? {}) as Record<string, unknown>, lines, body: '\n'.repeat(Math.max(0, blank)) + file.content };
}

const NO_FRONT_MATTER = 'the note has no front matter; start it with "---", "tickets: ready" (or draft), "---"';

export function readFrontMatter(text: string, defaultProject: string): NoteFrontMatter {
  const out: NoteFrontMatter = { status: NoteStatus.Draft, body: '', problems: [] };
  if (!/^---\r?\n/.test(text)) return { ...out, problems: [{ line: 1, message: NO_FRONT_MATTER }] };
  let s: Split;
  try {
    s = split(text);
  } catch (e) {
    const line = e instanceof YamlError ? e.line : 1;
    return { ...out, problems: [{ line, message: `the front matter is not valid YAML: ${(e as Error).message.split('\n')[0]}` }] };
  }
  out.body = s.body;
  const t = s.data['tickets'];
  if (t === 'ready' || t === true) out.status = NoteStatus.Ready;
  else if (t === 'off' || t === false || t === 'ignore') out.status = NoteStatus.Off;
  else if (t !== undefined && t !== null && t !== 'draft') {
    out.problems.push({ line: s.lines['tickets'] ?? 1, message: `front matter "tickets: ${String(t)}" is not one of ready, draft, off` });
  }
  const p = s.data['project'];
  if (p !== undefined && p !== null) {
    if (typeof p !== 'string' || !/^[A-Z][A-Z0-9_]+$/.test(p)) {
      out.problems.push({ line: s.lines['project'] ?? 1, message: 'front matter "project" must be a Jira project key such as CHRONOS' });
    } else if (p !== defaultProject) {
      out.project = p;
      out.projectLine = s.lines['project'] ?? 1;
    }
  }
  return out;
}

/** Front matter `tickets:` alone (the watcher skips notes not marked ready before parsing them). */
export function readiness(text: string): string | undefined {
  if (!/^---\r?\n/.test(text)) return undefined;
  try {
    const t = split(text).data['tickets'];
    return t === true ? 'ready' : typeof t === 'string' ? t : undefined;
  } catch {
    return undefined;
  }
}
