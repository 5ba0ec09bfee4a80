/**
 * A route table: a method and a path (exact, or a template whose `{name}`
 * segments match one path segment each) to a handler that gets the segments'
 * values, decoded. The stand-ins list their endpoints as the API reference
 * does instead of one long chain of ifs.
 */

export type Params = Record<string, string>;
export type Handler<C, R> = (ctx: C, params: Params) => R;

interface Route<C, R> {
  method: string;
  pattern: RegExp;
  names: string[];
  handler: Handler<C, R>;
}

export class Router<C, R> {
  private readonly routes: Route<C, R>[] = [];

  /** `path` like `/wiki/api/v2/pages/{id}`; `{id}` matches `[^/]+` unless a pattern is given: `{id:\d+}`. */
  on(method: string | readonly string[], path: string, handler: Handler<C, R>): this {
    const names: string[] = [];
    const source = path
      .split(/(\{[^}]+\})/)
      .map((part) => {
        const m = /^\{([A-Za-z_]\w*)(?::(.+))?\}$/.exec(part);
        if (!m) return part.replace(/[.*+?^$()|[\]\\]/g, '\\$&');
        names.push(m[1]!);
        return `(${m[2] ?? '[^/]+'})`;
      })
      .join('');
    const pattern = new RegExp(`^${source}$`);
    for (const m of typeof method === 'string' ? [method] : method) this.routes.push({ method: m.toUpperCase(), pattern, names, handler });
    return this;
  }

  /** The first route for this method and path, with a handler bound to its parameters. */
  match(method: string, path: string): ((ctx: C) => R) | undefined {
    for (const r of this.routes) {
      if (r.method !== method.toUpperCase()) continue;
      const m = r.pattern.exec(path);
      if (!m) continue;
      const params: Params = {};
      r.names.forEach((n, i) => (params[n] = decode(m[i + 1]!)));
      return (ctx) => r.handler(ctx, params);
    }
    return undefined;
  }
}

/** A segment as the service reads it; a malformed escape stays as sent (and then names nothing). */
function decode(segment: string): string {
  try {
    return decodeURIComponent(segment);
  } catch {
    return segment;
  }
}
