import { promises as fs } from 'node:fs';
import path from 'node:path';
import { ErrorCode, InputError } from '../../core/errors.js';
import { readiness } from './frontmatter.js';
import { parseNote } from './grammar.js';
import { sha256Hex } from '../../core/hash.js';
import { NoteParseError, NoteStatus, type NoteProblem, type ParseOptions, type ParsedNote } from './types.js';

/** Every note under the notes folder (`.md`), sorted (notes are named by date: the last is the newest). */
export async function listNotes(dir: string): Promise<string[]> {
  const out: string[] = [];
  const walk = async (d: string): Promise<void> => {
    let entries;
    try {
      entries = await fs.readdir(d, { withFileTypes: true });
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code === 'ENOENT') return;
      throw e;
    }
    for (const e of entries) {
      if (e.name.startsWith('.')) continue;
      const p = path.join(d, e.name);
      if (e.isDirectory()) await walk(p);
      else if (e.isFile() && /\.(md|markdown)$/i.test(e.name)) out.push(p);
    }
  };
  await walk(dir);
  return out.sort();
}

export interface ReadNotesOptions {
  /** The folder paths in tie ids are relative to (the config's folder). */
  base: string;
  project: string;
  /** The watcher: only notes marked `tickets: ready`, and a last line still being typed is refused. */
  readyOnly?: boolean;
}

/** Read and parse notes; any problem in any of them is one error naming every file and line (nothing is sent). */
export async function readNotes(files: readonly string[], o: ReadNotesOptions): Promise<ParsedNote[]> {
  const notes: ParsedNote[] = [];
  const problems: NoteProblem[] = [];
  for (const file of files) {
    let text: string;
    try {
      text = await fs.readFile(file, 'utf8');
    } catch (e) {
      throw new InputError(ErrorCode.Input, `cannot read the note: ${(e as Error).message}`, { file });
    }
    if (o.readyOnly && readiness(text) !== NoteStatus.Ready) continue;
    const rel = path.relative(o.base, file).split(path.sep).join('/');
    try {
      const note = parseCached(text, { file, rel, project: o.project, strictEnd: Boolean(o.readyOnly) });
      if (note.status !== NoteStatus.Off) notes.push(note);
    } catch (e) {
      if (e instanceof NoteParseError) problems.push(...e.problems);
      else throw e;
    }
  }
  const [first, ...others] = problems;
  if (first) {
    const rest = others.map((p) => `\n  ${p.file}:${p.line}: ${p.message}`).join('');
    throw new InputError(ErrorCode.Input, `${first.message}${rest}`, { file: first.file, line: first.line }, 'fix the note; nothing was sent to Jira');
  }
  return notes;
}

// The watcher reads every ready note on each change of the folder; a note whose text did not
// change is not parsed again. What parseNote returns is never changed by a sync, so it is shared.
const parsed = new Map<string, ParsedNote>();
const CACHE_MAX = 2000;

function parseCached(text: string, o: ParseOptions): ParsedNote {
  const key = [sha256Hex(text), o.file, o.rel, o.project, o.strictEnd ? 1 : 0].join('\0');
  const hit = parsed.get(key);
  if (hit) return hit;
  const note = parseNote(text, o);
  parsed.set(key, note);
  if (parsed.size > CACHE_MAX) {
    const oldest = parsed.keys().next();
    if (!oldest.done) parsed.delete(oldest.value);
  }
  return note;
}
