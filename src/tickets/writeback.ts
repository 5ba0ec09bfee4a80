import { promises as fs } from 'node:fs';
import { writeFileAtomic } from '../core/atomic.js';
import { ConflictError } from '../core/errors.js';
import { sha256Hex } from '../core/hash.js';

/**
 * Edits of a note's item line, each written atomically: the pending marker
 * before a create (`<!-- ssot:pending <id> <time> -->`), then the key in its
 * place. A note edited by hand since it was read is never overwritten: the
 * tie is in mapping/jira.json already, and the next run writes the key back.
 */

const PREFIX_RE = /^(\s*)(?:#{1,6}\s+)?(?:([-*+]|\d+[.)])\s+)?(?:\[([ xX])\]\s+)?/;
const MARKER_RE = /\s*<!--\s*ssot:pending\s+[0-9a-f]{6,16}(?:\s+\S+)?\s*-->/;

export function withMarker(line: string, id: string, at: string): string {
  return `${line.replace(MARKER_RE, '').replace(/\s+$/, '')} <!-- ssot:pending ${id} ${at} -->`;
}

export function withoutMarker(line: string): string {
  return line.replace(MARKER_RE, '').replace(/\s+$/, '');
}

/** Status marks before the title stay before the key: `- ✅ Title` -> `- ✅ **KEY:** Title`. */
const LEAD_MARKS_RE = /^(?:(?:\p{Extended_Pictographic}|[\u2190-\u21FF\u2713\u2714\u2610-\u2612]|\uFE0F|\u200D)\s*)*/u;

/** `**Title** (2 points)` -> `**KEY:** Title (2 points)`; `- [ ] Title` -> `- [ ] **KEY:** Title`. */
export function withKey(line: string, key: string): string {
  const clean = line.replace(MARKER_RE, '').replace(/\s+$/, '');
  // Both patterns match at least the empty string: no prefix, no marks.
  const head = PREFIX_RE.exec(clean)?.[0] ?? '';
  const prefix = head + (LEAD_MARKS_RE.exec(clean.slice(head.length))?.[0] ?? '');
  const rest = clean.slice(prefix.length);
  const bold = /^\*\*([^*]+)\*\*\s*:?\s*/.exec(rest);
  const title = bold?.[1];
  if (bold && title !== undefined) return `${prefix}**${key}:** ${title.trim()}${rest.length > bold[0].length ? ' ' + rest.slice(bold[0].length) : ''}`;
  return `${prefix}**${key}:** ${rest}`;
}

/** A note being edited by a sync: the text as last read or written by us. */
export class NoteFile {
  readonly file: string;
  private text: string;

  constructor(file: string, text: string) {
    this.file = file;
    this.text = text;
  }

  get current(): string {
    return this.text;
  }

  /** Replace line `line` (1-based) with `edit(old)`; refuses when the file changed under us. */
  async editLine(line: number, edit: (old: string) => string): Promise<void> {
    const onDisk = await fs.readFile(this.file, 'utf8');
    if (sha256Hex(onDisk) !== sha256Hex(this.text)) {
      throw new ConflictError(`${this.file} changed while ssot was syncing it; run again once it is saved`, {
        place: { file: this.file, line },
      });
    }
    const lines = this.text.split('\n');
    const old = lines[line - 1];
    if (old === undefined) throw new Error(`line ${line} is past the end of ${this.file}`);
    const cr = old.endsWith('\r') ? '\r' : '';
    lines[line - 1] = edit(old.replace(/\r$/, '')) + cr;
    const next = lines.join('\n');
    await writeFileAtomic(this.file, next);
    this.text = next;
  }
}
