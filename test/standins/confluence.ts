import { startConfluenceStandIn, type ConfluenceStandIn, type StandInOptions } from '@ssot/standins/confluence';
import { createSpecValidator } from './confluence-spec.js';

/**
 * The Confluence stand-in for tests: every request it receives is checked
 * against the API spec; `violations` lists what did not match (a test ends
 * with `expect(standin.violations).toEqual([])`).
 */
export interface TestConfluence extends ConfluenceStandIn {
  violations: string[];
  /** Requests counted by method, e.g. { GET: 2, PUT: 1 }. */
  count(): Record<string, number>;
  writes(): number;
}

let validator: ReturnType<typeof createSpecValidator> | undefined;

export async function startTestConfluence(opts: StandInOptions = {}): Promise<TestConfluence> {
  validator ??= createSpecValidator();
  const violations: string[] = [];
  const s = await startConfluenceStandIn({
    ...opts,
    onRequest: (r) => {
      violations.push(...validator!(r));
      opts.onRequest?.(r);
    },
    onResponse: (r, status, json) => {
      violations.push(...validator!.response(r, status, json));
      opts.onResponse?.(r, status, json);
    },
  });
  return Object.assign(s, {
    violations,
    count: () => {
      const c: Record<string, number> = {};
      for (const r of s.requests) c[r.method] = (c[r.method] ?? 0) + 1;
      return c;
    },
    writes: () => s.requests.filter((r) => r.method !== 'GET').length,
  });
}
