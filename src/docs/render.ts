import { promises as fs, readFileSync } from 'node:fs';
import path from 'node:path';
import { sha256Hex } from '../core/hash.js';
import type { Anchors } from './anchors.js';
import type { DocTree } from './convert.js';
import type { FrontMatter } from './frontmatter.js';
import type { Mapping } from './mapping.js';
import { isFolderKey, MD_EXT } from './project.js';
import type { LinkedDoc, ResolveContext } from './resolve.js';
import type { Problem } from './types.js';
import { macro } from './xml.js';

/**
 * From files on disk to what gets published: title, parent, labels, storage
 * XHTML, attachments and the content hash, for every doc of the mapping.
 * Links and images are resolved against the mapping and the file system
 * (resolve.ts).
 */

/** Bumped when the converter's output changes, so every page is rewritten once. */
export const CONVERTER_VERSION = 2;

export interface DocsSettings {
  /** Absolute docs root. */
  root: string;
  space: string;
  mermaid?: 'code' | 'macro';
  mermaidMacro?: string;
  /** Site-absolute links (`/guide/x`) not found under the root go under this URL. */
  siteUrl?: string;
  /** The repository's root (the config's folder): GitHub reads `/x` from there. */
  repoRoot?: string;
}

export interface AttachmentFile {
  filename: string;
  file: string;
  hash: string;
}

export interface PreparedPage {
  key: string;
  /** Absolute path of the markdown file; undefined for a folder page. */
  file?: string;
  title: string;
  /** Front matter or mapping parent, resolved: a mapping key or a page id. */
  parent?: { key: string } | { id: string };
  labels: string[];
  xhtml: string;
  attachments: AttachmentFile[];
  hash: string;
  /** The markdown as read (for the secret check). */
  source?: string;
  publish: boolean;
}

export interface DocProblem extends Problem {
  file: string;
  key: string;
}

interface ParsedDoc {
  key: string;
  file: string;
  source: string;
  fm: FrontMatter;
  tree: DocTree;
  title: string;
  problems: Problem[];
}

/** What a doc's title and publish flag are, by the hash of its source: a pure function, safe to cache. */
export interface DocMeta {
  title: string;
  publish: boolean;
}

export class DocSet {
  private readonly parsed = new Map<string, Promise<ParsedDoc>>();
  private readonly sources = new Map<string, Promise<{ source: string; hash: string } | undefined>>();
  private readonly settings: DocsSettings;
  private readonly mapping: Mapping;
  /** Every markdown key on disk (mapped or not). */
  private readonly onDisk: ReadonlySet<string>;
  /** Source hash to title and publish flag (filled as docs are parsed; may come from a cache). */
  readonly metaBySource: Map<string, DocMeta>;

  constructor(settings: DocsSettings, mapping: Mapping, onDisk: readonly string[], metaBySource?: Map<string, DocMeta>) {
    this.settings = settings;
    this.mapping = mapping;
    this.onDisk = new Set(onDisk);
    this.metaBySource = metaBySource ?? new Map<string, DocMeta>();
  }

  fileOf(key: string): string {
    return path.join(this.settings.root, ...key.split('/'));
  }

  /** The file's text and its hash; undefined when it cannot be read. */
  source(key: string): Promise<{ source: string; hash: string } | undefined> {
    let p = this.sources.get(key);
    if (!p) {
      p = fs.readFile(this.fileOf(key), 'utf8').then(
        (source) => ({ source, hash: sha256Hex(source) }),
        () => undefined,
      );
      this.sources.set(key, p);
    }
    return p;
  }

  private parse(key: string): Promise<ParsedDoc> {
    let p = this.parsed.get(key);
    if (!p) {
      p = this.load(key);
      this.parsed.set(key, p);
    }
    return p;
  }

  private async load(key: string): Promise<ParsedDoc> {
    const file = this.fileOf(key);
    const src = await this.source(key);
    const { splitFrontMatter, parseMarkdown, plainText, toDocTree } = await converter();
    if (!src) {
      const message = (await exists(file)) ? 'the file cannot be read' : 'the mapped file does not exist';
      const fm: FrontMatter = { labels: [], publish: true, lines: {} };
      return { key, file, source: '', fm, tree: toDocTree({ type: 'root', children: [] }, ''), title: fileTitle(key), problems: [{ message }] };
    }
    const source = src.source;
    const split = splitFrontMatter(source.replace(/^\uFEFF/, ''));
    const mdast = parseMarkdown(split.body);
    let title = split.fm.title;
    if (title === undefined) {
      const h1 = mdast.children.find((n) => n.type === 'heading' && n.depth === 1);
      const text = h1 ? plainText(h1).trim() : '';
      if (text !== '') title = text;
    }
    const tree = toDocTree(mdast, split.body, { titleFromH1: split.fm.title === undefined && title !== undefined });
    const doc: ParsedDoc = { key, file, source, fm: split.fm, tree, title: title ?? fileTitle(key), problems: split.problems };
    if (doc.problems.length === 0) this.metaBySource.set(`${key}\0${src.hash}`, { title: doc.title, publish: doc.fm.publish });
    return doc;
  }

