import remarkGfm from 'remark-gfm';
import remarkParse from 'remark-parse';
import { unified } from 'unified';
import { sha256Hex } from '../../core/hash.js';
import { NoteContext } from './context.js';
import { readFrontMatter } from './frontmatter.js';
import { collectItems } from './items.js';
import { NoteParseError, type ParseOptions, type ParsedNote } from './types.js';
import { NoteWalker } from './walk.js';

/**
 * The session-notes grammar (docs/session-notes.md): front matter, then the
 * markdown read section by section into the wanted end state of the issues
 * the note names. Forgiving about prose (a real note is never refused for
 * it) and strict about a line shaped like a ticket item that cannot be read:
 * those are problems with a file and a line, and a note with a problem is
 * not synced.
 */
export function parseNote(text: string, opts: ParseOptions): ParsedNote {
  const fm = readFrontMatter(text, opts.project);
  if (fm.problems.length && !fm.body) throw new NoteParseError(fm.problems.map((p) => ({ file: opts.file, ...p })));
  const project = fm.project ?? opts.project;
  const ctx = new NoteContext(text, opts, project);
  for (const p of fm.problems) ctx.problem(p.line, p.message);
  const tree = unified().use(remarkParse).use(remarkGfm).parse(fm.body);
  new NoteWalker(ctx).walk(tree);
  const items = collectItems(ctx.mentions, opts.rel);
  if (ctx.problems.length) throw new NoteParseError([...ctx.problems].sort((a, b) => a.line - b.line));
  return {
    file: opts.file,
    rel: opts.rel,
    text,
    hash: sha256Hex(text),
    status: fm.status,
    ...(fm.project ? { project: fm.project } : {}),
    ...(fm.projectLine ? { projectLine: fm.projectLine } : {}),
    items,
    comments: ctx.comments,
    readings: [...ctx.readings].sort((a, b) => a.line - b.line),
  };
}

