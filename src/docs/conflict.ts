import path from 'node:path';
import { writeFileAtomic } from '../core/atomic.js';
import type { ConfluenceApi, RemotePage } from './api.js';
import type { DocOutcome, SecretCheck } from './publish.js';
import type { PreparedPage } from './render.js';
import { remoteAsDoc, type DocsView } from './remote-doc.js';
import { messageOf, outcomeBase } from './writes.js';

/**
 * A page edited in Confluence since ssot last wrote it (exit 3): its current
 * version is converted back to markdown and saved beside the doc as
 * `NAME.confluence.md`, for a person to diff and merge with their usual
 * tools; `ssot docs pull` takes it as it is. A version holding what the
 * guard calls a secret is not written to disk (it could be committed).
 */

export interface ConflictInput {
  page: PreparedPage;
  id: string;
  rp: RemotePage;
  /** The version ssot last wrote. */
  last: number;
  dryRun: boolean;
  api: () => Promise<ConfluenceApi>;
  view: DocsView;
  secretCheck?: SecretCheck;
}

export function conflictFile(docFile: string): string {
  return `${docFile.replace(/\.(md|markdown)$/i, '')}.confluence.md`;
}

export async function saveConflict(c: ConflictInput): Promise<DocOutcome> {
  const { page, id, rp } = c;
  const base: DocOutcome = { ...outcomeBase(page), pageId: id, action: 'conflict', version: rp.version };
  const msg = `page ${id} was edited in Confluence since the last push (version ${rp.version}, ssot wrote ${c.last})`;
  if (c.dryRun || !page.file) return { ...base, message: msg };
  const saved = conflictFile(page.file);
  const shown = path.relative(process.cwd(), saved) || saved;
  try {
    const remote = await (await c.api()).pageWithBody(id);
    const doc = await remoteAsDoc(c.view, page.key, remote, page.attachments);
    const findings = c.secretCheck ? await c.secretCheck(doc.text, saved) : [];
    const [f] = findings;
    if (f) {
      return { ...base, message: `${msg}; Confluence's version holds what the guard calls a secret (${f.rule}${f.line ? ` on line ${f.line}` : ''}), so it is not saved beside the doc: remove it in Confluence first` };
    }
    await writeFileAtomic(saved, doc.text);
  } catch (e) {
    return { ...base, message: `${msg}; Confluence's version could not be saved for review: ${messageOf(e)}` };
  }
  const docShown = path.relative(process.cwd(), page.file) || page.file;
  return {
    ...base,
    savedRemote: saved,
    message: `${msg}; Confluence's version is saved as ${shown}: merge it into the doc and push with --force, or take it as it is with \`ssot docs pull ${docShown}\``,
  };
}