  /** Title and publish flag, without parsing when the source is known. */
  async meta(key: string): Promise<DocMeta> {
    if (isFolderKey(key)) return { title: path.posix.basename(key.slice(0, -1)), publish: true };
    const src = await this.source(key);
    // The file name is part of the key: a title may come from it.
    const known = src ? this.metaBySource.get(`${key}\0${src.hash}`) : undefined;
    if (known) return known;
    const doc = await this.parse(key);
    return { title: doc.title, publish: doc.fm.publish };
  }

  /** Title of a mapping key (doc or folder). */
  async titleOf(key: string): Promise<string> {
    return (await this.meta(key)).title;
  }

  async publishes(key: string): Promise<boolean> {
    return (await this.meta(key)).publish;
  }

  /** Where a doc's title comes from: its front matter, its first level-1 heading, or its file name. */
  async titleSource(key: string): Promise<'front-matter' | 'h1' | 'file'> {
    const doc = await this.parse(key);
    return doc.fm.title !== undefined ? 'front-matter' : doc.tree.h1Title !== undefined ? 'h1' : 'file';
  }

  /** The anchors of a doc's page (a folder page has none). */
  async anchorsOf(key: string): Promise<Anchors | undefined> {
    if (isFolderKey(key)) return undefined;
    return (await this.parse(key)).tree.anchors;
  }

  /** Prepare one mapping key. Problems are returned, never thrown. */
  async prepare(key: string): Promise<{ page: PreparedPage; problems: DocProblem[] }> {
    if (isFolderKey(key)) return this.prepareFolder(key);
    const doc = await this.parse(key);
    const problems: DocProblem[] = doc.problems.map((p) => ({ ...p, file: doc.file, key }));
    const attachments = new Attachments();
    const ctx = await this.resolveContext(doc, attachments, (line, message) => {
      problems.push({ file: doc.file, key, message, ...(line !== undefined ? { line } : {}), warning: true });
    });
    const { writeStorage, resolveLink, resolveImage } = await converter();
    const conv = writeStorage(doc.tree, {
      resolveLink: (url, line) => resolveLink(ctx, url, line),
      resolveImage: (src, line) => resolveImage(ctx, src, line),
      mermaid: this.settings.mermaid ?? 'code',
      ...(this.settings.mermaidMacro ? { mermaidMacro: this.settings.mermaidMacro } : {}),
    });
    for (const p of conv.problems) problems.push({ ...p, file: doc.file, key });
    problems.sort((a, b) => (a.line ?? 0) - (b.line ?? 0));

    const parent = this.resolveParent(key, doc.fm.parent, doc.fm.parent !== undefined ? doc.fm.lines['parent'] : undefined, (line, message) => {
      problems.push({ file: doc.file, key, message, ...(line !== undefined ? { line } : {}) });
    });
    const atts = attachments.list();
    const page: PreparedPage = {
      key,
      file: doc.file,
      title: doc.title,
      ...(parent ? { parent } : {}),
      labels: doc.fm.labels,
      xhtml: conv.xhtml,
      attachments: atts,
      hash: contentHash(doc.title, parent, doc.fm.labels, conv.xhtml, atts),
      source: doc.source,
      publish: doc.fm.publish,
    };
    return { page, problems };
  }

  /** Links and images resolve synchronously during conversion: the linked docs' titles and anchors are loaded first. */
  private async resolveContext(doc: ParsedDoc, attachments: Attachments, warn: ResolveContext['warn']): Promise<ResolveContext> {
    const { linkedKeys, linksOf } = await converter();
    const linked = new Map<string, LinkedDoc>();
    for (const k of linkedKeys({ root: this.settings.root, ...(this.settings.repoRoot ? { repoRoot: this.settings.repoRoot } : {}) }, doc.file, this.onDisk, linksOf(doc.tree.hast).map((l) => l.href))) {
      if (!(k in this.mapping.pages) || (!isFolderKey(k) && !this.onDisk.has(k))) continue;
      if (!(await this.publishes(k))) {
        linked.set(k, {});
        continue;
      }
      const anchors = k === doc.key ? doc.tree.anchors : await this.anchorsOf(k);
      linked.set(k, { title: await this.titleOf(k), ...(anchors ? { anchors } : {}) });
    }
    return {
      root: this.settings.root,
      key: doc.key,
      file: doc.file,
      ...(this.settings.siteUrl ? { siteUrl: this.settings.siteUrl } : {}),
      ...(this.settings.repoRoot ? { repoRoot: this.settings.repoRoot } : {}),
      mapped: (k) => k in this.mapping.pages,
      onDisk: this.onDisk,
      linked,
      attach: (abs) => attachments.add(abs),
      warn,
    };
  }

