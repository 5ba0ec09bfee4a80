import GithubSlugger from 'github-slugger';
import type { Root as HastRoot, RootContent as HastContent } from 'hast';
import { textContent } from './hast.js';

/**
 * The anchors of one page, by GitHub's rules: every heading (markdown or raw
 * HTML) gets github-slugger's slug of its text, repeats numbered `-1`, `-2`;
 * a heading with an id (`{#id}`, `<h2 id>`) and any element with an `id` or
 * a `name` is an anchor by that name. A link's fragment matches exactly,
 * else case-insensitively (GitHub's page script does the same), else without
 * the `user-content-` prefix GitHub puts on ids.
 */
export class Anchors {
  private readonly names = new Set<string>();
  private readonly lower = new Map<string, string>();

  add(name: string): void {
    if (name === '' || this.names.has(name)) return;
    this.names.add(name);
    if (!this.lower.has(name.toLowerCase())) this.lower.set(name.toLowerCase(), name);
  }

  has(name: string): boolean {
    return this.names.has(name);
  }

  /** The anchor a fragment (already percent-decoded) lands on, if any. */
  resolve(fragment: string): string | undefined {
    for (const f of [fragment, fragment.replace(/^user-content-/, '')]) {
      if (this.names.has(f)) return f;
      const l = this.lower.get(f.toLowerCase());
      if (l !== undefined) return l;
    }
    return undefined;
  }

  list(): string[] {
    return [...this.names];
  }
}

const HEADING = /^h[1-6]$/;

/**
 * Give every heading its id (in document order) and collect every anchor of
 * the page. `title` is the level-1 heading taken out as the page title: its
 * slug comes first, as on GitHub where it is the first heading.
 */
export function assignAnchors(tree: HastRoot, title?: string): { anchors: Anchors; titleAnchor?: string } {
  const slugger = new GithubSlugger();
  const anchors = new Anchors();
  let titleAnchor: string | undefined;
  if (title !== undefined) {
    titleAnchor = slugger.slug(title);
    anchors.add(titleAnchor);
  }
  const visit = (n: HastContent | HastRoot): void => {
    if (n.type === 'element') {
      const id = stringProp(n.properties['id']);
      if (HEADING.test(n.tagName) && id === undefined) {
        // Raw HTML headings hold layout whitespace: trimmed, and a run with a line break read as one space.
        const slug = slugger.slug(textContent(n).trim().replace(/\s*\n\s*/g, ' '));
        n.properties['id'] = slug;
        anchors.add(slug);
      } else if (id !== undefined) {
        // An explicit id is the anchor; counted so that a heading of that text later gets `-1`.
        if (HEADING.test(n.tagName)) slugger.slug(id, true);
        anchors.add(id);
      }
      // `<a name>`, and the `<h3 name>` READMEs use too (GitHub's page script finds it).
      const name = stringProp(n.properties['name']);
      if (name !== undefined) anchors.add(name);
    }
    if ('children' in n) for (const c of n.children as HastContent[]) visit(c);
  };
  visit(tree);
  return { anchors, ...(titleAnchor !== undefined ? { titleAnchor } : {}) };
}

export function stringProp(v: unknown): string | undefined {
  if (typeof v === 'string') return v === '' ? undefined : v;
  if (typeof v === 'number') return String(v);
  if (Array.isArray(v)) return v.length > 0 ? v.join(' ') : undefined;
  return undefined;
}
