/**
 * Heading slugs the way GitHub makes them, so `[x](#some-heading)` written for
 * GitHub lands on the same heading in Confluence: lower case, punctuation
 * dropped, spaces to hyphens, repeats numbered `-1`, `-2`.
 */
export class Slugger {
  private readonly seen = new Map<string, number>();

  has(slug: string): boolean {
    return this.seen.has(slug);
  }

  slug(text: string): string {
    const base = slugify(text);
    let slug = base;
    let n = this.seen.get(base);
    if (n !== undefined) {
      do {
        n++;
        slug = `${base}-${n}`;
      } while (this.seen.has(slug));
      this.seen.set(base, n);
    }
    this.seen.set(slug, this.seen.get(slug) ?? 0);
    return slug;
  }
}

export function slugify(text: string): string {
  return text
    .toLowerCase()
    .trim()
    .replace(/[^\p{L}\p{M}\p{N}\p{Pc}\- ]/gu, '')
    .replace(/ /g, '-');
}
