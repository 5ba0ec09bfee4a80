import { escapeAttr } from '../../core/xml.js';

/** What the way back from storage format to markdown needs to know of the docs around the page. */
export interface BackContext {
  /** The link from this doc to the doc published under a title (relative, as a markdown link target). */
  pagePath: (title: string) => string | undefined;
  /** The link from this doc to the local file attached under a name. */
  attachmentPath: (filename: string) => string | undefined;
  /** The mermaid macro's name (`docs.mermaidMacro`). */
  mermaidMacro: string;
  /** What could not be carried over (said once per kind). */
  warn: (message: string) => void;
}

/** GitHub alert written for each panel macro (note is yellow: WARNING, as IMPORTANT also becomes note). */
export const PANEL_ALERTS: Readonly<Record<string, string>> = { info: 'NOTE', tip: 'TIP', note: 'WARNING', warning: 'CAUTION' };

export { RAW_STORAGE_FENCE } from '../storage/structures.js';

/** HTML text or attribute value in markdown: escaped, and a line break as `&#10;` so that a blank line never ends the HTML block. */
export function escapeHtml(s: string): string {
  return escapeAttr(s).replace(/\n/g, '&#10;');
}
