import { FrontMatterError, parseFrontMatter, type FrontMatter } from '../../core/frontmatter.js';
import { NoteStatus, type NoteProblem } from './types.js';

/**
 * A note's front matter (core/frontmatter: gray-matter and the yaml package):
 * `tickets:` (ready, draft, off) and `project:`. The body comes back with the
 * front matter blanked out, so that positions in the markdown are lines of the file.
 */

export interface NoteFrontMatter {
  status: NoteStatus;
  project?: string;
  projectLine?: number;
  body: string;
  problems: Omit<NoteProblem, 'file'>[];
}

function split(text: string): FrontMatter {
  // The note's body is read with "\n" line ends, whatever the file has.
  return parseFrontMatter(text.replace(/\r\n/g, '\n'));
}

const NO_FRONT_MATTER = 'the note has no front matter; start it with "---", "tickets: ready" (or draft), "---"';

export function readFrontMatter(text: string, defaultProject: string): NoteFrontMatter {
  const out: NoteFrontMatter = { status: NoteStatus.Draft, body: '', problems: [] };
  if (!/^---\r?\n/.test(text)) return { ...out, problems: [{ line: 1, message: NO_FRONT_MATTER }] };
  let s: FrontMatter;
  try {
    s = split(text);
  } catch (e) {
    if (!(e instanceof FrontMatterError)) throw e;
    const message = e.kind === 'not-a-mapping' ? 'the front matter must be keys and values' : e.message;
    return { ...out, problems: [{ line: e.line, message: `the front matter is not valid YAML: ${message}` }] };
  }
  out.body = s.body;
  const t = s.data['tickets'];
  if (t === 'ready' || t === true) out.status = NoteStatus.Ready;
  else if (t === 'off' || t === false || t === 'ignore') out.status = NoteStatus.Off;
  else if (t !== undefined && t !== null && t !== 'draft') {
    out.problems.push({ line: s.lines['tickets'] ?? 1, message: `front matter "tickets: ${yamlText(t)}" is not one of ready, draft, off` });
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

/** A YAML value as the user wrote it, near enough: a scalar as itself, a list or mapping as JSON. */
function yamlText(v: unknown): string {
  return typeof v === 'string' || typeof v === 'number' || typeof v === 'boolean' || typeof v === 'bigint' ? String(v) : JSON.stringify(v);
}
