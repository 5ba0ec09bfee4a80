import { statSync, type Stats } from 'node:fs';
import path from 'node:path';
import type { Anchors } from './anchors.js';
import { folderKey, MD_EXT } from './project.js';
import type { ImageTarget, LinkTarget } from './types.js';

/**
 * Where a link or an image of a doc points, decided the same way for links
 * written in markdown and in raw HTML. Nothing here refuses a page: what
 * cannot be linked is kept as text with a warning naming the line (`--strict`
 * turns warnings into errors). The same kind of target is always treated the
 * same way:
 *
 * | target | becomes |
 * | --- | --- |
 * | `https://…`, `mailto:` and the other link protocols | a link |
 * | `other.md#part`, a folder | a page link (the anchor matched as on GitHub), when mapped and published |
 * | a file | an attachment |
 * | `/path` | read from docs.root, else from the repository's root, as GitHub does |
 * | `/site/path` that is no file | a link under `docs.siteUrl`, else text |
 * | `git@host:repo`, an unknown protocol | text, the target shown as code |
 * | a missing file, an unpublished doc | text |
 */

export interface LinkedDoc {
  /** The page title; undefined when the doc is not published (`confluence: false`). */
  title?: string;
  anchors?: Anchors;
}

export interface ResolveContext {
  /** Absolute docs root. */
  root: string;
  /** The doc's key and absolute path. */
  key: string;
  file: string;
  siteUrl?: string;
  /** Where `/x` is read from when it is not under the docs root (GitHub reads it from the repository's root). */
  repoRoot?: string;
  /** Keys of the mapping. */
  mapped: (key: string) => boolean;
  onDisk: ReadonlySet<string>;
  /** Docs this one links to, loaded before conversion (see linkedKeys). */
  linked: ReadonlyMap<string, LinkedDoc>;
  /** Attach a file; its attachment name, or undefined when it cannot be read. */
  attach: (abs: string) => string | undefined;
  warn: (line: number | undefined, message: string) => void;
}

const LINK_PROTOCOLS = new Set(['http', 'https', 'mailto', 'ftp', 'ftps', 'sftp', 'tel', 'irc', 'ircs', 'xmpp', 'news', 'ssh', 'git', 'svn']);
const SCHEME = /^([a-z][a-z0-9+.-]*):/i;
/** `git@github.com:org/repo.git`: an address for git, not a URL. */
const SCP = /^[\w.+-]+@[\w.-]+:\S*$/;

export function resolveLink(ctx: ResolveContext, url: string, line: number | undefined): LinkTarget {
  if (url.trim() === '') return { kind: 'none' };
  const scheme = SCHEME.exec(url)?.[1]?.toLowerCase();
  if (scheme !== undefined) {
    if (LINK_PROTOCOLS.has(scheme)) return { kind: 'url', href: url };
    ctx.warn(line, `link to ${short(url)}: ${scheme}: is not a link protocol Confluence keeps (kept as text)`);
    return { kind: 'none', ...(scheme === 'javascript' || scheme === 'data' || scheme === 'vbscript' ? {} : { show: url }) };
  }
  if (url.startsWith('//')) return { kind: 'url', href: `https:${url}` };
  if (SCP.test(url)) {
    ctx.warn(line, `link to ${url}: an scp-style git address, not a URL (kept as text)`);
    return { kind: 'none', show: url };
  }
  const { filePath, fragment } = splitUrl(url);
  if (filePath === '') return fragment ? { kind: 'anchor', anchor: fragment } : { kind: 'none' };
  const abs = absolute(ctx, filePath);
  const stat = statSafe(abs);
  if (!stat) return missing(ctx, url, filePath, line, 'link to');
  if (stat.isFile() && !MD_EXT.test(abs)) {
    const name = ctx.attach(abs);
    if (name) return { kind: 'attachment', filename: name };
    ctx.warn(line, `link to ${filePath}: the file cannot be read (kept as text)`);
    return { kind: 'none' };
  }
  return pageLink(ctx, abs, stat, filePath, fragment, line);
}

function pageLink(ctx: ResolveContext, abs: string, stat: Stats, filePath: string, fragment: string | undefined, line: number | undefined): LinkTarget {
  const key = keyOf(ctx, abs, stat);
  const doc = key !== undefined && ctx.mapped(key) ? ctx.linked.get(key) : undefined;
  if (key === undefined || doc?.title === undefined) {
    const why = key === undefined ? 'outside docs.root' : 'not published (not in the mapping, or confluence: false)';
    ctx.warn(line, `link to ${filePath}, which is ${why}: kept as text`);
    return { kind: 'none' };
  }
  if (key === ctx.key) return fragment ? { kind: 'anchor', anchor: fragment } : { kind: 'none' };
  if (!fragment) return { kind: 'page', title: doc.title };
  const anchor = doc.anchors?.resolve(fragment);
  if (anchor === undefined) ctx.warn(line, `link to ${filePath}#${fragment}: no heading or anchor of that name there (links to the page)`);
  return { kind: 'page', title: doc.title, ...(anchor !== undefined ? { anchor } : {}) };
}

