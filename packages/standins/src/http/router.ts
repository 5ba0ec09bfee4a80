/**
 * A route table: a method and a path (exact, or a template whose `{name}`
 * segments match one path segment each) to a handler that gets the segments'
 * values, decoded. The stand-ins list their endpoints as the API reference
 * does instead of one long chain of ifs.
 */

/** The names of a path template's `{name}` and `{name:pattern}` segments, read from its literal type. */
type ParamNames<P extends string> = P extends `${string}{${infer Segment}}${infer Rest}`
  ? (Segment extends `${infer Name}:${string}` ? Name : Segment) | ParamNames<Rest>
  : never;
/** Every segment the template names is there: a route only matches when each one matched. */
type Params<P extends string> = { readonly [K in ParamNames<P>]: string };
export type Handler<C, R, P extends string> = (ctx: C, params: Params<P>) => R;

interface Route<C, R> {
  method: string;
  pattern: RegExp;
  names: string[];
  handler: (ctx: C, params: Readonly<Record<string, string>>) => R;
}

export class Router<C, R> {
  private readonly routes: Route<C, R>[] = [];

  /** `path` like `/wiki/api/v2/pages/{id}`; `{id}` matches `[^/]+` unless a pattern is given: `{id:\d+}`. */
  on<P extends string>(method: string | readonly string[], path: P, handler: Handler<C, R, P>): this {
    const names: string[] = [];
    const source = path
      .split(/(\{[^}]+\})/)
      .map((part) => {
        const m = /^\{([A-Za-z_]\w*)(?::(.+))?\}$/.exec(part);
        if (!m) return part.replace(/[.*+?^$()|[\]\\]/g, '\\$&');
        const [, name = '', pattern = '[^/]+'] = m;
        names.push(name);
        return `(${pattern})`;
      })
      .join('');
    const pattern = new RegExp(`^${source}$`);
    // The names come from the same template as P: the record match() builds holds each of them.
    const bound = handler as Route<C, R>['handler'];
    for (const m of typeof method === 'string' ? [method] : method) this.routes.push({ method: m.toUpperCase(), pattern, names, handler: bound });
    return this;
  }

  /** The first route for this method and path, with a handler bound to its parameters. */
  match(method: string, path: string): ((ctx: C) => R) | undefined {
    for (const r of this.routes) {
      if (r.method !== method.toUpperCase()) continue;
      const m = r.pattern.exec(path);
      if (!m) continue;
      // Every group of the pattern is a named segment and none is optional: each one matched.
      const params = Object.fromEntries(r.names.map((n, i) => [n, decode(m[i + 1] ?? '')]));
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
