import type { FileContext } from './filekind.js';
import type { Source } from './scan-rules.js';

/**
 * The shape of a rule and the small helpers the rule files share. Each rule has
 * lower-case keywords: it runs only where one of them occurs, so a large text
 * costs one pass for all keywords and a regex run only where it can match.
 */

export interface RuleHit {
  rule: string;
  /** Offset of the secret in the text, and the secret itself (never printed). */
  index: number;
  secret: string;
  /** What was found, when the rule can say more than its description (the variable's name, the URL scheme). */
  description?: string;
}

/** What a rule's own finder gets: emit a hit, undo the diff's `+` in a window, and the file's context. */
export interface FindEnv {
  emit: (hit: RuleHit) => void;
  fix: (window: string) => string;
  ctx: FileContext;
}

export interface Rule {
  readonly id: string;
  readonly description: string;
  /** Lower-case; the rule runs only if one occurs in the text (case-insensitive). */
  readonly keywords: readonly string[];
  /** Global; the named group `s` is the secret, else the whole match. */
  readonly regex?: RegExp;
  /** Minimum Shannon entropy (bits per character) of the secret. */
  readonly entropy?: number;
  /** Extra check of a candidate; false drops it. */
  readonly check?: (secret: string, match: RegExpExecArray, text: string) => boolean;
  /** A finding's description from its match (default: `description`). */
  readonly describe?: (match: RegExpExecArray) => string;
  /** How far past its keyword a match may reach (default: to the end of the line). */
  readonly span?: number;
  /** Reads the code around a match (names, quotes, operators): skipped on machine-made and binary files. */
  readonly contextual?: boolean;
  /** A rule that finds its own hits around its keywords' positions. */
  readonly find?: (src: Source, positions: readonly number[], env: FindEnv) => void;
}

/** A left boundary that also works before `-` and `.`, and the matching right boundary. */
export const B = '(?<![A-Za-z0-9_])';
export const E = '(?![A-Za-z0-9_])';

export function re(source: string, flags = ''): RegExp {
  return new RegExp(source, 'g' + flags);
}

/** Percent-decoding that never throws (`%E0%A4%A` stays as it is). */
export function percentDecode(s: string): string {
  if (!s.includes('%')) return s;
  try {
    return decodeURIComponent(s);
  } catch {
    return s.replace(/%([0-9A-Fa-f]{2})/g, (_m, h: string) => String.fromCharCode(parseInt(h, 16)));
  }
}