export function resolveImage(ctx: ResolveContext, src: string, line: number | undefined): ImageTarget {
  if (/^data:/i.test(src)) {
    ctx.warn(line, 'a data: URI image is not published; use a file (its alt text is kept)');
    return { kind: 'none' };
  }
  const scheme = SCHEME.exec(src)?.[1]?.toLowerCase();
  if (scheme === 'http' || scheme === 'https') return { kind: 'url', url: src };
  if (scheme !== undefined) {
    ctx.warn(line, `image ${short(src)}: ${scheme}: is not a web address (its alt text is kept)`);
    return { kind: 'none' };
  }
  if (src.startsWith('//')) return { kind: 'url', url: `https:${src}` };
  const { filePath } = splitUrl(src);
  if (filePath === '') return { kind: 'none' };
  const abs = absolute(ctx, filePath);
  if (!statSafe(abs)?.isFile()) {
    const t = missing(ctx, src, filePath, line, 'image');
    return t.kind === 'url' ? { kind: 'url', url: t.href } : { kind: 'none' };
  }
  const name = ctx.attach(abs);
  if (name) return { kind: 'attachment', filename: name };
  ctx.warn(line, `image ${filePath}: the file cannot be read (its alt text is kept)`);
  return { kind: 'none' };
}

/** Not on disk: a site-absolute path goes to docs.siteUrl when set; anything else is text. */
function missing(ctx: ResolveContext, url: string, filePath: string, line: number | undefined, what: 'link to' | 'image'): LinkTarget {
  const kept = what === 'image' ? 'its alt text is kept' : 'kept as text';
  if (url.startsWith('/')) {
    if (ctx.siteUrl) return { kind: 'url', href: `${ctx.siteUrl.replace(/\/+$/, '')}${url}` };
    ctx.warn(line, `${what} ${filePath}: not under docs.root, and no docs.siteUrl to put before it (${kept})`);
    return { kind: 'none' };
  }
  ctx.warn(line, `${what} ${filePath}: no such file (${kept})`);
  return { kind: 'none' };
}

/** Keys of the docs a doc links to (their titles and anchors are loaded before it is converted). */
export function linkedKeys(roots: { root: string; repoRoot?: string }, file: string, onDisk: ReadonlySet<string>, hrefs: readonly string[]): Set<string> {
  const keys = new Set<string>();
  const root = roots.root;
  for (const href of hrefs) {
    if (SCHEME.test(href) || href.startsWith('#') || href.startsWith('//') || SCP.test(href)) continue;
    const { filePath } = splitUrl(href);
    if (filePath === '') continue;
    const abs = absolute({ ...roots, file }, filePath);
    const stat = statSafe(abs);
    const key = stat ? keyOf({ root, onDisk }, abs, stat) : undefined;
    if (key !== undefined) keys.add(key);
  }
  return keys;
}

function keyOf(ctx: { root: string; onDisk: ReadonlySet<string> }, abs: string, stat: Stats): string | undefined {
  const rel = path.relative(ctx.root, abs).split(path.sep).join('/');
  if (rel.startsWith('..') || path.isAbsolute(rel)) return undefined;
  if (stat.isDirectory()) return folderKey(rel, ctx.onDisk);
  return MD_EXT.test(abs) ? rel : undefined;
}

/** `/x`: under the docs root, else under the repository's root; anything else: beside the doc. */
function absolute(ctx: { root: string; repoRoot?: string; file: string }, filePath: string): string {
  if (!filePath.startsWith('/')) return path.resolve(path.dirname(ctx.file), filePath);
  const underRoot = path.join(ctx.root, filePath);
  if (!ctx.repoRoot || statSafe(underRoot)) return underRoot;
  const underRepo = path.join(ctx.repoRoot, filePath);
  return statSafe(underRepo) ? underRepo : underRoot;
}

/** Path (percent-decoded, query dropped) and fragment of a relative URL. */
export function splitUrl(url: string): { filePath: string; fragment?: string } {
  const hashAt = url.indexOf('#');
  const rawPath = (hashAt >= 0 ? url.slice(0, hashAt) : url).replace(/\?.*$/, '');
  const fragment = hashAt >= 0 ? decode(url.slice(hashAt + 1)) : undefined;
  return { filePath: decode(rawPath), ...(fragment ? { fragment } : {}) };
}

function decode(s: string): string {
  try {
    return decodeURIComponent(s);
  } catch {
    return s;
  }
}

function short(url: string): string {
  return url.length > 60 ? `${url.slice(0, 57)}…` : url;
}

function statSafe(p: string): Stats | undefined {
  try {
    return statSync(p);
  } catch {
    return undefined;
  }
}
