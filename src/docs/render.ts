import { createHash } from 'node:crypto';
import { promises as fs, readFileSync, statSync, type Stats } from 'node:fs';
import path from 'node:path';
import type { Root } from 'mdast';
import type { ImageTarget, LinkTarget, Problem } from './convert.js';
import type { FrontMatter } from './frontmatter.js';
import type { Mapping } from './mapping.js';
import { folderKey, isFolderKey, MD_EXT } from './project.js';
import { Slugger } from './slug.js';
import { macro } from './xml.js';

/**
 * From files on disk to what gets published: title, parent, labels, storage
 * XHTML, attachments and the content hash, for every doc of the mapping. Links
 * and images are resolved here, against the mapping and the file system.
 */

/** Bumped when the converter's output changes, so every page is rewritten once. */
export const CONVERTER_VERSION = 1;

export interface DocsSettings {
  /** Absolute docs root. */
  root: string;
  space: string;
  mermaid?: 'code' | 'macro';
  mermaidMacro?: string;
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
  tree: Root;
  title: string;
  /** The first h1 is the title (no front matter title): leave it out of the body. */
  titleFromH1: boolean;
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
    this.metaBySource = metaBySource ?? new Map();
  }

  fileOf(key: string): string {
    return path.join(this.settings.root, ...key.split('/'));
  }

  /** The file's text and its hash; undefined when it cannot be read. */
  source(key: string): Promise<{ source: string; hash: string } | undefined> {
    let p = this.sources.get(key);
    if (!p) {
      p = fs.readFile(this.fileOf(key), 'utf8').then(
        (source) => ({ source, hash: createHash('sha256').update(source).digest('hex') }),
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
    if (!src) {
      let message = 'the mapped file does not exist';
      try {
        await fs.access(file);
        message = 'the file cannot be read';
      } catch {
        /* missing */
      }
      return { key, file, source: '', fm: { labels: [], publish: true, lines: {} }, tree: { type: 'root', children: [] }, title: fileTitle(key), titleFromH1: false, problems: [{ message }] };
    }
    const source = src.source;
    const { splitFrontMatter, parseMarkdown, plainText } = await converter();
    const split = splitFrontMatter(source.replace(/^\uFEFF/, ''));
    const tree = parseMarkdown(split.body);
    let title = split.fm.title;
    let titleFromH1 = false;
    if (title === undefined) {
      const h1 = findH1(tree, plainText);
      if (h1 !== undefined && h1 !== '') {
        title = h1;
        titleFromH1 = true;
      }
    }
    const doc: ParsedDoc = { key, file, source, fm: split.fm, tree, title: title ?? fileTitle(key), titleFromH1, problems: split.problems };
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

  /** Prepare one mapping key. Problems are returned, never thrown. */
  async prepare(key: string): Promise<{ page: PreparedPage; problems: DocProblem[] }> {
    if (isFolderKey(key)) return this.prepareFolder(key);
    const doc = await this.parse(key);
    const problems: DocProblem[] = doc.problems.map((p) => ({ ...p, file: doc.file, key }));
    const add = (line: number | undefined, message: string, warning = false): void => {
      problems.push({ file: doc.file, key, message, ...(line !== undefined ? { line } : {}), ...(warning ? { warning } : {}) });
    };
    const attachments = new Map<string, AttachmentFile>();
    const byPath = new Map<string, string>();
    // Links and images are resolved synchronously during conversion: targets' titles are loaded first.
    const titles = await this.linkTitles(doc);
    const attach = (abs: string, line: number | undefined, what: string): string | undefined => {
      const known = byPath.get(abs);
      if (known) return known;
      let bytes: Buffer;
      try {
        bytes = readFileSyncSafe(abs);
      } catch {
        add(line, `${what} ${path.relative(path.dirname(doc.file), abs)} does not exist`);
        return undefined;
      }
      const h = `sha256:${createHash('sha256').update(bytes).digest('hex')}`;
      let name = path.basename(abs);
      // Two files of one name in different folders: the second gets a prefix.
      if (attachments.has(name) && attachments.get(name)!.file !== abs) name = `${h.slice(7, 15)}-${name}`;
      attachments.set(name, { filename: name, file: abs, hash: h });
      byPath.set(abs, name);
      return name;
    };

    const resolveLink = (url: string, line: number | undefined): LinkTarget => {
      if (/^[a-z][a-z0-9+.-]*:/i.test(url) || url.startsWith('//')) return { kind: 'url', href: url };
      if (url === '') return { kind: 'none' };
      const hashAt = url.indexOf('#');
      const rawPath = (hashAt >= 0 ? url.slice(0, hashAt) : url).replace(/\?.*$/, '');
      const frag = hashAt >= 0 ? decodeURIComponentSafe(url.slice(hashAt + 1)) : undefined;
      if (rawPath === '') return frag ? { kind: 'anchor', anchor: frag } : { kind: 'none' };
      const abs = this.resolvePath(doc.file, decodeURIComponentSafe(rawPath));
      const rel = path.relative(this.settings.root, abs).split(path.sep).join('/');
      const inside = !rel.startsWith('..') && !path.isAbsolute(rel);
      const stat = statSafe(abs);
      if (!stat) {
        add(line, `link to a missing file: ${rawPath}`);
        return { kind: 'none' };
      }
      let targetKey: string | undefined;
      if (stat.isDirectory()) targetKey = inside ? folderKey(rel === '' ? '' : rel, this.onDisk) : undefined;
      else if (MD_EXT.test(abs)) targetKey = inside ? rel : undefined;
      else {
        const name = attach(abs, line, 'linked file');
        return name ? { kind: 'attachment', filename: name } : { kind: 'none' };
      }
      if (targetKey === undefined || !(targetKey in this.mapping.pages) || titles.get(targetKey) === undefined) {
        add(line, `link to ${rawPath}, which is not published (not in the mapping, or confluence: false): kept as text`, true);
        return { kind: 'none' };
      }
      if (targetKey === key) return frag ? { kind: 'anchor', anchor: frag } : { kind: 'none' };
      return { kind: 'page', title: titles.get(targetKey)!, ...(frag ? { anchor: frag } : {}) };
    };

    const resolveImage = (src: string, line: number | undefined): ImageTarget => {
      if (/^data:/i.test(src)) {
        add(line, 'data: URI images are not published; use a file', true);
        return { kind: 'none' };
      }
      if (/^[a-z][a-z0-9+.-]*:/i.test(src) || src.startsWith('//')) return { kind: 'url', url: src };
      const abs = this.resolvePath(doc.file, decodeURIComponentSafe(src.replace(/[?#].*$/, '')));
      const name = attach(abs, line, 'image');
      return name ? { kind: 'attachment', filename: name } : { kind: 'none' };
    };

    const { convertTree } = await converter();
    const conv = convertTree(doc.tree, {
      resolveLink,
      resolveImage,
      titleFromH1: doc.titleFromH1,
      mermaid: this.settings.mermaid ?? 'code',
      ...(this.settings.mermaidMacro ? { mermaidMacro: this.settings.mermaidMacro } : {}),
    });
    for (const p of conv.problems) problems.push({ ...p, file: doc.file, key });

    const parent = this.resolveParent(key, doc.fm.parent, doc.fm.parent !== undefined ? doc.fm.lines['parent'] : undefined, (line, msg) => add(line, msg));
    const atts = [...attachments.values()].sort((a, b) => a.filename.localeCompare(b.filename));
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
      problem(fmLine, `parent "${raw}" is not in the mapping${fmParent === undefined ? ` (${this.mapping.space} mapping entry of ${key})` : ''}`);
      return undefined;
    }
    if (found === key) {
      problem(fmLine, 'a page cannot be its own parent');
      return undefined;
    }
    return { key: found };
  }

  private resolvePath(fromFile: string, p: string): string {
    if (p.startsWith('/')) return path.join(this.settings.root, p);
    return path.resolve(path.dirname(fromFile), p);
  }

  /** Titles of the mapped docs this doc links to (undefined: not published). */
  private async linkTitles(doc: ParsedDoc): Promise<Map<string, string | undefined>> {
    const out = new Map<string, string | undefined>();
    const keys = new Set<string>();
    const visit = (n: { type: string; url?: string; children?: unknown[] }): void => {
      if ((n.type === 'link' || n.type === 'definition') && typeof n.url === 'string') {
        const u = n.url;
        if (!/^[a-z][a-z0-9+.-]*:/i.test(u) && !u.startsWith('#') && u !== '') {
          const rawPath = decodeURIComponentSafe(u.replace(/[#?].*$/, ''));
          const abs = this.resolvePath(doc.file, rawPath);
          const rel = path.relative(this.settings.root, abs).split(path.sep).join('/');
          const st = statSafe(abs);
          if (st?.isDirectory()) {
            const fk = folderKey(rel, this.onDisk);
            if (fk) keys.add(fk);
          } else keys.add(rel);
        }
      }
      for (const c of (n.children ?? []) as { type: string }[]) visit(c);
    };
    visit(doc.tree as unknown as { type: string });
    for (const k of keys) {
      if (!(k in this.mapping.pages)) continue;
      if (!isFolderKey(k) && !this.onDisk.has(k)) continue;
      out.set(k, (await this.publishes(k)) ? await this.titleOf(k) : undefined);
    }
    return out;
  }
}

export function contentHash(title: string, parent: PreparedPage['parent'], labels: readonly string[], xhtml: string, atts: readonly AttachmentFile[]): string {
  const h = createHash('sha256');
  h.update(JSON.stringify({ v: CONVERTER_VERSION, title, parent: parent ?? null, labels: [...labels].sort(), xhtml, attachments: atts.map((a) => [a.filename, a.hash]) }));
  return `sha256:${h.digest('hex')}`;
}

/** The file name; for a folder's index.md / README.md without a title, the folder's name. */
function fileTitle(key: string): string {
  const base = path.posix.basename(key);
  const dir = path.posix.dirname(key);
  if (/^(index|readme)\.(md|markdown)$/i.test(base) && dir !== '.') return path.posix.basename(dir);
  return base.replace(MD_EXT, '');
}

function findH1(tree: Root, plainText: (n: Root['children'][number]) => string): string | undefined {
  for (const n of tree.children) if (n.type === 'heading' && n.depth === 1) return plainText(n).trim();
  return undefined;
}

function statSafe(p: string): Stats | undefined {
  try {
    return statSync(p);
  } catch {
    return undefined;
  }
}

function readFileSyncSafe(p: string): Buffer {
  return readFileSync(p);
}

/**
 * remark and gray-matter load only when a doc is parsed: a re-run where the
 * cache says nothing changed never pays for them.
 */
let loading: Promise<typeof import('./convert.js') & typeof import('./frontmatter.js')> | undefined;
function converter(): Promise<typeof import('./convert.js') & typeof import('./frontmatter.js')> {
  loading ??= Promise.all([import('./convert.js'), import('./frontmatter.js')]).then(([c, f]) => ({ ...c, ...f }));
  return loading;
}

function decodeURIComponentSafe(s: string): string {
  try {
    return decodeURIComponent(s);
  } catch {
    return s;
  }
}
