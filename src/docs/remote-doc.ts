import { promises as fs } from 'node:fs';
import path from 'node:path';
import { parseDocument, stringify } from 'yaml';
import { frontMatterBlock } from '../core/frontmatter.js';
import type { BackContext } from './back/index.js';
import { fileTitle, type AttachmentFile, type DocSet } from './render.js';
import { isFolderKey } from './project.js';

/**
 * A page as Confluence has it, written as the doc it would be: the local
 * doc's front matter (its title updated if the page was renamed), the title
 * heading where the doc takes its title from one, and the body converted back
 * to markdown (back/). Links to other pages become links to their docs,
 * attachments links to the local files.
 */

export interface DocsView {
  root: string;
  docs: DocSet;
  /** Mapped keys whose file is there. */
  present: readonly string[];
  mermaidMacro: string;
}

export interface RemoteDoc {
  text: string;
  /** What could not be carried over into markdown. */
  notes: string[];
}

export async function remoteAsDoc(view: DocsView, key: string, remote: { title: string; body: string }, attachments: readonly AttachmentFile[]): Promise<RemoteDoc> {
  const notes: string[] = [];
  const ctx = await backContext(view, key, attachments, notes);
  const file = view.docs.fileOf(key);
  const local = await fs.readFile(file, 'utf8').catch(() => '');
  const source = await view.docs.titleSource(key).catch(() => 'file' as const);
  const heading = source === 'h1' || (source === 'file' && remote.title !== fileTitle(key)) ? remote.title : undefined;
  const { storageToMarkdown } = await import('./back/index.js');
  const body = storageToMarkdown(remote.body, ctx, heading !== undefined ? { title: heading } : {});
  return { text: frontMatter(local, source === 'front-matter' ? remote.title : undefined) + body, notes };
}

async function backContext(view: DocsView, key: string, attachments: readonly AttachmentFile[], notes: string[]): Promise<BackContext> {
  const byTitle = new Map<string, string>();
  for (const k of view.present) if (await view.docs.publishes(k).catch(() => false)) byTitle.set(await view.docs.titleOf(k), k);
  const dir = path.posix.dirname(key);
  const rel = (target: string): string => {
    const r = path.posix.relative(dir, isFolderKey(target) ? target.slice(0, -1) : target);
    return isFolderKey(target) ? `${r || '.'}/` : r;
  };
  const docFile = view.docs.fileOf(key);
  const files = new Map(attachments.map((a) => [a.filename, path.relative(path.dirname(docFile), a.file).split(path.sep).join('/')]));
  const said = new Set<string>();
  return {
    pagePath: (title) => {
      const k = byTitle.get(title);
      return k === undefined ? undefined : k === key ? '' : rel(k);
    },
    attachmentPath: (filename) => files.get(filename),
    mermaidMacro: view.mermaidMacro,
    warn: (m) => {
      if (!said.has(m)) notes.push(m);
      said.add(m);
    },
  };
}

/** The doc's front matter block as it is, or with its `title` set to the page's (only that line changes). */
function frontMatter(source: string, title: string | undefined): string {
  const fm = frontMatterBlock(source);
  if (!fm) return '';
  const { open, yaml: yamlText, close } = fm;
  if (title === undefined || parseDocument(yamlText).get('title') === title) return open + yamlText + close;
  const value = stringify(title).trimEnd();
  const line = /^title[ \t]*:.*$/m;
  if (/^title[ \t]*:[ \t]*(?:[|>].*)?$/m.test(yamlText)) {
    // A title over several lines: YAML writes the block again (its layout may change).
    const doc = parseDocument(yamlText);
    doc.set('title', title);
    return `${open}${String(doc)}${close}`;
  }
  const next = line.test(yamlText) ? yamlText.replace(line, () => `title: ${value}`) : `title: ${value}\n${yamlText}`;
  return `${open}${next}${close}`;
}
