import { readLine, type LineRead } from './line.js';
import type { KeyComment, Mention, NoteProblem, ParseOptions, Reading, SectionKind } from './types.js';

/** Where the walk through a note stands: the section it is in and the item lines below it belong to. */
export interface Place {
  kind: SectionKind | undefined;
  title: string;
  group?: string;
}

/**
 * What every step of reading one note shares: the source lines (item lines are
 * read from the source, not from the parsed inlines, so that bold, emoji and
 * markers read as written), and what the reading collects.
 */
export class NoteContext {
  readonly opts: ParseOptions;
  readonly project: string;
  readonly problems: NoteProblem[] = [];
  readonly readings: Reading[] = [];
  readonly mentions: Mention[] = [];
  readonly comments: KeyComment[] = [];
  private readonly lines: string[];
  private readonly endsOpen: boolean;
  private readonly readLines = new Map<number, LineRead>();

  constructor(text: string, opts: ParseOptions, project: string) {
    this.opts = opts;
    this.project = project;
    this.lines = text.split('\n');
    this.endsOpen = !text.endsWith('\n');
  }

  raw(line: number): string {
    return (this.lines[line - 1] ?? '').replace(/\r$/, '');
  }

  /** A source line read as a possible ticket line (read once: every step asks about the same lines). */
  line(line: number): LineRead {
    let r = this.readLines.get(line);
    if (!r) this.readLines.set(line, (r = readLine(this.raw(line), this.project)));
    return r;
  }

  problem(line: number, message: string): void {
    this.problems.push({ file: this.opts.file, line, message });
  }

  read(line: number, kind: Reading['kind'], text: string): void {
    this.readings.push({ line, kind, text });
  }

  /** The watcher: the last line of a ready note may still be being typed. */
  stillTyped(line: number): boolean {
    return Boolean(this.opts.strictEnd) && this.endsOpen && line === this.lines.length;
  }
}

/** A line shortened for a message: `"**Session Complete:** 2026-11-20 22:40 UTC"`. */
export function quote(s: string, max = 60): string {
  const t = s.trim();
  return `"${t.length > max ? `${t.slice(0, max - 1)}…` : t}"`;
}
