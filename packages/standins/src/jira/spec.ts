import { promises as fs } from 'node:fs';
import type { Ajv as AjvClass, ValidateFunction } from 'ajv';

/**
 * The Jira stand-in's check of every request against the published OpenAPI
 * document (jira-cloud-platform-v3.openapi.json): the operation exists, its
 * query parameters are declared, the JSON body matches the schema. A body the
 * document refuses is answered 400, as Jira does; every finding is kept so a
 * test can assert there were none.
 */

interface SpecOp {
  template: RegExp;
  method: string;
  validate?: ValidateFunction;
  query: Set<string>;
}

type Operation = { parameters?: { name?: string; in?: string }[]; requestBody?: { content?: Record<string, { schema?: unknown }> } };
interface OpenApi {
  paths: Record<string, Record<string, Operation>>;
  components: unknown;
}

export interface SpecCheck {
  /** What the document does not accept about the request (empty: nothing). */
  violations: string[];
  /** Why the body is refused, when it is (the request is then answered 400). */
  refuse?: string;
}

const specCache = new Map<string, Promise<SpecOp[]>>();

/** Compiled once per process: the document is 2.4 MB. */
export function loadSpec(file: string): Promise<SpecOp[]> {
  let p = specCache.get(file);
  if (!p) specCache.set(file, (p = compileSpec(file)));
  return p;
}

async function compileSpec(file: string): Promise<SpecOp[]> {
  const spec = JSON.parse(await fs.readFile(file, 'utf8')) as OpenApi;
  // Loaded only here: a stand-in started without a document never pays for ajv.
  const { Ajv } = await import('ajv');
  const { default: addFormats } = (await import('ajv-formats')) as unknown as { default: (a: AjvClass) => void };
  const ajv = new Ajv({ strict: false, allErrors: true, validateFormats: true });
  addFormats(ajv);
  ajv.addSchema({ $id: 'jira-v3', components: spec.components });
  const ops: SpecOp[] = [];
  for (const [p, methods] of Object.entries(spec.paths)) {
    const template = new RegExp('^' + p.replace(/[.*+?^$()|[\]\\]/g, '\\$&').replace(/\{[^}]+\}/g, '[^/]+') + '$');
    for (const [m, op] of Object.entries(methods)) {
      if (!['get', 'post', 'put', 'delete', 'patch'].includes(m)) continue;
      const schema = op.requestBody?.content?.['application/json']?.schema;
      const validate = schema ? ajv.compile(JSON.parse(JSON.stringify(schema).replace(/"#\/components/g, '"jira-v3#/components')) as object) : undefined;
      const query = new Set((op.parameters ?? []).filter((x) => x.in === 'query').map((x) => String(x.name)));
      ops.push({ template, method: m.toUpperCase(), query, ...(validate ? { validate } : {}) });
    }
  }
  return ops;
}

export function checkRequest(ops: SpecOp[], method: string, path: string, query: URLSearchParams, body: unknown): SpecCheck {
  const op = ops.find((o) => o.method === method && o.template.test(path));
  if (!op) return { violations: [`${method} ${path}: no such operation in the OpenAPI document`] };
  const violations: string[] = [];
  for (const q of query.keys()) if (!op.query.has(q)) violations.push(`${method} ${path}: unknown query parameter "${q}"`);
  if (op.validate && body !== undefined && !op.validate(body)) {
    const why = (op.validate.errors ?? []).map((e) => `${e.instancePath} ${e.message ?? ''}`.trim()).join('; ');
    violations.push(`${method} ${path}: ${why}`);
    return { violations, refuse: why };
  }
  return { violations };
}
