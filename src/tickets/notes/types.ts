import type { AdfNode } from '../adf.js';

/**
 * What a session note says, as the grammar reads it (docs/session-notes.md):
 * every line that names a ticket or is shaped like a new one is a mention;
 * the mentions of one key (or one new title) in a note make one item, the
 * wanted end state of one issue.
 */

export const SectionKind = {
  Completed: 'completed',
  InProgress: 'in-progress',
  Created: 'created',
  Backlog: 'backlog',
  Comments: 'comments',
} as const;
export type SectionKind = (typeof SectionKind)[keyof typeof SectionKind];

/** A status change a note asks for. */
export type Want = 'done' | 'progress';

/**
 * What a mention does: `define` (a line under a Created or Backlog heading, or
 * a new item anywhere) sets the fields; `status` only moves it;
 * `mention` (⏳, a plain mention) changes nothing.
 */
export type Role = 'define' | 'status' | 'mention';

interface NoteComment {
  text: string;
  line: number;
}

export interface Mention {
  line: number;
  key?: string;
  title: string;
  role: Role;
  want?: Want;
  /** What made it want that, for people: `✅`, `[x]`, `heading "Completed"`, `status "Done"`. */
  why?: string;
  section: SectionKind | undefined;
  sectionTitle: string;
  group?: string;
  points?: number;
  /** ISO date (YYYY-MM-DD) from `**Target:**`. */
  due?: string;
  /** A target that is no date: goes at the end of the description. */
  target?: string;
  labels: string[];
  comments: NoteComment[];
  description: AdfNode[];
  pending?: { id: string; at?: string };
  from: 'line' | 'heading' | 'table';
}

export interface NoteItem {
  /** 1-based line of the mention that sets its fields (else the first one). */
  line: number;
  /** Every line that names it, in order. */
  lines: number[];
  section: SectionKind | undefined;
  sectionTitle: string;
  group?: string;
  key?: string;
  title: string;
  /** Whether the note sets the fields (summary, points, due date, labels, description). */
  defines: boolean;
  want?: Want;
  why?: string;
  points?: number;
  due?: string;
  labels: string[];
  comments: NoteComment[];
  /** The bullets under the item (and a target that is no date), as ADF blocks. */
  description: AdfNode[];
  /** The tie id: from a pending marker, else from the note path and title. */
  id: string;
  pending?: { id: string; at?: string };
}

export interface KeyComment extends NoteComment {
  key: string;
}

export const NoteStatus = { Ready: 'ready', Draft: 'draft', Off: 'off' } as const;
export type NoteStatus = (typeof NoteStatus)[keyof typeof NoteStatus];

/** One line of what `--dry-run` shows a note was read as. */
export interface Reading {
  line: number;
  kind: 'section' | 'item' | 'mention' | 'ignored';
  text: string;
}

export interface ParsedNote {
  file: string;
  /** Path relative to the config folder, with `/`: part of every tie id. */
  rel: string;
  text: string;
  hash: string;
  status: NoteStatus;
  /** `project:` in front matter overrides jira.project. */
  project?: string;
  projectLine?: number;
  items: NoteItem[];
  comments: KeyComment[];
  readings: Reading[];
}

export interface NoteProblem {
  file: string;
  line: number;
  message: string;
}

export interface ParseOptions {
  file: string;
  rel: string;
  /** jira.project: keys of this project (or the note's `project:`) are the note's keys. */
  project: string;
  /** The watcher's mode: a last line without a line end is still being typed. */
  strictEnd?: boolean;
}

export class NoteParseError extends Error {
  readonly problems: NoteProblem[];
  constructor(problems: NoteProblem[]) {
    super(problems.map((p) => `${p.file}:${p.line}: ${p.message}`).join('\n'));
    this.problems = problems;
  }
}