  private prepareFolder(key: string): { page: PreparedPage; problems: DocProblem[] } {
    const title = path.posix.basename(key.slice(0, -1));
    const problems: DocProblem[] = [];
    const parent = this.resolveParent(key, undefined, undefined, (_l, message) => problems.push({ file: this.fileOf(key), key, message }));
    // A folder without index.md lists its children.
    const xhtml = macro('children', { all: 'true' });
    return {
      page: { key, title, ...(parent ? { parent } : {}), labels: [], xhtml, attachments: [], hash: contentHash(title, parent, [], xhtml, []), publish: true },
      problems,
    };
  }

  /** Front matter `parent` wins over the mapping's; either is a mapping key or a page id. */
  private resolveParent(
    key: string,
    fmParent: string | undefined,
    fmLine: number | undefined,
    problem: (line: number | undefined, msg: string) => void,
  ): { key: string } | { id: string } | undefined {
    const raw = fmParent ?? this.mapping.pages[key]?.parent;
    if (raw === undefined || raw === '') return undefined;
    if (/^\d+$/.test(raw)) return { id: raw };
    const base = fmParent !== undefined && raw.startsWith('.') ? path.posix.dirname(key) : '';
    let k = path.posix.normalize(path.posix.join(base, raw.replace(/^\//, '')));
    if (raw.endsWith('/') && !k.endsWith('/')) k += '/';
    const candidates = [k, `${k.replace(/\/$/, '')}/`, `${k.replace(/\/$/, '')}/index.md`, `${k.replace(/\/$/, '')}/README.md`];
    const found = candidates.find((c) => c in this.mapping.pages);
    if (!found) {
      problem(fmLine, `parent "${raw}" is not in the mapping${fmParent === undefined ? ` (${this.mapping.space ?? 'the'} mapping entry of ${key})` : ''}`);
      return undefined;
    }
    if (found === key) {
      problem(fmLine, 'a page cannot be its own parent');
      return undefined;
    }
    return { key: found };
  }
}

/** The files a doc attaches: one name each (two files of one name in different folders: the second gets a prefix). */
class Attachments {
  private readonly byName = new Map<string, AttachmentFile>();
  private readonly byPath = new Map<string, string>();

  add(abs: string): string | undefined {
    const known = this.byPath.get(abs);
    if (known) return known;
    let bytes: Buffer;
    try {
      bytes = readFileSync(abs);
    } catch {
      return undefined;
    }
    const hash = `sha256:${sha256Hex(bytes)}`;
    let name = path.basename(abs);
    const taken = this.byName.get(name);
    if (taken && taken.file !== abs) name = `${hash.slice(7, 15)}-${name}`;
    this.byName.set(name, { filename: name, file: abs, hash });
    this.byPath.set(abs, name);
    return name;
  }

  list(): AttachmentFile[] {
    return [...this.byName.values()].sort((a, b) => a.filename.localeCompare(b.filename));
  }
}

function contentHash(title: string, parent: PreparedPage['parent'], labels: readonly string[], xhtml: string, atts: readonly AttachmentFile[]): string {
  const view = { v: CONVERTER_VERSION, title, parent: parent ?? null, labels: [...labels].sort(), xhtml, attachments: atts.map((a) => [a.filename, a.hash]) };
  return `sha256:${sha256Hex(JSON.stringify(view))}`;
}

/** The file name; for a folder's index.md / README.md without a title, the folder's name. */
export function fileTitle(key: string): string {
  const base = path.posix.basename(key);
  const dir = path.posix.dirname(key);
  if (/^(index|readme)\.(md|markdown)$/i.test(base) && dir !== '.') return path.posix.basename(dir);
  return base.replace(MD_EXT, '');
}

async function exists(file: string): Promise<boolean> {
  try {
    await fs.access(file);
    return true;
  } catch {
    return false;
  }
}

type Converter = typeof import('./convert.js') & typeof import('./frontmatter.js') & typeof import('./resolve.js');

/**
 * remark, parse5 and gray-matter load only when a doc is parsed: a re-run
 * where the cache says nothing changed never pays for them.
 */
let loading: Promise<Converter> | undefined;
function converter(): Promise<Converter> {
  loading ??= Promise.all([import('./convert.js'), import('./frontmatter.js'), import('./resolve.js')]).then(([c, f, r]) => ({ ...c, ...f, ...r }));
  return loading;
}
