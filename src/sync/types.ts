import type { SsotError } from '../core/errors.js';
import type { ExitCode } from '../core/errors.js';

/** One thing a part did (or would do, under --dry-run): one row of the summary, one --json object. */
export interface Action {
  part: Part;
  /** The vault location, doc path or note item. */
  target: string;
  action: string;
  detail?: string;
  error?: SsotError;
}

export type Part = 'vault' | 'docs' | 'tickets';
export const PARTS: readonly Part[] = ['vault', 'docs', 'tickets'];

export interface PartResult {
  part: Part;
  actions: Action[];
  exitCode: ExitCode;
  /** Warnings worth a line (same-second merge conflicts, skipped values). */
  warnings: string[];
}

export interface PartOptions {
  dryRun: boolean;
  force?: boolean;
  yes?: boolean;
  /** The watcher passes true: only notes marked `tickets: ready`. */
  readyOnly?: boolean;
  confirm?: (question: string) => Promise<boolean>;
  /** Progress for long work, shown on a terminal. */
  progress?: (message: string) => void;
}
